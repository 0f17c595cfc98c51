import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "generators/**/*.test.ts", "policies/**/*.test.ts", "apps/**/*.test.ts"],
    // Unisolated: a worker imports the generators and policies once, not once per file (that cost
    // most of the suite's time), and the parsed committed clusters and promtool answers cached at
    // module level are shared by every file it runs. Tests that change process state restore it.
    isolate: false,
    // Both cores: vitest would leave one idle (it starts one worker fewer than the CPUs), and much
    // of the suite waits on promtool, git, kubeconform and the CLIs it spawns.
    maxWorkers: 2,
    testTimeout: 60_000,
    // Loading and parsing every committed cluster in a beforeAll takes seconds, more on a busy machine.
    hookTimeout: 120_000,
    // Under CI a JSON report as well, from which .ci/run prints the plain pass/fail count.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".cache/vitest-report.json" },
  },
});
