#!/usr/bin/env node
import { quickHook } from "./fast-hook.js";

// Hooks run on every pull, checkout and commit: when nothing watched changed
// they end here, before the CLI parser and the commands are loaded. This
// entry is built as CommonJS (dist/cli.cjs), which Node starts faster than an
// ES module; the rest of the CLI is ESM, loaded only when needed. `check`
// has a fast path too, for when nothing changed since it last said "fresh".
void quickHook(process.argv).then(async (hooked) => {
  const code = hooked ?? (process.argv.includes("check") ? await (await import("./fast-check.js")).quickCheck(process.argv) : null);
  if (code === null) await (await import("./program.js")).main(process.argv);
  else process.exitCode = code;
});
