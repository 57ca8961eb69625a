import { InputError } from "../common/errors.js";
import * as msg from "../common/messages.js";
import { raw } from "./exec.js";

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
  /** The question it answers: a listing stands in only for the same one. */
  asked: { root: string; view: "worktree" | "index"; bases: string[] | null; cacheDir: string };
}

/** What the parsers below read of a listing. */
export type ListingText = Pick<Listing, "index" | "differing">;

/**
 * `cacheDir` (repo-relative) is listed from the index too, though nothing
 * there is read: git tracking a file there means a push can plant what the
 * tool takes for its own records (see trackedUnder).
 */
export async function listing(root: string, view: "worktree" | "index", bases: string[] | null, cacheDir: string): Promise<Listing> {
  // Bases are literal paths: no pathspec magic, whatever the folder names hold.
  const git = (args: string[], where: string[] | null) => raw(root, ["--literal-pathspecs", ...args, ...(where ? ["--", ...where] : [])]);
  const [index, differing] = await Promise.all([
    git(["ls-files", "-s", "-v", "-z"], bases && [...bases, cacheDir]),
    view === "worktree" ? git(["ls-files", "-z", "--modified", "--deleted", "--others", "--exclude-standard"], bases) : "",
  ]);
  return { index, differing, asked: { root, view, bases, cacheDir } };
}

/** Whether `list` is git's answer for this root, view, bases and cache folder. */
export function answers(list: Listing, root: string, view: "worktree" | "index", bases: string[] | null, cacheDir: string): boolean {
  return JSON.stringify(list.asked) === JSON.stringify({ root, view, bases, cacheDir });
}

/** One record of an index listing. */
interface Record {
  tag: string;
  mode: string;
  oid: string;
  stage: string;
  path: string;
}

const records = new WeakMap<ListingText, Record[]>();

/** The records of an index listing, split once: the checks below each read all of them (11,000 at 2,000 tables). */
function recordsOf(list: ListingText): Record[] {
  let out = records.get(list);
  if (out) return out;
  out = [];
  // Sliced by position ("<tag> <mode> <oid> <stage>\t<path>\0"): an array per record from split costs more, 11,000 times.
  const text = list.index;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf("\0", start);
    const stop = end === -1 ? text.length : end;
    const tab = text.indexOf("\t", start);
    const first = text.indexOf(" ", start);
    const second = text.indexOf(" ", first + 1);
    const third = text.indexOf(" ", second + 1);
    if (tab !== -1 && tab < stop && third !== -1 && third < tab) {
      out.push({ tag: text.slice(start, first), mode: text.slice(first + 1, second), oid: text.slice(second + 1, third), stage: text.slice(third + 1, tab), path: text.slice(tab + 1, stop) });
    }
    start = stop + 1;
  }
  records.set(list, out);
  return out;
}

/** The paths git tracks at or under `folder` (repo-relative). Searched as text: asked on every run, and almost always none. */
export function trackedUnder(list: ListingText, folder: string): string[] {
  if (folder === "" || folder.startsWith("..")) return [];
  const found = new Set<string>();
  for (const needle of [`\t${folder}/`, `\t${folder}\0`]) {
    for (let at = list.index.indexOf(needle); at !== -1; at = list.index.indexOf(needle, at + 1)) {
      // A path holds no NUL, so a tab followed by the folder is the start of a record's path, or inside one.
      const start = list.index.lastIndexOf("\0", at) + 1;
      const record = list.index.slice(start, list.index.indexOf("\0", at));
      const file = record.slice(record.indexOf("\t") + 1);
      if (file === folder || file.startsWith(`${folder}/`)) found.add(file);
    }
  }
  return [...found];
}

/**
 * The work tree's paths, and the blob id of each tracked file whose work-tree
 * copy git vouches for. Not vouched for: modified, deleted, unmerged,
 * assume-unchanged or skip-worktree entries, symlinks and submodules, and
 * untracked files; those are read from disk.
 */
export function worktreeFiles(list: ListingText): { paths: string[]; blobs: Map<string, string> } {
  const unsure = new Set(list.differing.split("\0").filter(Boolean));
  const paths = new Set(unsure);
  const blobs = new Map<string, string>();
  for (const { tag, mode, oid, stage, path: file } of recordsOf(list)) {
    paths.add(file);
    if (isVouched(tag, mode, stage) && !unsure.has(file)) blobs.set(file, oid);
    else blobs.delete(file);
  }
  return { paths: [...paths], blobs };
}

// "H": cached, neither assume-unchanged ("h") nor skip-worktree ("S"); a regular file at stage 0.
const isVouched = (tag: string, mode: string, stage: string) => tag === "H" && stage === "0" && (mode === "100644" || mode === "100755");

/**
 * True when every entry of an index listing is vouched for (see
 * worktreeFiles): each record "H 100644 <oid> 0\t<path>" (or 100755), a
 * regular file at stage 0 with nothing git was told to assume.
 */
export function allVouched(list: ListingText): boolean {
  const text = list.index;
  // Matched at each record's start only (sticky): one pattern over the whole text tried every position.
  const vouched = /H 100(?:644|755) [0-9a-f]{40,64} 0\t[^\0]/y;
  for (let start = 0; start < text.length; ) {
    vouched.lastIndex = start;
    if (!vouched.test(text)) return false;
    const end = text.indexOf("\0", start);
    if (end === -1) break;
    start = end + 1;
  }
  return true;
}

/**
 * Folders of a listing that are other repositories, which git lists nothing
 * inside of: submodules (gitlinks, mode 160000, in either view) and, in the
 * work tree, untracked repositories (listed as `folder/`).
 */
export function nestedRepos(list: ListingText): string[] {
  const found = new Set<string>();
  // Searched as text first: a listing almost never holds a gitlink.
  if (/(?:^|\0)[A-Za-z] 160000 /.test(list.index)) for (const r of recordsOf(list)) if (r.mode === "160000") found.add(r.path);
  for (const file of list.differing.split("\0")) if (file.endsWith("/")) found.add(file.slice(0, -1));
  return [...found];
}

export interface IndexEntry {
  mode: string;
  oid: string;
  path: string;
}

/** Every path staged in the index with its blob id; refuses an index with unresolved conflicts. */
export async function listIndex(root: string): Promise<IndexEntry[]> {
  return indexEntries(await listing(root, "index", null, ""), root);
}

export function indexEntries(list: ListingText, root: string): IndexEntry[] {
  const entries: IndexEntry[] = [];
  const unmerged: string[] = [];
  for (const { mode, oid, stage, path } of recordsOf(list)) {
    if (stage !== "0") unmerged.push(path);
    else entries.push({ mode, oid, path });
  }
  if (unmerged.length) throw new InputError(msg.unmergedInIndex([...new Set(unmerged)]), root);
  return entries;
}

/**
 * The paths whose index record differs between two listings of the same
 * question (either has it, or the two differ). git lists by path, so the
 * records before the first difference and after the last one are the same in
 * both: only the part between is split and compared.
 */
export function changedRecords(before: string, now: string): string[] {
  if (before === now) return [];
  const shortest = Math.min(before.length, now.length);
  // Compared a block at a time (a comparison of equal slices is a memcmp), then character by character.
  const BLOCK = 4096;
  let head = 0;
  while (head + BLOCK <= shortest && before.slice(head, head + BLOCK) === now.slice(head, head + BLOCK)) head += BLOCK;
  while (head < shortest && before.charCodeAt(head) === now.charCodeAt(head)) head++;
  head = before.lastIndexOf("\0", head - 1) + 1; // back to the start of the record it is in
  let tail = 0;
  const left = shortest - head;
  while (tail + BLOCK <= left && before.slice(before.length - tail - BLOCK, before.length - tail) === now.slice(now.length - tail - BLOCK, now.length - tail)) tail += BLOCK;
  while (tail < left && before.charCodeAt(before.length - 1 - tail) === now.charCodeAt(now.length - 1 - tail)) tail++;
  // Forward to the end of a record: the common tail is whole records, each ending in NUL.
  const end = (text: string) => {
    const from = text.length - tail;
    return from === 0 || text[from - 1] === "\0" ? from : text.indexOf("\0", from) + 1 || text.length;
  };
  const middle = (text: string) => new Map(recordsOf({ index: text.slice(head, end(text)), differing: "" }).map((r) => [r.path, `${r.tag} ${r.mode} ${r.oid} ${r.stage}`]));
  const a = middle(before);
  const b = middle(now);
  return [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p));
}