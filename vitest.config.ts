import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/build.ts"],
    // e2e tests start real git and node processes; 2 cores on CI.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { NO_COLOR: "1" },
  },
  define: { __ZERO_MODELS_VERSION__: JSON.stringify("test") },
});
