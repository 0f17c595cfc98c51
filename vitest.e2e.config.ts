import { defineConfig } from "vitest/config";

// The e2e failure catalogues (failures on a sync, failures under a drill): real control planes, minutes per file.
// Each file runs its own control plane on its own port set (instances 1 and 2), so the two run side by side:
// the drills' cases spend most of their time waiting on controllers' clocks while the sync cases use the cores.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: true,
    maxWorkers: 2,
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".cache/vitest-e2e-report.json" },
  },
});
