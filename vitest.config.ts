import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // Every process a test starts is ended by that test: the teardown fails the run otherwise.
    globalSetup: ["test/helpers/global-setup.ts"],
    setupFiles: ["test/helpers/end-children.ts"],
  },
});
