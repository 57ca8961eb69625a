import { existsSync } from "node:fs";
import { copyFile, lstat, mkdir, readFile, rename, rm, unlink } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { writeAtomic } from "../common/atomic.js";
import { InputError } from "../common/errors.js";
import * as msg from "../common/messages.js";
import { symlinkOnTheWay, unsafePath } from "../common/path-guard.js";
import { watched } from "../config/file.js";
import type { Config } from "../config/load.js";

/**
 * The guard on subset runs (`generator.table`, `tables`, `exclude`): a subset
 * command that exits 0 without writing a table's files (zero:active_models'
 * `--table` path may do just that) would leave the old files in place, and
 * hashing them would record a stale table as fresh. So before such a run the
 * files of the tables it must regenerate are moved aside, and afterwards any
 * the generator did not write again is put back and its table counted as
 * failed. A generator that rewrites only changed files still works: it finds
 * its files missing and writes them.
 *
 * The moved files live under the cache folder. The record naming them is
 * written before anything moves, so a run killed at any point is repaired by
 * the next one (restoreGuarded, before its plan). Like everything under the
 * cache folder the record is untrusted: only paths the config generates are
 * put back, never through a symlink, never over a file that is there now.
 */

interface GuardRecord {
  files: string[];
}

const dirOf = (config: Config) => path.join(config.cacheDir, "subset-guard");
const recordOf = (config: Config) => path.join(dirOf(config), "record.json");
const keptOf = (config: Config, file: string) => path.join(dirOf(config), "files", file);

/** Files a guarded run did not write again, by table (they are back in place). */
export type Unwritten = Map<string, string[]>;

/**
 * Runs `go` (a subset run of `tables`) with those tables' existing files moved
 * aside; returns its result and what it did not write again.
 */
export async function guarded<T>(config: Config, tables: string[], outputsOf: (table: string) => string[], go: () => Promise<T>): Promise<{ outcome: T; unwritten: Unwritten }> {
  const moved = await moveAside(config, tables.flatMap(outputsOf));
  let outcome: T;
  try {
    outcome = await go();
  } catch (error) {
    await settle(config, moved);
    throw error;
  }
  return { outcome, unwritten: byTable(tables, outputsOf, await settle(config, moved)) };
}

function byTable(tables: string[], outputsOf: (table: string) => string[], back: Set<string>): Unwritten {
  const out: Unwritten = new Map();
  for (const table of tables) {
    const files = outputsOf(table).filter((f) => back.has(f));
    if (files.length) out.set(table, files);
  }
  return out;
}

/** Moves the regular files among `files` into the guard folder, the record first; returns those moved. */
async function moveAside(config: Config, files: string[]): Promise<string[]> {
  const { root } = config;
  const present: string[] = [];
  for (const file of new Set(files)) {
    const info = await lstat(path.join(root, file)).catch(() => null);
    // A symlink is never moved (nor followed): hashing refuses it later with a message that names it.
    if (info?.isFile() && symlinkOnTheWay(root, file) === null) present.push(file);
  }
  if (present.length === 0) return [];
  await rm(dirOf(config), { recursive: true, force: true });
  const record: GuardRecord = { files: present };
  await writeAtomic(recordOf(config), JSON.stringify(record));
  for (const file of present) await move(path.join(root, file), keptOf(config, file));
  return present;
}

/** Puts back each moved file that is not in the tree again; returns those. Removes the guard folder. */
async function settle(config: Config, moved: string[]): Promise<Set<string>> {
  const back = new Set<string>();
  for (const file of moved) {
    if (await putBack(config, file)) back.add(file);
  }
  await rm(dirOf(config), { recursive: true, force: true });
  return back;
}

/** True when the kept copy went back into the tree; a file there now wins (the generator wrote it). */
async function putBack(config: Config, file: string): Promise<boolean> {
  const { root } = config;
  const kept = keptOf(config, file);
  const info = await lstat(kept).catch(() => null);
  if (!info?.isFile() || symlinkOnTheWay(dirOf(config), `files/${file}`) !== null) return false;
  if (await lstat(path.join(root, file)).catch(() => null)) return false;
  const link = symlinkOnTheWay(root, file);
  if (link !== null) throw new InputError(msg.symlinkRefused(file, link, "write"), file);
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await move(kept, path.join(root, file));
  return true;
}

/** rename, or copy and delete when the cache folder is on another file system. */
async function move(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await copyFile(from, to);
    await unlink(from);
  }
}

/**
 * Repairs a guarded run that was killed: puts back each moved file whose place
 * is empty. Returns how many were put back. Call before planning.
 */
export async function restoreGuarded(config: Config): Promise<number> {
  const file = recordOf(config);
  if (!existsSync(file)) {
    if (existsSync(dirOf(config))) await rm(dirOf(config), { recursive: true, force: true });
    return 0;
  }
  const isOutput = picomatch(watched(config).outputs, { dot: true });
  let record: Partial<GuardRecord> | null = null;
  try {
    record = JSON.parse(await readFile(file, "utf8")) as Partial<GuardRecord>;
  } catch {
    // unreadable: nothing in it can be trusted to name a place
  }
  const files = Array.isArray(record?.files) ? record.files : [];
  let count = 0;
  for (const f of files) {
    if (typeof f !== "string" || unsafePath(f) !== null || !isOutput(f)) continue;
    if (await putBack(config, f)) count++;
  }
  await rm(dirOf(config), { recursive: true, force: true });
  return count;
}
