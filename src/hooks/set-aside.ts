import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../common/atomic.js";
import { EXIT, InputError, ZeroModelsError } from "../common/errors.js";
import { symlinkOnTheWay, unsafePath } from "../common/path-guard.js";
import { applyPatch, checkoutFromIndex, isPatchApplied, unstagedPatch } from "../git/changes.js";
import { listIndex } from "../git/listing.js";
import { gitPath } from "../git/repo.js";
import * as msg from "../common/messages.js";

/**
 * Unstaged work set aside while preCommit "fix" regenerates, the way
 * lint-staged hides unstaged changes of partially staged files: the generator
 * reads the work tree, so the work tree must hold exactly what is staged.
 * Changes to tracked input files are saved as a patch and the files checked
 * out from the index; untracked input files are moved aside. The record is
 * written before anything is touched, so a run killed half-way is undone by
 * the next one (restorePending). All of it lives in this work tree's git
 * folder, not in the cache folder: a commit can put files in the work tree,
 * never in .git, and what is put back from here lands where the record says.
 */

interface SetAsideRecord {
  patch: string | null;
  untracked: string[];
}

const dirOf = (root: string) => gitPath(root, "zero-models/set-aside");

export async function setAside(root: string, paths: string[]): Promise<void> {
  const dir = await dirOf(root);
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
export async function restorePending(root: string): Promise<boolean> {
  const dir = await dirOf(root);
  const recordFile = path.join(dir, "record.json");
  if (!existsSync(recordFile)) return false;
  const record = await readRecord(recordFile);
  for (const file of record.untracked) {
    const from = path.join(dir, "untracked", file);
    const kept = await lstat(from).catch(() => null);
    if (!kept) continue;
    // A link in the set-aside folder is one setAside moved there; rename moves the link itself, never what it points to.
    if (!(kept.isFile() || kept.isSymbolicLink()) || symlinkOnTheWay(root, file) !== null) throw new InputError(msg.setAsideUnsafe(recordFile, file), recordFile);
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

/** The record as written by setAside; anything else (a damaged file, a path leaving the work tree) is refused before acting. */
async function readRecord(file: string): Promise<SetAsideRecord> {
  let record: unknown;
  try {
    record = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new InputError(msg.setAsideUnreadable(file), file, undefined, { cause: error });
  }
  const { patch, untracked } = (record ?? {}) as Partial<SetAsideRecord>;
  if ((patch !== null && patch !== "unstaged.patch") || !Array.isArray(untracked)) throw new InputError(msg.setAsideUnreadable(file), file);
  const bad = untracked.find((p) => typeof p !== "string" || unsafePath(p) !== null);
  if (bad !== undefined) throw new InputError(msg.setAsideUnsafe(file, String(bad)), file);
  return { patch, untracked };
}
