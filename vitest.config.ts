import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "generators/**/*.test.ts", "policies/**/*.test.ts", "apps/**/*.test.ts"],
    testTimeout: 60_000,
    // Loading and parsing every committed cluster in a beforeAll takes seconds, more on a busy machine.
    hookTimeout: 120_000,
    // Under CI a JSON report as well, from which .ci/run prints the plain pass/fail count.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".cache/vitest-report.json" },
  },
});
