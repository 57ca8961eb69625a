import { readFileSync } from "node:fs";
import { isatty } from "node:tty";
import { staticBase, underBase } from "../config/file.js";
import { changedBetween, stagedChanges } from "../git/changes.js";
import { operationInProgress } from "../git/repo.js";
import type { Debug } from "../common/log.js";

/**
 * Which paths a hook has to look at, and whether any of them is watched: the
 * part of every hook that runs when nothing relevant changed, so it loads no
 * parser, hashes nothing and reads the config without cosmiconfig or zod.
 */

export const HOOKS = ["post-merge", "post-checkout", "post-rewrite", "pre-commit"] as const;
export type HookName = (typeof HOOKS)[number];

/** Some changed paths, everything (a full check), or nothing; with why, for --debug. */
export type HookScope = { paths: string[] } | { all: string } | { none: string };

const NULL_SHA = /^0+$/;

/** ZERO_MODELS_SKIP=1 (any value but "", 0 or false) skips every hook. */
export function isSkipSet(value = process.env.ZERO_MODELS_SKIP): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

export async function hookScope(name: HookName, args: string[], dirs: { root: string; gitDir: string }): Promise<HookScope> {
  const [first, second, flag] = args;
  const { root, gitDir } = dirs;
  switch (name) {
    case "pre-commit":
      return { paths: await stagedChanges(root) };
    case "post-merge":
      // A squash merge leaves HEAD alone and stages the result.
      if (first === "1") return { paths: await stagedChanges(root) };
      return rangeScope(root, "ORIG_HEAD", "HEAD");
    case "post-checkout": {
      if (flag !== "1") return { none: "file checkout, not a branch checkout" };
      const busy = operationInProgress(gitDir);
      if (busy) return { none: `${busy} in progress: post-rewrite or the final checkout handles it once` };
      if (first === second) return { none: "same commit" };
      if (!first || NULL_SHA.test(first)) return { all: "no previous commit (fresh clone)" };
      return rangeScope(root, first, second ?? "HEAD");
    }
    case "post-rewrite":
      await drain();
      // An amended commit went through pre-commit, and the work tree did not move.
      if (first === "amend") return { none: "amend" };
      // Rebase sets ORIG_HEAD to the branch before it, so this covers `git pull --rebase`.
      return rangeScope(root, "ORIG_HEAD", "HEAD");
  }
}

async function rangeScope(root: string, from: string, to: string): Promise<HookScope> {
  const paths = await changedBetween(root, from, to);
  return paths ? { paths } : { all: `${from} is not available (shallow clone?)` };
}

/**
 * Whether the scope touches a watched file; true when only a full config load
 * could tell. `globs` is peekWatchedGlobs(), started by the caller while git
 * answers the scope's question.
 */
export async function touchesWatched(scope: HookScope, globs: Promise<string[] | null>, debug: Debug): Promise<boolean> {
  if ("none" in scope) {
    debug(`nothing to do: ${scope.none}`);
    return false;
  }
  if ("all" in scope) {
    debug(`full check: ${scope.all}`);
    return true;
  }
  if (scope.paths.length === 0) {
    debug("no changed paths");
    return false;
  }
  const watched = await globs;
  if (watched === null) {
    debug("the config needs a full load; full check");
    return true;
  }
  const hits = await matchWatched(scope.paths, watched);
  debug(`${scope.paths.length} changed path(s), ${hits.length} watched${hits.length ? `: ${hits.slice(0, 10).join(", ")}` : ""}`);
  return hits.length > 0;
}

/**
 * The changed paths matching a watched glob. Most hooks see no path under any
 * glob's fixed leading folders, and then picomatch need not even load.
 */
export async function matchWatched(paths: string[], globs: string[]): Promise<string[]> {
  const bases = globs.map(staticBase);
  const candidates = paths.filter((p) => underBase(p, bases));
  if (candidates.length === 0) return [];
  const { default: picomatch } = await import("picomatch");
  const isWatched = picomatch(globs, { dot: true });
  return candidates.filter((p) => isWatched(p));
}

/**
 * Reads stdin to its end so git never writes into a closed pipe; a terminal is
 * left alone. post-rewrite's old/new pairs are not needed: ORIG_HEAD..HEAD
 * covers the whole rewrite. Read from fd 0 directly: building process.stdin's
 * stream costs more than the rest of the hook's fast path.
 */
async function drain(): Promise<void> {
  if (isatty(0)) return;
  try {
    readFileSync(0);
  } catch {
    // Closed, or a non-blocking pipe with nothing yet (EAGAIN): read it as a stream.
    for await (const _ of process.stdin) {
      // discarded
    }
  }
}
