import { defineConfig } from "vitest/config";

/**
 * Three projects, so the 2-core machine is kept busy without timing-sensitive
 * tests fighting each other for it:
 * - unit: in-process, fast; a short timeout catches a hang early.
 * - e2e: real git and node child processes; files mostly wait on them, so more
 *   workers than cores pays (see WORKERS).
 * - slow: heavy or timing-sensitive files (a benchmark, the demo, random
 *   histories, kill points at random delays), one at a time after the rest, so
 *   they neither starve nor are starved by the parallel files.
 * - oracle: the tool's Rails answers against real ActiveRecord (Ruby child
 *   processes, no build needed); skipped with the reason where Ruby is missing.
 *
 * The projects do not extend this file: an inline project that extends the
 * root config would run globalSetup once more per project. Only the root runs
 * it, once, and what it provides reaches every project.
 */

/**
 * unit and e2e share one vitest group, so they share this number. On the
 * 2-core machine, with other work on it: 3 workers 306 s, 4 workers 231 s
 * (the e2e tests sleep in emulated Rails boots, lock timeouts and git waits).
 */
const WORKERS = 4;

/** The tests that the slow project runs serially; everything else under test/e2e runs in parallel. */
const SLOW = ["test/e2e/bench.test.ts", "test/e2e/demo.test.ts"];

const shared = {
  define: { __ZERO_MODELS_VERSION__: JSON.stringify("test") },
};
const env = { NO_COLOR: "1" };

export default defineConfig({
  test: {
    globalSetup: ["test/helpers/build.ts"],
    projects: [
      {
        ...shared,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], env, maxWorkers: WORKERS, testTimeout: 10_000, hookTimeout: 10_000 },
      },
      {
        ...shared,
        // e2e tests start real git and node processes on a shared 2-core machine.
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], exclude: SLOW, env, maxWorkers: WORKERS, testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        ...shared,
        test: { name: "slow", include: SLOW, env, fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        ...shared,
        // In the group of unit and e2e (so the same maxWorkers): one file, two Ruby processes.
        test: { name: "oracle", include: ["test/oracle/**/*.test.ts"], env, maxWorkers: WORKERS, testTimeout: 180_000, hookTimeout: 60_000 },
      },
    ],
  },
});
