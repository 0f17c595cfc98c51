import { defineConfig } from "vitest/config";

// The e2e failure catalogues (failures on a sync, failures under a drill): real control planes, minutes per file, one file at a time.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".cache/vitest-e2e-report.json" },
  },
});
