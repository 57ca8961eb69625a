// Preloaded with `node --require` by scripts/bench.mjs: on exit, writes this
// process's peak resident set size (kilobytes, from getrusage) to the file
// named by ZERO_MODELS_BENCH_RSS_FILE. Node's spawnSync reports no rusage of
// its children, so the measured process reports its own.
"use strict";
const file = process.env.ZERO_MODELS_BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    require("node:fs").writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
