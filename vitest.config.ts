import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "{functions,db,knative,loadtest,cluster,processes,flux}/**/*.test.ts",
      "scripts/workspace-deps/*.test.ts",
    ],
    globalSetup: ["functions/kit/src/testing/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: files run in parallel, each against its own database.
    pool: "forks",
    // In CI a JSON report too, from which .ci/run prints one plain summary line.
    reporters: process.env.VITEST_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.VITEST_JSON_REPORT }]]
      : ["default"],
  },
});
