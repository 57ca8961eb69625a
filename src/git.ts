import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { InputError, ZeroModelsError, EXIT } from "./errors.js";
import * as msg from "./messages.js";

/**
 * Every git call zero-models makes: one git process per question, nothing else
 * in the code base spawns git. Plain execFile rather than simple-git: loading
 * simple-git costs ~45 ms and each call ~7 ms more than execFile (measured
 * here), and every command asks git at least twice.
 */

function run(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, maxBuffer: 1024 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(stdout);
    });
  });
}

async function raw(cwd: string, args: string[]): Promise<string> {
  try {
    return await run(cwd, args);
  } catch (error) {
    throw new ZeroModelsError(msg.gitFailed(args, (error as { stderr?: string }).stderr || (error as Error).message), EXIT.input, { cause: error });
  }
}

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

const nulList = (out: string) => [...new Set(out.split("\0").filter(Boolean))];

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

/** Whether git ignores this repo-relative path. */
export function isIgnored(root: string, file: string): Promise<boolean> {
  return succeeds(root, ["check-ignore", "-q", "--no-index", "--", file]);
}

/** For git commands whose answer is their exit status. */
async function succeeds(cwd: string, args: string[]): Promise<boolean> {
  try {
    await run(cwd, args);
    return true;
  } catch {
    return false;
  }
}

/**
 * What git lists of a view, restricted to paths under `bases` (null: the
 * whole tree), as git printed it: for the index, `ls-files -s -v` (tag,
 * mode, blob id, stage, path); for the work tree also the paths that differ
 * from the index (modified, deleted, untracked and not ignored). Two git
 * processes at once.
 */
export interface Listing {
  index: string;
  /** NUL-separated; empty for the index view. */
  differing: string;
}

/**
 * A listing that `check`'s fast path made and could not answer from, left for
 * the full check that follows in the same process, so git is not asked the
 * same question twice. The fast path (cli.cjs) and the full CLI (main.js) are
 * separate bundles, hence a global slot; it is taken once.
 */
const HANDED_OVER = Symbol.for("zero-models.listing");
type Handover = { key: string; list: Listing } | undefined;

export async function listing(root: string, view: "worktree" | "index", bases: string[] | null, options: { handOver?: boolean } = {}): Promise<Listing> {
  const key = JSON.stringify([root, view, bases]);
  const slot = globalThis as { [HANDED_OVER]?: Handover };
  const handed = slot[HANDED_OVER];
  slot[HANDED_OVER] = undefined;
  if (handed?.key === key) return handed.list;
  const where = bases ? ["--", ...bases] : [];
  // Bases are literal paths: no pathspec magic, whatever the folder names hold.
  const git = (args: string[]) => raw(root, ["--literal-pathspecs", ...args, ...where]);
  const [index, differing] = await Promise.all([
    git(["ls-files", "-s", "-v", "-z"]),
    view === "worktree" ? git(["ls-files", "-z", "--modified", "--deleted", "--others", "--exclude-standard"]) : "",
  ]);
  const list = { index, differing };
  if (options.handOver) slot[HANDED_OVER] = { key, list };
  return list;
}

/**
 * The work tree's paths, and the blob id of each tracked file whose work-tree
 * copy git vouches for. Not vouched for: modified, deleted, unmerged,
 * assume-unchanged or skip-worktree entries, symlinks and submodules, and
 * untracked files; those are read from disk.
 */
export function worktreeFiles(list: Listing): { paths: string[]; blobs: Map<string, string> } {
  const unsure = new Set(list.differing.split("\0").filter(Boolean));
  const paths = new Set(unsure);
  const blobs = new Map<string, string>();
  for (const record of list.index.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [tag, mode, oid, stage] = record.slice(0, tab).split(" ");
    const file = record.slice(tab + 1);
    paths.add(file);
    if (isVouched(tag!, mode!, stage!) && !unsure.has(file)) blobs.set(file, oid!);
    else blobs.delete(file);
  }
  return { paths: [...paths], blobs };
}

// "H": cached, neither assume-unchanged ("h") nor skip-worktree ("S"); a regular file at stage 0.
const isVouched = (tag: string, mode: string, stage: string) => tag === "H" && stage === "0" && (mode === "100644" || mode === "100755");

/** True when every entry of an index listing is vouched for (see worktreeFiles). */
export function allVouched(list: Listing): boolean {
  return !/(?:^|\0)(?!H 100(?:644|755) [0-9a-f]{40,64} 0\t)[^\0]/.test(list.index);
}

export interface IndexEntry {
  mode: string;
  oid: string;
  path: string;
}

/** Every path staged in the index with its blob id; refuses an index with unresolved conflicts. */
export async function listIndex(root: string): Promise<IndexEntry[]> {
  return indexEntries(await listing(root, "index", null), root);
}

export function indexEntries(list: Listing, root: string): IndexEntry[] {
  const entries: IndexEntry[] = [];
  const unmerged: string[] = [];
  for (const record of list.index.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [, mode, oid, stage] = record.slice(0, tab).split(" ");
    const path = record.slice(tab + 1);
    if (stage !== "0") unmerged.push(path);
    else entries.push({ mode: mode!, oid: oid!, path });
  }
  if (unmerged.length) throw new InputError(msg.unmergedInIndex([...new Set(unmerged)]), root);
  return entries;
}

/** Reads many blobs with one `git cat-file --batch` process. */
export function readBlobs(root: string, oids: string[]): Promise<Map<string, Buffer>> {
  return catFile(root, oids, false);
}

/** Files at revisions (`ORIG_HEAD:db/schema.rb`); a revision or path that does not exist is left out. */
export function readAtRevisions(root: string, specs: string[]): Promise<Map<string, Buffer>> {
  return catFile(root, specs, true);
}

function catFile(root: string, oids: string[], missingOk: boolean): Promise<Map<string, Buffer>> {
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => reject(new ZeroModelsError(msg.gitFailed(["cat-file", "--batch"], error.message), EXIT.input, { cause: error })));
    child.on("close", (code) => {
      if (code !== 0) return reject(new ZeroModelsError(msg.gitFailed(["cat-file", "--batch"], stderr), EXIT.input));
      try {
        resolve(parseBatch(Buffer.concat(chunks), wanted, missingOk));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(wanted.join("\n") + "\n");
  });
}

function parseBatch(out: Buffer, oids: string[], missingOk: boolean): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let pos = 0;
  for (const oid of oids) {
    const eol = out.indexOf(10, pos);
    const header = out.subarray(pos, eol).toString();
    // "<oid> <type> <size>", or "<name> missing" / "<name> ambiguous" (names may contain spaces).
    const [type, size] = header.split(" ").slice(-2);
    if (missingOk && (header.endsWith(" missing") || header.endsWith(" ambiguous"))) {
      pos = eol + 1;
      continue;
    }
    if (type === "missing" || size === undefined || !/^\d+$/.test(size)) throw new ZeroModelsError(msg.gitFailed(["cat-file", "--batch"], `missing object ${oid}`), EXIT.input);
    const start = eol + 1;
    const end = start + Number(size);
    blobs.set(oid, out.subarray(start, end));
    pos = end + 1;
  }
  return blobs;
}
