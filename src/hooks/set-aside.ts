import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../common/atomic.js";
import { EXIT, ZeroModelsError } from "../common/errors.js";
import { applyPatch, checkoutFromIndex, isPatchApplied, unstagedPatch } from "../git/changes.js";
import { listIndex } from "../git/listing.js";
import * as msg from "../common/messages.js";

/**
 * Unstaged work set aside while preCommit "fix" regenerates, the way
 * lint-staged hides unstaged changes of partially staged files: the generator
 * reads the work tree, so the work tree must hold exactly what is staged.
 * Changes to tracked input files are saved as a patch and the files checked
 * out from the index; untracked input files are moved into cacheDir. The
 * record is written before anything is touched, so a run killed half-way
 * is undone by the next one (restorePending).
 */

interface SetAsideRecord {
  patch: string | null;
  untracked: string[];
}

const dirOf = (cacheDir: string) => path.join(cacheDir, "set-aside");

export async function setAside(root: string, cacheDir: string, paths: string[]): Promise<void> {
  const dir = dirOf(cacheDir);
  const indexed = new Set((await listIndex(root)).map((e) => e.path));
  const tracked = paths.filter((p) => indexed.has(p));
  const untracked = paths.filter((p) => !indexed.has(p));
  await mkdir(dir, { recursive: true });
  const patch = tracked.length ? await unstagedPatch(root, tracked) : "";
  if (patch) await writeAtomic(path.join(dir, "unstaged.patch"), patch);
  const record: SetAsideRecord = { patch: patch ? "unstaged.patch" : null, untracked };
  await writeAtomic(path.join(dir, "record.json"), JSON.stringify(record));
  if (patch) await checkoutFromIndex(root, tracked);
  for (const file of untracked) {
    const target = path.join(dir, "untracked", file);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(path.join(root, file), target);
  }
}

/** Puts set-aside work back; true when there was some. Throws (keeping the record) if the patch no longer applies. */
export async function restorePending(root: string, cacheDir: string): Promise<boolean> {
  const dir = dirOf(cacheDir);
  const recordFile = path.join(dir, "record.json");
  if (!existsSync(recordFile)) return false;
  const record = JSON.parse(await readFile(recordFile, "utf8")) as SetAsideRecord;
  for (const file of record.untracked) {
    const from = path.join(dir, "untracked", file);
    if (!existsSync(from)) continue;
    // Never overwrite: a file made there since is someone's newer work.
    if (existsSync(path.join(root, file))) throw new ZeroModelsError(msg.setAsideOccupied(file, path.relative(root, from)), EXIT.failed);
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await rename(from, path.join(root, file));
  }
  const patch = record.patch ? path.join(dir, record.patch) : null;
  // A run killed before its checkout left the changes in place: nothing to apply.
  if (patch && !(await isPatchApplied(root, patch))) {
    try {
      await applyPatch(root, patch);
    } catch (error) {
      throw new ZeroModelsError(msg.setAsideRestoreFailed(path.relative(root, patch)), EXIT.failed, { cause: error });
    }
  }
  await rm(dir, { recursive: true, force: true });
  return true;
}
