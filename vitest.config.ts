import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "generators/**/*.test.ts", "policies/**/*.test.ts", "apps/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
