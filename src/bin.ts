#!/usr/bin/env node
import { quickHook } from "./quick-hook.js";

// Hooks run on every pull, checkout and commit: when nothing watched changed
// they end here, before the CLI parser and the commands are loaded. This
// entry is built as CommonJS (dist/cli.cjs), which Node starts faster than an
// ES module; the rest of the CLI is ESM, loaded only when needed.
void quickHook(process.argv).then(async (code) => {
  if (code === null) await (await import("./cli.js")).main(process.argv);
  else process.exitCode = code;
});
