import picomatch from "picomatch";
import type { Config } from "../config/load.js";
import { watched } from "../config/file.js";
import type { Project } from "../config/project.js";
import type { Listing } from "../git/listing.js";
import { BlobHashes } from "../inputs/blob-hashes.js";
import { ParseCache } from "../inputs/parse-cache.js";
import { takeSnapshot, type Snapshot, type View } from "../inputs/snapshot.js";
import * as msg from "../common/messages.js";
import { analyze } from "./analyze.js";
import { recordFresh } from "./fresh-record.js";
import { planSinceFresh } from "./since-fresh.js";
import { lockCheckKey, parseLock } from "./lock.js";
import { isFresh, makePlan, type Plan } from "./verdict.js";

/** The verdict for every table of one view: analysis, lock and generated files compared. */

/**
 * Everything `check` needs: the verdict for every table in one view (work
 * tree or index); `earlier`: git's listing if the fast path made one.
 * `sinceFresh`: a plan that may judge only what changed since the last fresh
 * verdict (since-fresh.ts), whose lock holds only the tables judged: for a
 * verdict and its reasons, not for --explain or --json.
 */
export async function computePlan(project: Project, view: View, earlier?: Listing, sinceFresh = false): Promise<Plan> {
  const caches = await openCaches(project);
  const snapshot = await takeSnapshot(project.config, view, caches.blobs, earlier);
  return (sinceFresh ? await planSinceFresh(project, snapshot, caches) : null) ?? planFor(project, snapshot, caches);
}

export interface Caches {
  parsed: ParseCache;
  blobs: BlobHashes;
}

export async function openCaches({ config, debug }: Project): Promise<Caches> {
  const [parsed, blobs] = await Promise.all([ParseCache.open(config.cacheDir, debug), BlobHashes.open(config.cacheDir, debug)]);
  return { parsed, blobs };
}


/** A lock this run wrote from checked entries needs no check when the next run reads it. Never throws. */
export async function noteLockWritten(config: Config, caches: Caches, text: string): Promise<void> {
  caches.parsed.keepCheckedLock(lockCheckKey(config, text));
  await caches.parsed.save();
}

export async function planFor(project: Project, snapshot: Snapshot, caches: Caches): Promise<Plan> {
  const { config, debug } = project;
  const cache = caches.parsed;
  const analysis = await analyze(config, snapshot, cache, debug);
  const lockText = (await snapshot.read([config.lockfile])).get(config.lockfile);
  const outputGlobs = watched(config).outputs;
  const isOutput = picomatch(outputGlobs, { dot: true });
  // A lock is checked once per content (and output patterns): megabytes at 2,000 tables.
  const checkKey = lockText ? lockCheckKey(config, lockText) : null;
  const checkedBefore = checkKey !== null && (await cache.checkedLock()) === checkKey;
  const lock = parseLock(lockText ? lockText.toString("utf8") : null, config.lockfile, isOutput, checkedBefore);
  if (lock.status === "ok" && !checkedBefore && checkKey) cache.keepCheckedLock(checkKey);
  const plan = await makePlan(config, snapshot, analysis, lock, cache);
  const tables = Object.keys(analysis.tables).length;
  const [, , digest] = await Promise.all([cache.save(), caches.blobs.save(), isFresh(plan) && plan.warnings.length === 0 ? recordFresh(config, snapshot, tables, cache.analysisKey(snapshot.view)) : null]);
  if (digest && snapshot.view === "worktree") plan.freshDigest = digest;
  debug(`${tables} tables, ${plan.stale.length} stale, ${plan.dropped.length} dropped; lock ${lock.status}`);
  for (const note of analysis.notes) debug(note);
  for (const file of plan.notInputs) debug(msg.notAnInput(file));
  return plan;
}
