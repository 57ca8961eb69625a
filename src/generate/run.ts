import { unlink } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { analyze, FINGERPRINT_VERSION, sharedFingerprint } from "../staleness/analyze.js";
import { writeAtomic } from "../common/atomic.js";
import { GeneratorError } from "../common/errors.js";
import type { Config } from "../config/load.js";
import type { Project } from "../config/project.js";
import { chooseRuns, readTimings, recordTiming, runCommand, type Run, type RunResult } from "./generator.js";
import { emptyLock, parseLock, serializeLock, type Lock } from "../staleness/lock.js";
import { BlobHashes } from "../inputs/blob-hashes.js";
import { recordFresh } from "../staleness/fresh-record.js";
import { ParseCache } from "../inputs/parse-cache.js";
import { Artifacts, type Keep, type Source } from "../store/artifacts.js";
import { sha256 } from "../common/hash.js";
import type { Artifact } from "../store/local.js";
import { hashDisk, takeSnapshot, type Snapshot, type View } from "../inputs/snapshot.js";
import { isFresh, makePlan, type Plan, type TableVerdict } from "../staleness/verdict.js";
import * as msg from "../common/messages.js";

/**
 * The engine behind `check` and `generate` (and, later, the hooks). It never
 * prints or exits: it returns results, reports progress through callbacks,
 * and throws ZeroModelsErrors.
 */

/** Everything `check` needs: the verdict for every table in one view (work tree or index). */
export async function computePlan(project: Project, view: View): Promise<Plan> {
  const caches = await openCaches(project);
  return planFor(project, await takeSnapshot(project.config, view, caches.blobs), caches);
}

interface Caches {
  parsed: ParseCache;
  blobs: BlobHashes;
}

async function openCaches({ config, debug }: Project): Promise<Caches> {
  const [parsed, blobs] = await Promise.all([ParseCache.open(config.cacheDir, debug), BlobHashes.open(config.cacheDir, debug)]);
  return { parsed, blobs };
}

async function planFor(project: Project, snapshot: Snapshot, caches: Caches): Promise<Plan> {
  const { config, debug } = project;
  const cache = caches.parsed;
  const analysis = await analyze(config, snapshot, cache, debug);
  const lockText = (await snapshot.read([config.lockfile])).get(config.lockfile);
  const lock = parseLock(lockText ? lockText.toString("utf8") : null, config.lockfile);
  const plan = await makePlan(config, snapshot, analysis, lock, cache);
  const tables = Object.values(analysis.tables);
  await Promise.all([
    cache.save(),
    caches.blobs.save(),
    isFresh(plan) && plan.warnings.length === 0
      ? recordFresh(config, snapshot, [...tables.flatMap((t) => t.outputs), ...config.outputs.shared, config.lockfile, config.schema, config.inflections], tables.length)
      : null,
  ]);
  debug(`${Object.keys(analysis.tables).length} tables, ${plan.stale.length} stale, ${plan.dropped.length} dropped; lock ${lock.status}`);
  for (const note of analysis.notes) debug(note);
  return plan;
}

export interface GenerateOptions {
  all: boolean;
  /** Restore from the stores only, never run the generator (`zero-models restore`). */
  restoreOnly?: boolean;
  /** With restoreOnly: every table, also those that look fresh (`zero-models restore --all`). */
  restoreAll?: boolean;
  dryRun: boolean;
  /** Generator output goes here (null: kept only for error messages). */
  stdout: NodeJS.WritableStream | null;
  stderr: NodeJS.WritableStream | null;
  onStep?: (step: Step) => void;
}

export type Step =
  | { type: "before"; argv: string[]; because: string[] }
  | { type: "run"; run: Run; index: number; count: number }
  | { type: "run-done"; run: Run; result: RunResult }
  | { type: "orphan-deleted"; file: string }
  | { type: "orphan-kept"; file: string }
  | { type: "output-absent"; table: string; file: string }
  | { type: "warning"; text: string };

export interface GenerateResult {
  plan: Plan;
  runs: Run[];
  regenerated: TableVerdict[];
  /** Tables whose files came from a store instead of the generator. */
  restored: Restored[];
  /** Where the shared files came from when a store had them and no generator run refreshed them. */
  sharedRestored: Source | null;
  /** Tables a store was asked for and did not have (`zero-models restore`; "shared" for the shared files). */
  missing: string[];
  failed: Array<{ run: Run; result: RunResult }>;
  /** Tables left stale because a migration is pending (generating cannot help). */
  blocked: TableVerdict[];
  /** Fresh tables no run covers: their files are left as they are. */
  cached: string[];
  filesWritten: number;
  /** Milliseconds the generator runs took (the rest of `ms` is zero-models' own work). */
  generatorMs: number;
  ms: number;
}

export interface Restored extends TableVerdict {
  from: Source;
}

export async function generate(project: Project, options: GenerateOptions): Promise<GenerateResult> {
  const start = performance.now();
  const { config, debug } = project;
  const caches = await openCaches(project);
  let snapshot = await takeSnapshot(config, "worktree", caches.blobs);
  let plan = await planFor(project, snapshot, caches);

  if (!options.dryRun && (options.all || !isFresh(plan))) {
    const ran = await runBeforeGenerate(project, plan, options);
    if (ran) {
      snapshot = await takeSnapshot(config, "worktree", caches.blobs);
      plan = await planFor(project, snapshot, caches);
    }
  }

  const all = Object.keys(plan.analysis.tables).sort();
  const blocked = options.all ? [] : plan.stale.filter((v) => v.reasons.every((r) => r.kind === "pending-migration"));
  const blockedSet = new Set(blocked.map((v) => v.table));
  const stale = options.all || options.restoreAll || plan.lock.status !== "ok" ? all : plan.stale.map((v) => v.table).filter((t) => !blockedSet.has(t));
  const verdicts = new Map(plan.stale.map((v) => [v.table, v]));
  // Entries are replaced, never changed in place, so copying the maps is enough
  // (a deep copy of a 2,000-table lock took ~80 ms); plan.lock stays as read.
  const old = plan.lock.lock;
  const lock: Lock = old ? { ...old, tables: { ...old.tables } } : emptyLock(FINGERPRINT_VERSION);
  lock.fingerprintVersion = FINGERPRINT_VERSION;
  const written = new Set<string>();

  const store = options.dryRun ? null : await Artifacts.open(config, debug, (text) => options.onStep?.({ type: "warning", text }));
  // --all is the way past every cache: it runs the generator for every table (and stores what it writes).
  const { restored, sharedFrom, sharedRestored } = store && !options.all ? await restoreFromStores(config, plan, stale, store, lock, written, verdicts, !!options.restoreOnly) : NONE_RESTORED;
  const restoredSet = new Set(restored.map((r) => r.table));
  const toRegenerate = stale.filter((t) => !restoredSet.has(t));
  const refreshShared = sharedNeedRefresh(config, plan, restored);
  const missing = options.restoreOnly ? [...toRegenerate, ...(refreshShared && !sharedFrom ? ["shared"] : [])] : [];
  // Shared files list every table: when only they need refreshing and no store had them, one run (of the cheapest table) rewrites them.
  const targets = options.restoreOnly ? [] : toRegenerate.length > 0 ? toRegenerate : refreshShared && !sharedFrom ? all.slice(0, 1) : [];
  const timings = await readTimings(config.cacheDir);
  const runs = targets.length > 0 ? chooseRuns(config.generator, targets, all, plan.analysis.excluded, timings) : [];
  debug(`restored ${restored.length}${sharedRestored ? " and the shared files" : ""}; runs: ${runs.map((r) => `${r.kind}(${r.tables.length})`).join(", ") || "none"}`);

  const result: GenerateResult = {
    plan,
    runs,
    regenerated: [],
    restored,
    sharedRestored,
    missing,
    failed: [],
    blocked,
    cached: plan.fresh.filter((t) => !runs.some((r) => r.tables.includes(t)) && !restoredSet.has(t) && !missing.includes(t)),
    filesWritten: 0,
    generatorMs: 0,
    ms: 0,
  };
  if (options.dryRun) return { ...result, ms: performance.now() - start };

  const lockPath = path.join(config.root, config.lockfile);
  if (restored.length) await writeAtomic(lockPath, serializeLock(lock));

  for (const [index, run] of runs.entries()) {
    options.onStep?.({ type: "run", run, index, count: runs.length });
    const outcome = await runCommand(run.argv, { cwd: config.projectDir, stdout: options.stdout, stderr: options.stderr });
    result.generatorMs += outcome.ms;
    options.onStep?.({ type: "run-done", run, result: outcome });
    if (!outcome.ok) {
      result.failed.push({ run, result: outcome });
      continue;
    }
    await recordTiming(config.cacheDir, timings, run, outcome.ms, all.length);
    const files = run.tables.flatMap((t) => plan.analysis.tables[t]!.outputs);
    const after = await hashDisk(config.root, files);
    for (const table of run.tables) {
      const now = plan.analysis.tables[table]!;
      const outputs: Record<string, string | null> = {};
      for (const file of now.outputs) {
        outputs[file] = after.get(file) ?? null;
        if (outputs[file] === null) options.onStep?.({ type: "output-absent", table, file });
        if (outputs[file] !== plan.outputHashes.get(file)) written.add(file);
      }
      lock.tables[table] = { model: now.model, fingerprint: now.fingerprint, components: now.components, outputs };
      const forced = options.all ? msg.reason.forced : msg.reason.sharedRefresh;
      result.regenerated.push(verdicts.get(table) ?? { table, model: now.model, reasons: [{ kind: "forced", message: forced }] });
    }
    // Progress survives a crash between runs; after the last run the lock is written once, below
    // (a crash before that only costs regenerating what this run did).
    if (index < runs.length - 1) await writeAtomic(lockPath, serializeLock(lock));
  }

  await removeOrphans(config, plan, [...result.regenerated, ...restored].map((v) => v.table), options, snapshot);
  for (const d of plan.dropped) delete lock.tables[d.table];

  const complete = result.failed.length === 0 && missing.length === 0;
  if (complete) {
    const shared = await hashDisk(config.root, config.outputs.shared);
    lock.shared = Object.fromEntries(config.outputs.shared.map((f) => [f, shared.get(f) ?? null]));
    for (const f of config.outputs.shared) if (shared.get(f) !== plan.outputHashes.get(f)) written.add(f);
    lock.global = plan.analysis.global;
    lock.inputs = plan.analysis.inputs;
  }
  const text = serializeLock(lock);
  if (plan.lock.status !== "ok" || text !== plan.lock.text) await writeAtomic(lockPath, text);
  if (store && complete && blocked.length === 0) await keepArtifacts(config, plan, lock, store);
  return { ...result, filesWritten: written.size, ms: performance.now() - start };
}

const NONE_RESTORED = { restored: [] as Restored[], sharedFrom: null, sharedRestored: null };

/** A restored or dropped table, or an edited shared file, means the shared files (which list every table) need refreshing. */
function sharedNeedRefresh(config: Config, plan: Plan, restored: Restored[]): boolean {
  return config.outputs.shared.length > 0 && (plan.shared.length > 0 || plan.dropped.length > 0 || restored.length > 0);
}

/** What the stores can put in place before any generator runs: stale tables, then the shared files. */
async function restoreFromStores(config: Config, plan: Plan, stale: string[], store: Artifacts, lock: Lock, written: Set<string>, verdicts: Map<string, TableVerdict>, restoreOnly: boolean) {
  const restored = await restoreTables(config, plan, stale, store, lock, written, verdicts);
  // A generator run rewrites the shared files anyway; `restore` looks for them even when tables are missing.
  const tryShared = sharedNeedRefresh(config, plan, restored) && (restored.length === stale.length || restoreOnly);
  const before = written.size;
  const sharedFrom = tryShared ? await restoreShared(config, plan, store, written) : null;
  // Reported only when it changed a file: shared files often come out the same.
  return { restored, sharedFrom, sharedRestored: written.size > before ? sharedFrom : null };
}

/**
 * Restores, from the stores, the tables whose current fingerprint has stored
 * files, writing only files that differ, and records them in `lock` as if
 * generated. A stored artifact that disagrees with what the lock records for
 * the same fingerprint is not used: the generator decides.
 */
async function restoreTables(config: Config, plan: Plan, tables: string[], store: Artifacts, lock: Lock, written: Set<string>, verdicts: Map<string, TableVerdict>): Promise<Restored[]> {
  const wanted = tables.map((t) => ({ kind: "table" as const, key: plan.analysis.tables[t]!.fingerprint, paths: plan.analysis.tables[t]!.outputs }));
  const found = await store.find(wanted);
  const restored: Restored[] = [];
  for (const [i, table] of tables.entries()) {
    const hit = found.get(i);
    if (!hit) continue;
    const now = plan.analysis.tables[table]!;
    const outputs = hashesOf(hit.artifact);
    const recorded = plan.lock.lock?.tables[table];
    if (recorded?.fingerprint === now.fingerprint && now.outputs.some((f) => recorded.outputs[f] !== outputs[f])) continue;
    await writeFiles(config.root, hit.artifact, outputs, plan.outputHashes, written);
    lock.tables[table] = { model: now.model, fingerprint: now.fingerprint, components: now.components, outputs };
    restored.push({ ...(verdicts.get(table) ?? { table, model: now.model, reasons: [] }), from: hit.from });
  }
  return restored;
}

async function restoreShared(config: Config, plan: Plan, store: Artifacts, written: Set<string>): Promise<Source | null> {
  const found = (await store.find([{ kind: "shared", key: sharedFingerprint(plan.analysis), paths: config.outputs.shared }])).get(0);
  if (!found) return null;
  await writeFiles(config.root, found.artifact, hashesOf(found.artifact), plan.outputHashes, written);
  return found.from;
}

function hashesOf(artifact: Artifact): Record<string, string | null> {
  return Object.fromEntries([...artifact.files].map(([p, bytes]) => [p, bytes === null ? null : sha256(bytes)]));
}

/** Writes an artifact's files that differ from what is on disk; a file the generator did not write is removed. */
async function writeFiles(root: string, artifact: Artifact, hashes: Record<string, string | null>, current: Map<string, string | null>, written: Set<string>): Promise<void> {
  for (const [file, bytes] of artifact.files) {
    if (current.get(file) === hashes[file]) continue;
    if (bytes === null) await unlink(path.join(root, file)).catch(() => {});
    else await writeAtomic(path.join(root, file), bytes);
    written.add(file);
  }
}

/** After a complete run, every table's files and the shared files as the lock records them go to the stores. */
async function keepArtifacts(config: Config, plan: Plan, lock: Lock, store: Artifacts): Promise<void> {
  const current: Keep[] = Object.entries(plan.analysis.tables).flatMap(([table, now]) => {
    const entry = lock.tables[table];
    return entry && entry.fingerprint === now.fingerprint ? [{ kind: "table" as const, key: now.fingerprint, paths: now.outputs, hashes: entry.outputs }] : [];
  });
  if (config.outputs.shared.length) current.push({ kind: "shared", key: sharedFingerprint(plan.analysis), paths: config.outputs.shared, hashes: lock.shared });
  await store.keep(config.root, current);
}

/** Runs the beforeGenerate steps whose `when` globs match an input changed since the lock (or a pending migration). */
async function runBeforeGenerate(project: Project, plan: Plan, options: GenerateOptions): Promise<boolean> {
  const { config } = project;
  if (config.beforeGenerate.length === 0) return false;
  const recorded = plan.lock.lock?.inputs ?? {};
  const changed = Object.entries(plan.analysis.inputs)
    .filter(([file, hash]) => recorded[file] !== hash)
    .map(([file]) => file);
  const candidates = [...new Set([...changed, ...plan.pendingMigrations])];
  let ran = false;
  for (const step of config.beforeGenerate) {
    const isMatch = picomatch(step.when, { dot: true });
    const matches = candidates.filter((file) => isMatch(file));
    if (matches.length === 0) continue;
    options.onStep?.({ type: "before", argv: step.run, because: matches });
    const outcome = await runCommand(step.run, { cwd: config.projectDir, stdout: options.stdout, stderr: options.stderr });
    if (!outcome.ok) {
      throw new GeneratorError(outcome.spawnError ? msg.generatorNotFound(step.run, config.projectDir) : msg.generatorFailed(step.run, outcome.code, outcome.signal, outcome.tail));
    }
    ran = true;
  }
  return ran;
}

/**
 * Deletes generated files nothing generates any more: the recorded outputs of
 * dropped tables, and the old paths of regenerated tables whose model was
 * renamed. Files edited by hand since they were generated are kept.
 */
async function removeOrphans(config: Config, plan: Plan, regenerated: string[], options: GenerateOptions, snapshot: Snapshot): Promise<void> {
  const live = new Set([...Object.values(plan.analysis.tables).flatMap((t) => t.outputs), ...config.outputs.shared]);
  const recorded = plan.lock.lock?.tables ?? {};
  const candidates = [...plan.dropped.map((d) => d.table), ...regenerated].flatMap((t) => Object.entries(recorded[t]?.outputs ?? {}));
  const orphans = candidates.filter(([file, hash]) => hash !== null && !live.has(file));
  const current = await hashDisk(config.root, orphans.map(([file]) => file));
  for (const [file, hash] of orphans) {
    if (current.get(file) === null) continue;
    if (current.get(file) === hash) {
      await unlink(path.join(config.root, file));
      options.onStep?.({ type: "orphan-deleted", file });
    } else {
      options.onStep?.({ type: "orphan-kept", file });
    }
  }
}
