#!/usr/bin/env node
import { fastHook } from "./fast-hook.js";

// `zero-models check | head -3`: once the reader is gone, what is left to
// print is dropped, and the run ends as it would have, with its exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

// Hooks run on every pull, checkout and commit: when nothing watched changed
// they end here, before the CLI parser and the commands are loaded. This
// entry is built as CommonJS (dist/cli.cjs), which Node starts faster than an
// ES module; the rest of the CLI is ESM, loaded only when needed. `check`
// and `generate` have a fast path too, for when nothing changed since the last
// "fresh"; when it cannot answer, git's listing it made is handed to the full
// command.
void fastHook(process.argv).then(async (hooked) => {
  if (hooked !== null) {
    process.exitCode = hooked;
    return;
  }
  const checked = process.argv.includes("check") || process.argv.includes("generate") ? await (await import("./fast-check.js")).fastCheck(process.argv) : null;
  if (checked && "code" in checked) process.exitCode = checked.code;
  else await (await import("./program.js")).main(process.argv, { listing: checked?.listing ?? undefined });
});
