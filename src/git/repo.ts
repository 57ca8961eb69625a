import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../common/errors.js";
import * as msg from "../common/messages.js";
import { raw, run, succeeds } from "./exec.js";

/** Where the repository is and what state it is in. */

/** The top level of the work tree containing `cwd`. */
export async function topLevel(cwd: string): Promise<string> {
  const found = findTopLevel(cwd);
  if (found) return found;
  try {
    return (await run(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch (error) {
    throw new InputError(msg.notAGitRepo(cwd), cwd, undefined, { cause: error });
  }
}

/** The work tree's top level and its (per-worktree) git dir, absolute, in one git call. */
export async function repoDirs(cwd: string): Promise<{ root: string; gitDir: string }> {
  try {
    const [root, gitDir] = (await run(cwd, ["rev-parse", "--show-toplevel", "--absolute-git-dir"])).split("\n");
    return { root: root!, gitDir: gitDir! };
  } catch (error) {
    throw new InputError(msg.notAGitRepo(cwd), cwd, undefined, { cause: error });
  }
}

/**
 * repoDirs without a git process, for hooks: git runs them at the top level,
 * where `.git` is the git dir, or (in a linked worktree) a file naming it.
 * Null whenever that does not hold, and the caller asks git.
 */
export function repoDirsAt(cwd: string): { root: string; gitDir: string } | null {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) return null;
  const dotGit = path.join(cwd, ".git");
  try {
    if (statSync(dotGit).isDirectory()) return { root: cwd, gitDir: dotGit };
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, "utf8"));
    return pointer ? { root: cwd, gitDir: path.resolve(cwd, pointer[1]!.trim()) } : null;
  } catch {
    return null;
  }
}

/**
 * The nearest folder from `cwd` up holding `.git` (a folder, or a linked
 * worktree's or submodule's pointer file), found with stat calls: what git
 * itself finds, without starting git. Null whenever git's environment
 * variables could change the answer, and the caller asks git.
 */
export function findTopLevel(cwd: string): string | null {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_CEILING_DIRECTORIES || process.env.GIT_DISCOVERY_ACROSS_FILESYSTEM) return null;
  try {
    for (let dir = realpathSync(cwd); ; dir = path.dirname(dir)) {
      const dotGit = path.join(dir, ".git");
      if (existsSync(dotGit)) return statSync(dotGit).isDirectory() || /^gitdir: /.test(readFileSync(dotGit, "utf8")) ? dir : null;
      if (path.dirname(dir) === dir) return null;
    }
  } catch {
    return null;
  }
}

/**
 * The first folder on the way from `root` to the repo-relative `rel` (`rel`
 * itself included) holding a `.git`: a submodule or another repository, whose
 * files this repository's listing never shows. Null when there is none. Stat
 * calls only: a listing restricted to a path inside a submodule is silently
 * empty, so git would not say.
 */
export function repoOnTheWay(root: string, rel: string): string | null {
  const parts = rel.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join("/");
    if (existsSync(path.join(root, dir, ".git"))) return dir;
  }
  return null;
}

/**
 * The multi-step git operation in progress, if any: while it replays or
 * checks out commits one by one, post-checkout waits for its end.
 */
export function operationInProgress(gitDir: string): string | null {
  const markers: Array<[string, string]> = [
    ["rebase-merge", "rebase"],
    ["rebase-apply", "rebase"],
    ["MERGE_HEAD", "merge"],
    ["CHERRY_PICK_HEAD", "cherry-pick"],
    ["REVERT_HEAD", "revert"],
    ["BISECT_LOG", "bisect"],
  ];
  for (const [file, name] of markers) if (existsSync(path.join(gitDir, file))) return name;
  return null;
}

/** A git config value, or null when unset. */
export async function configValue(root: string, key: string): Promise<string | null> {
  try {
    return (await run(root, ["config", "--get", key])).trim();
  } catch {
    return null;
  }
}

/** `git --version`'s answer ("git version 2.39.5"), or null when git cannot be run. */
export async function gitVersion(cwd: string): Promise<string | null> {
  try {
    return (await run(cwd, ["--version"])).trim();
  } catch {
    return null;
  }
}

/** Unsets a key of the repository's own config (.git/config); an unset key is no error. */
export async function unsetConfigValue(root: string, key: string): Promise<void> {
  await succeeds(root, ["config", "--local", "--unset", key]);
}

/** Sets a key in the repository's own config (.git/config). */
export async function setConfigValue(root: string, key: string, value: string): Promise<void> {
  await raw(root, ["config", "--local", key, value]);
}

/** Removes a section of the repository's own config (e.g. `merge.zero-models`); false when there was none. */
export function removeConfigSection(root: string, section: string): Promise<boolean> {
  return succeeds(root, ["config", "--local", "--remove-section", section]);
}

/** The value git gives the attribute for this repo-relative path (`git check-attr`): "unspecified" when no .gitattributes line sets it. */
export async function attributeValue(root: string, attribute: string, file: string): Promise<string> {
  // -z: path NUL attribute NUL value NUL, whatever the path holds.
  const [, , value] = (await raw(root, ["check-attr", "-z", attribute, "--", file])).split("\0");
  return value ?? "unspecified";
}

/** Whether git ignores this repo-relative path. */
export function isIgnored(root: string, file: string): Promise<boolean> {
  return succeeds(root, ["check-ignore", "-q", "--no-index", "--", file]);
}

/**
 * A path inside this work tree's own git folder (`git rev-parse --git-path`):
 * a place no push can write. Found without starting git where repoDirsAt can
 * (a name git gives no special place is under the work tree's own git dir).
 */
export async function gitPath(root: string, name: string): Promise<string> {
  const dirs = repoDirsAt(root);
  if (dirs) return path.join(dirs.gitDir, name);
  return path.resolve(root, (await run(root, ["rev-parse", "--git-path", name])).trim());
}
