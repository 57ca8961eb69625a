import path from "node:path";
import { peekWatchedGlobs } from "../config/file.js";
import { repoDirs, repoDirsAt } from "../git/repo.js";
import { HOOKS, hookScope, isSkipSet, touchesWatched, type HookName } from "../hooks/scope.js";
import * as msg from "../common/messages.js";
import { takeGlobal, type Globals } from "./global-options.js";

/**
 * The hooks' fast path, taken before the CLI parser and the commands load:
 * for `zero-models [global options] hook <name> …`
 * it ends the run (exit 0) when the hook is skipped or nothing watched
 * changed. Anything else, including every error, returns null and the full
 * CLI takes over, so this path can only be faster, never different.
 */
export async function fastHook(argv: string[]): Promise<number | null> {
  const call = parse(argv.slice(2));
  if (!call) return null;
  try {
    if (isSkipSet()) {
      if (!call.quiet) process.stdout.write(`${msg.hookSkipped(call.name)}\n`);
      return 0;
    }
    const debug = call.debug ? (line: string) => process.stderr.write(`zero-models:debug ${msg.visible(line)}\n`) : () => {};
    const cwd = call.cwd ?? process.cwd();
    const dirs = repoDirsAt(path.resolve(cwd)) ?? (await repoDirs(cwd));
    const scope = hookScope(call.name, call.args, dirs);
    // Read while git answers (hookScope has spawned it): the config costs less than that wait.
    const globs = peekWatchedGlobs(cwd, dirs.root, call.config);
    return (await touchesWatched(await scope, globs, debug)) ? null : 0;
  } catch {
    return null;
  }
}

interface HookCall extends Globals {
  name: HookName;
  args: string[];
}

function parse(args: string[]): HookCall | null {
  const globals: Globals = {};
  for (let i = 0; i < args.length; ) {
    if (args[i] === "hook") {
      const name = args[i + 1];
      if (!name || !(HOOKS as readonly string[]).includes(name)) return null;
      const rest = args.slice(i + 2);
      if (rest.some((a) => a.startsWith("-"))) return null;
      return { ...globals, name: name as HookName, args: rest };
    }
    const taken = takeGlobal(args, i, globals);
    if (!taken) return null;
    i += taken;
  }
  return null;
}
