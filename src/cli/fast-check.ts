import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULTS } from "../config/defaults.js";
import { findConfigFile, parsePlain } from "../config/file.js";
import type { Listing } from "../git/listing.js";
import { knownFresh } from "../staleness/fresh-record.js";
import { takeGlobal, type Globals } from "./global-options.js";
import { findTopLevel } from "../git/repo.js";
import { sha256 } from "../common/hash.js";
import * as msg from "../common/messages.js";

/**
 * `check`'s fast path, taken before the CLI parser and the commands load:
 * for `zero-models [global options] check [--staged]` it answers "fresh"
 * (exit 0) when the last fresh verdict still holds (see fresh-record.ts).
 * Otherwise it returns git's listing if it made one, for the full check to
 * use: anything it cannot answer, including every error, goes to the full
 * CLI, so this path can only be faster, never different.
 */
export async function fastCheck(argv: string[]): Promise<{ code: number } | { listing: Listing | null }> {
  const call = parse(argv.slice(2));
  if (!call) return { listing: null };
  try {
    const cwd = path.resolve(call.cwd ?? ".");
    const root = findTopLevel(cwd);
    if (!root) return { listing: null };
    const file = call.config ? path.resolve(cwd, call.config) : findConfigFile(cwd, root);
    const bytes = file ? readFileSync(file) : null;
    const data = file ? await parsePlain(file, bytes!.toString("utf8")) : {};
    if (!data) return { listing: null };
    const cacheDir = path.resolve(file ? path.dirname(file) : root, typeof data.cacheDir === "string" ? data.cacheDir : DEFAULTS.cacheDir);
    const known = await knownFresh(root, cacheDir, call.staged ? "index" : "worktree", file, bytes ? sha256(bytes) : null);
    if (known.tables === null) return { listing: known.listing };
    if (call.debug) process.stderr.write(`zero-models:debug +${Math.round(performance.now())}ms nothing changed since the last fresh verdict of ${known.tables} tables (fast path)\n`);
    if (!call.quiet) process.stdout.write(`${msg.allFresh(known.tables)}\n`);
    return { code: 0 };
  } catch {
    return { listing: null };
  }
}

interface CheckCall extends Globals {
  staged: boolean;
}

function parse(args: string[]): CheckCall | null {
  const call: CheckCall = { staged: false };
  let command = false;
  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    const taken = takeGlobal(args, i, call);
    if (taken) i += taken;
    else if (arg === "check" && !command) (command = true), i++;
    else if (arg === "--staged" && command) (call.staged = true), i++;
    else return null;
  }
  // --json needs the full report, which only the full check makes.
  return command && call.cwd !== "" && !call.json ? call : null;
}
