import { readFile } from "node:fs/promises";
import path from "node:path";
import { listIndex, listWorktreeFiles, readBlobs } from "./git.js";
import { InputError } from "./errors.js";
import * as msg from "./messages.js";

export type View = "worktree" | "index";

/**
 * The files of one view of the repository: the work tree (what `generate`
 * and `check` see) or the index (what `check --staged` and pre-commit judge).
 */
export interface Snapshot {
  view: View;
  root: string;
  /** Repo-relative POSIX paths known to the view. */
  paths: string[];
  /** Contents of the given paths; paths absent from the view are absent from the map. */
  read(paths: string[]): Promise<Map<string, Buffer>>;
}

export async function takeSnapshot(root: string, view: View): Promise<Snapshot> {
  if (view === "index") {
    const entries = await listIndex(root);
    const oids = new Map(entries.map((e) => [e.path, e.oid]));
    return {
      view,
      root,
      paths: entries.map((e) => e.path),
      async read(paths) {
        const wanted = paths.filter((p) => oids.has(p));
        const blobs = await readBlobs(root, wanted.map((p) => oids.get(p)!));
        return new Map(wanted.map((p) => [p, blobs.get(oids.get(p)!)!]));
      },
    };
  }
  return { view, root, paths: await listWorktreeFiles(root), read: (paths) => readWorktree(root, paths) };
}

/** Reads work-tree files; missing ones (deleted but still tracked, or never written) are left out. */
async function readWorktree(root: string, paths: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  // A bounded number of reads at once: thousands of open files at a time hit
  // the descriptor limit on macOS (256 by default).
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const p = paths[next++]!;
      try {
        out.set(p, await readFile(path.join(root, p)));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") continue;
        throw new InputError(msg.inputUnreadable(p, error), p, undefined, { cause: error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, paths.length) }, worker));
  return out;
}
