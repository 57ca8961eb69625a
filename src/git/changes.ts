import { nulList, raw, run, succeeds } from "./exec.js";

/** Which paths changed (between commits, staged, unstaged), and the edits that move changes between the index and the work tree. */

/**
 * Paths that differ between two commits (both sides of a rename listed), or
 * null when a commit does not exist (no ORIG_HEAD in a shallow or fresh clone).
 */
export async function changedBetween(root: string, from: string, to: string): Promise<string[] | null> {
  try {
    return nulList(await run(root, ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", from, to, "--"]));
  } catch {
    return null;
  }
}

/** Paths staged for the next commit (on an unborn branch: everything staged). */
export async function stagedChanges(root: string): Promise<string[]> {
  return nulList(await raw(root, ["diff", "--cached", "--name-only", "-z", "--no-renames", "--no-ext-diff"]));
}

/** Paths whose work-tree state is not staged: modified or deleted since the index, and untracked (not ignored). */
export async function unstagedChanges(root: string): Promise<string[]> {
  const [modified, untracked] = await Promise.all([
    raw(root, ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff"]),
    raw(root, ["ls-files", "-z", "--others", "--exclude-standard"]),
  ]);
  return nulList(`${modified}\0${untracked}`);
}

/** The unstaged changes of these tracked paths as a binary patch (work tree against the index). */
export async function unstagedPatch(root: string, paths: string[]): Promise<string> {
  return raw(root, ["--literal-pathspecs", "diff", "--binary", "--no-ext-diff", "--no-color", "--", ...paths]);
}

/** Makes these tracked paths in the work tree what the index holds. */
export async function checkoutFromIndex(root: string, paths: string[]): Promise<void> {
  if (paths.length) await raw(root, ["--literal-pathspecs", "checkout", "--", ...paths]);
}

/** Applies a patch made by unstagedPatch to the work tree (not the index). */
export async function applyPatch(root: string, patchFile: string): Promise<void> {
  await raw(root, ["apply", "--binary", "--whitespace=nowarn", patchFile]);
}

/** Whether the work tree already holds the changes of this patch. */
export function isPatchApplied(root: string, patchFile: string): Promise<boolean> {
  return succeeds(root, ["apply", "--binary", "--reverse", "--check", patchFile]);
}

/** Stages exactly these paths, additions and deletions alike (names taken literally, never as globs). */
export async function stage(root: string, paths: string[]): Promise<void> {
  if (paths.length) await raw(root, ["--literal-pathspecs", "add", "-A", "--", ...paths]);
}
