import { existsSync, lstatSync, readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULTS } from "../config/defaults.js";
import { findConfigFile, parsePlain } from "../config/file.js";
import type { Listing } from "../git/listing.js";
import { keptFresh, knownFresh } from "../staleness/fresh-record.js";
import { takeGlobal, type Globals } from "./global-options.js";
import { findTopLevel } from "../git/repo.js";
import { sha256 } from "../common/hash.js";
import * as msg from "../common/messages.js";

/**
 * The fast path of `check` and `generate`, taken before the CLI parser and
 * the commands load. For `zero-models [global options] check [--staged]` it
 * answers "fresh" (exit 0) when the last fresh verdict still holds (see
 * fresh-record.ts); for `zero-models [global options] generate`, "nothing to
 * do" when that verdict holds for the work tree, a `generate` made with it
 * stored every table's files, and no earlier run left work to put back.
 * Otherwise it returns git's listing if it made one, for the full command to
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
    const configSha = bytes ? sha256(bytes) : null;
    if (call.command === "generate" && leftWork(root, cacheDir)) return { listing: null };
    const known = call.command === "generate" ? await keptFresh(root, cacheDir, file, configSha) : await knownFresh(root, cacheDir, call.staged ? "index" : "worktree", file, configSha);
    if (known.tables === null) return { listing: known.listing };
    if (call.debug) process.stderr.write(`zero-models:debug +${Math.round(performance.now())}ms nothing changed since the last fresh verdict of ${known.tables} tables (fast path)\n`);
    if (!call.quiet) process.stdout.write(`${call.command === "generate" ? msg.nothingToDo(known.tables) : msg.allFresh(known.tables)}\n`);
    return { code: 0 };
  } catch {
    return { listing: null };
  }
}

/**
 * Whether a run was cut short with files moved aside (the subset guard's, in
 * the cache folder; a pre-commit's, in the git folder), which the full
 * `generate` puts back first. A git folder that is not `.git` here (a linked
 * worktree) counts as yes: the full path finds it.
 */
function leftWork(root: string, cacheDir: string): boolean {
  const gitDir = path.join(root, ".git");
  if (!lstatSync(gitDir, { throwIfNoEntry: false })?.isDirectory()) return true;
  return existsSync(path.join(gitDir, "zero-models", "set-aside")) || existsSync(path.join(cacheDir, "subset-guard"));
}

interface FastCall extends Globals {
  command?: "check" | "generate";
  staged: boolean;
}

function parse(args: string[]): FastCall | null {
  const call: FastCall = { staged: false };
  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    const taken = takeGlobal(args, i, call);
    if (taken) i += taken;
    else if ((arg === "check" || arg === "generate") && !call.command) (call.command = arg), i++;
    else if (arg === "--staged" && call.command === "check") (call.staged = true), i++;
    else return null;
  }
  // --json needs the full report, which only the full command makes.
  return call.command && call.cwd !== "" && !call.json ? call : null;
}
