import { readdirSync, readFileSync } from "node:fs";
import { configDefaults, defineConfig } from "vitest/config";

const INCLUDE = ["test/**/*.test.ts", "generators/**/*.test.ts", "policies/**/*.test.ts", "apps/**/*.test.ts"];

/**
 * Test files that replace a module with vi.mock: an unisolated worker may
 * already hold the real module from an earlier file, so the mock would not
 * reach the code under test. Found by reading the files, so a new one is
 * isolated without anyone having to list it.
 */
const MOCKING = INCLUDE.map((glob) => glob.split("/")[0] as string)
  .flatMap((root) => readdirSync(root, { recursive: true, encoding: "utf8" }).map((file) => `${root}/${file}`))
  .filter((file) => file.endsWith(".test.ts") && /\bvi\.(?:do)?[mM]ock\(/.test(readFileSync(file, "utf8")))
  .sort();

export default defineConfig({
  test: {
    // Both cores: vitest would leave one idle (it starts one worker fewer than the CPUs), and much
    // of the suite waits on promtool, git, kubeconform and the CLIs it spawns.
    maxWorkers: 2,
    testTimeout: 60_000,
    // Loading and parsing every committed cluster in a beforeAll takes seconds, more on a busy machine.
    hookTimeout: 120_000,
    // Under CI a JSON report as well, from which .ci/run prints the plain pass/fail count.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".cache/vitest-report.json" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: INCLUDE,
          exclude: [...configDefaults.exclude, ...MOCKING],
          // Unisolated: a worker imports the generators and policies once, not once per file (that
          // cost most of the suite's time), and the parsed committed clusters and promtool answers
          // cached at module level are shared by every file it runs. Tests that change process
          // state restore it.
          isolate: false,
        },
      },
      { extends: true, test: { name: "mocking", include: MOCKING, isolate: true } },
    ],
  },
});
