import path from "node:path";
import { readTreeFile } from "../common/tree-files.js";
import type { BlobHashes } from "./blob-hashes.js";
import type { Config } from "../config/load.js";
import { staticBase, underBase, watched } from "../config/file.js";
import { answers, indexEntries, listing, nestedRepos, trackedUnder, worktreeFiles, type Listing } from "../git/listing.js";
import { repoOnTheWay } from "../git/repo.js";
import { readBlobsOf } from "../git/objects.js";
import { sha256 } from "../common/hash.js";
import { ConfigError, InputError } from "../common/errors.js";
import * as msg from "../common/messages.js";

export type View = "worktree" | "index";

/**
 * The files of one view of the repository, as they were when it was taken:
 * the work tree (what `generate` and `check` see) or the index (what
 * `check --staged` and pre-commit judge). A file git vouches for (in the
 * index, or unmodified in the work tree) is known by its blob id: hashed by
 * lookup and read as that blob (from the work tree's copy when its git id
 * is the blob's, else from git's object store), so what is hashed is what
 * is read even if the file changes meanwhile. Other work-tree files are read from
 * disk; a file that changes between being hashed and being read is an error
 * (run again), never a mix of two versions.
 */
export interface Snapshot {
  view: View;
  root: string;
  /** Repo-relative POSIX paths known to the view, under the folders the config watches. */
  paths: string[];
  /** What git listed, as it printed it: part of what identifies this state. */
  listing: Listing;
  /** Contents of the given paths; absent ones are left out. */
  read(paths: string[]): Promise<Map<string, Buffer>>;
  /** SHA-256 of each path's content (null: absent). */
  hashes(paths: string[]): Promise<Map<string, string | null>>;
  /** Every path read or hashed so far: what a verdict made from this snapshot depends on, besides the listing. */
  touched(): string[];
}

/**
 * `earlier` is a listing already made in this process (by `check`'s fast
 * path), used when it answers the same question, so git is not asked twice.
 */
const SYMLINK = "120000";

export async function takeSnapshot(config: Config, view: View, known: BlobHashes, earlier?: Listing): Promise<Snapshot> {
  const { root } = config;
  const bases = watchedBases(config);
  const cacheDir = cacheFolder(root, config.cacheDir);
  const list = earlier && answers(earlier, root, view, bases, cacheDir) ? earlier : await listing(root, view, bases, cacheDir);
  const planted = trackedUnder(list, cacheDir);
  if (planted.length) throw new InputError(msg.cacheDirTracked(cacheDir, planted), cacheDir);
  await refuseInputsInNestedRepos(config, list);
  if (view === "index") {
    const entries = indexEntries(list, root);
    // A staged symlink's blob is its target's name, not what the generator would read through it.
    const links = new Set(entries.filter((e) => e.mode === SYMLINK).map((e) => e.path));
    const oids = new Map(entries.filter((e) => !links.has(e.path)).map((e) => [e.path, e.oid]));
    const refuseLinks = async (files: string[]) => {
      const link = files.find((p) => links.has(p));
      if (link !== undefined) throw new InputError(msg.symlinkRefused(link, link, "read"), link);
      return new Map<string, Buffer>();
    };
    return viewOf(root, view, list, entries.map((e) => e.path), oids, known, refuseLinks);
  }
  const { paths, blobs } = worktreeFiles(list);
  return viewOf(root, view, list, paths, blobs, known, (files) => readDisk(root, files));
}

/** cacheDir relative to the repository, as git names paths. */
export const cacheFolder = (root: string, cacheDir: string) => path.relative(root, cacheDir).split(path.sep).join("/");

/**
 * The folders (or files) holding everything the config names, so git lists
 * only those: in a big app most files are neither inputs nor outputs. Null
 * (list everything) when a glob starts with a wildcard.
 */
export function watchedBases(config: Config): string[] | null {
  // What a verdict reads: inputs and generated files (beforeGenerate's triggers are matched against the inputs).
  const { inputs, outputs, lock } = watched(config);
  const bases = [...new Set([...inputs, ...outputs, lock].map(staticBase))].sort();
  return bases.includes("") ? null : bases.filter((b, i) => !bases.slice(0, i).some((a) => b.startsWith(`${a}/`)));
}

/**
 * git lists a submodule as one entry and nothing inside it, so an input
 * there would be absent from every snapshot and an edit to it would read as
 * fresh. Rather than a verdict that cannot see, a ConfigError naming the
 * submodule and the pattern reaching into it.
 */
async function refuseInputsInNestedRepos(config: Config, list: Listing): Promise<void> {
  const { inputs, triggers } = watched(config);
  const globs = [...new Set([...inputs, ...triggers])];
  const nested = nestedRepos(list);
  // A pattern whose fixed folders lie inside a submodule gets an empty listing: git does not list the gitlink either.
  for (const glob of globs) {
    const base = staticBase(glob);
    const repo = base ? repoOnTheWay(config.root, base) : null;
    if (repo) throw new ConfigError(msg.inputInNestedRepo(repo, glob, config.file), config.file ?? undefined);
  }
  if (nested.length === 0) return;
  const { default: picomatch } = await import("picomatch");
  const segment = (pattern: string, name: string) => picomatch(pattern, { dot: true })(name);
  for (const repo of nested) {
    const glob = globs.find((g) => mayReachInto(g, repo, segment));
    if (glob) throw new ConfigError(msg.inputInNestedRepo(repo, glob, config.file), config.file ?? undefined);
  }
}

/**
 * Whether `glob` can match `dir` or a path under it, matched folder by
 * folder. Braces and extglobs can hold a "/", so for them only the fixed
 * leading folders count: it can when those lead into `dir` or `dir` lies
 * under them (an over-cautious answer, never a missed one).
 */
export function mayReachInto(glob: string, dir: string, segment: (pattern: string, name: string) => boolean): boolean {
  if (/[{}()|]/.test(glob)) {
    const base = staticBase(glob);
    return base === "" || underBase(dir, [base]) || underBase(base, [dir]);
  }
  const parts = glob.split("/");
  const names = dir.split("/");
  const reaches = (i: number, j: number): boolean => {
    if (j === names.length) return true;
    if (i === parts.length) return false;
    if (parts[i] === "**") return reaches(i + 1, j) || reaches(i, j + 1);
    return segment(parts[i]!, names[j]!) && reaches(i + 1, j + 1);
  };
  return reaches(0, 0);
}

function viewOf(
  root: string,
  view: View,
  list: Listing,
  paths: string[],
  oids: Map<string, string>,
  known: BlobHashes,
  readOthers: (paths: string[]) => Promise<Map<string, Buffer>>,
): Snapshot {
  // Hashes of files read from disk, so a later read can tell whether they changed.
  const seen = new Map<string, string | null>();
  const touched = new Set<string>();
  const readFromDisk = async (files: string[]) => {
    const contents = await readOthers(files);
    for (const p of files) {
      const sha = contents.has(p) ? sha256(contents.get(p)!) : null;
      if (seen.has(p) && seen.get(p) !== sha) throw new InputError(msg.changedWhileReading(p), p);
      seen.set(p, sha);
    }
    return contents;
  };
  const readFromGit = (files: string[]) => readBlobsOf(root, new Map(files.map((p) => [p, oids.get(p)!])));
  return {
    view,
    root,
    paths,
    listing: list,
    async read(files) {
      const unique = [...new Set(files)];
      for (const p of unique) touched.add(p);
      const [fromGit, fromDisk] = await Promise.all([readFromGit(unique.filter((p) => oids.has(p))), readFromDisk(unique.filter((p) => !oids.has(p)))]);
      return new Map([...fromGit, ...fromDisk]);
    },
    async hashes(files) {
      const out = new Map<string, string | null>();
      const unknownBlobs: string[] = [];
      const fromDisk: string[] = [];
      for (const p of new Set(files)) {
        touched.add(p);
        const oid = oids.get(p);
        const sha = oid ? known.get(oid) : seen.get(p);
        if (sha !== undefined) out.set(p, sha);
        else if (oid) unknownBlobs.push(p);
        else fromDisk.push(p);
      }
      const [blobs] = await Promise.all([readFromGit(unknownBlobs), readFromDisk(fromDisk)]);
      for (const [p, bytes] of blobs) {
        const sha = sha256(bytes);
        known.set(oids.get(p)!, sha);
        out.set(p, sha);
      }
      for (const p of fromDisk) out.set(p, seen.get(p)!);
      return out;
    },
    touched: () => [...touched],
  };
}

/** SHA-256 of work-tree files as they are now (null: absent): for files written since a snapshot was taken. */
export async function hashDisk(root: string, paths: string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(paths)];
  const contents = await readDisk(root, unique);
  return new Map(unique.map((p) => [p, contents.has(p) ? sha256(contents.get(p)!) : null]));
}

/** Reads work-tree files; missing ones (deleted but still tracked, or never written) are left out. */
async function readDisk(root: string, paths: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  // A bounded number of reads at once: thousands of open files at a time hit
  // the descriptor limit on macOS (256 by default).
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const p = paths[next++]!;
      const bytes = await readTreeFile(root, p);
      if (bytes) out.set(p, bytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, paths.length) }, worker));
  return out;
}
