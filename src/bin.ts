#!/usr/bin/env node
import { quickHook } from "./quick-hook.js";

// Hooks run on every pull, checkout and commit: when nothing watched changed
// they end here, before the CLI parser and the commands are loaded.
const quick = await quickHook(process.argv);
if (quick === null) await (await import("./cli.js")).main(process.argv);
else process.exitCode = quick;
