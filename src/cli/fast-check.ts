import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULTS } from "../config/defaults.js";
import { findConfigFile, parsePlain } from "../config/file.js";
import { knownFresh } from "../staleness/fresh-record.js";
import { findTopLevel } from "../git/repo.js";
import { sha256 } from "../common/hash.js";
import * as msg from "../common/messages.js";

/**
 * `check`'s fast path, taken before the CLI parser and the commands load:
 * for `zero-models [-C dir] [-c file] [-q] [--debug] [--no-color] check [--staged]`
 * it answers "fresh" (exit 0) when the last fresh verdict still holds (see
 * fresh-record.ts). Anything else, including every error, returns null and
 * the full CLI takes over, so this path can only be faster, never different.
 */
export async function quickCheck(argv: string[]): Promise<number | null> {
  const call = parse(argv.slice(2));
  if (!call) return null;
  try {
    const cwd = path.resolve(call.cwd ?? ".");
    const root = findTopLevel(cwd);
    if (!root) return null;
    const file = call.config ? path.resolve(cwd, call.config) : findConfigFile(cwd, root);
    const bytes = file ? readFileSync(file) : null;
    const data = file ? await parsePlain(file, bytes!.toString("utf8")) : {};
    if (!data) return null;
    const cacheDir = path.resolve(file ? path.dirname(file) : root, typeof data.cacheDir === "string" ? data.cacheDir : DEFAULTS.cacheDir);
    const tables = await knownFresh(cacheDir, call.staged ? "index" : "worktree", file, bytes ? sha256(bytes) : null);
    if (tables === null) return null;
    if (call.debug) process.stderr.write(`zero-models:debug +${Math.round(performance.now())}ms nothing changed since the last fresh verdict of ${tables} tables (fast path)\n`);
    if (!call.quiet) process.stdout.write(`${msg.allFresh(tables)}\n`);
    return 0;
  } catch {
    return null;
  }
}

interface CheckCall {
  cwd?: string;
  config?: string;
  staged: boolean;
  quiet: boolean;
  debug: boolean;
}

function parse(args: string[]): CheckCall | null {
  const call: CheckCall = { staged: false, quiet: false, debug: false };
  let command = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "check" && !command) command = true;
    else if (arg === "--staged" && command) call.staged = true;
    else if (arg === "-C" || arg === "--cwd") call.cwd = args[++i];
    else if (arg === "-c" || arg === "--config") call.config = args[++i];
    else if (arg === "-q" || arg === "--quiet") call.quiet = true;
    else if (arg === "--debug") call.debug = true;
    else if (arg !== "--no-color") return null;
  }
  return command && (call.cwd === undefined || call.cwd !== "") ? call : null;
}
