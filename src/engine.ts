import { unlink } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { analyze, FINGERPRINT_VERSION } from "./analyze.js";
import { writeAtomic } from "./atomic.js";
import { GeneratorError } from "./errors.js";
import { loadConfig, type Config } from "./config.js";
import { topLevel } from "./git.js";
import { chooseRuns, readTimings, recordTiming, runCommand, type Run, type RunResult } from "./generator.js";
import { emptyLock, parseLock, serializeLock, type Lock } from "./lock.js";
import type { Debug } from "./log.js";
import { BlobHashes } from "./blob-hashes.js";
import { recordFresh } from "./fresh-record.js";
import { ParseCache } from "./parse-cache.js";
import { hashDisk, takeSnapshot, type Snapshot, type View } from "./snapshot.js";
import { isFresh, makePlan, type Plan, type TableVerdict } from "./staleness.js";
import * as msg from "./messages.js";

/**
 * The engine behind `check` and `generate` (and, later, the hooks). It never
 * prints or exits: it returns results, reports progress through callbacks,
 * and throws ZeroCacheErrors.
 */

export interface Project {
  config: Config;
  debug: Debug;
}

export async function openProject(cwd: string, configFile: string | undefined, debug: Debug): Promise<Project> {
  const root = await topLevel(cwd);
  const config = await loadConfig(cwd, root, configFile);
  debug(`root ${root}; config ${config.file ?? "(defaults)"}; generator runs in ${config.projectDir}`);
  return { config, debug };
}

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
  | { type: "output-absent"; table: string; file: string };

export interface GenerateResult {
  plan: Plan;
  runs: Run[];
  regenerated: TableVerdict[];
  failed: Array<{ run: Run; result: RunResult }>;
  /** Tables left stale because a migration is pending (generating cannot help). */
  blocked: TableVerdict[];
  /** Fresh tables no run covers: their files are left as they are. */
  cached: string[];
  filesWritten: number;
  ms: number;
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
  const toRegenerate = options.all || plan.lock.status !== "ok" ? all : plan.stale.map((v) => v.table).filter((t) => !blockedSet.has(t));
  // Shared files list every table: a dropped table or an edited shared file needs
  // one run even when no table is stale, and regenerating one table is the cheapest.
  const refreshShared = config.outputs.shared.length > 0 && (plan.shared.length > 0 || plan.dropped.length > 0);
  const targets = toRegenerate.length > 0 ? toRegenerate : refreshShared ? all.slice(0, 1) : [];
  const timings = await readTimings(config.cacheDir);
  const runs = targets.length > 0 ? chooseRuns(config.generator, targets, all, plan.analysis.excluded, timings) : [];
  debug(`runs: ${runs.map((r) => `${r.kind}(${r.tables.length})`).join(", ") || "none"}`);

  const result: GenerateResult = {
    plan,
    runs,
    regenerated: [],
    failed: [],
    blocked,
    cached: plan.fresh.filter((t) => !runs.some((r) => r.tables.includes(t))),
    filesWritten: 0,
    ms: 0,
  };
  if (options.dryRun) return { ...result, ms: performance.now() - start };

  const lock: Lock = plan.lock.lock ? structuredClone(plan.lock.lock) : emptyLock(FINGERPRINT_VERSION);
  lock.fingerprintVersion = FINGERPRINT_VERSION;
  const verdicts = new Map(plan.stale.map((v) => [v.table, v]));
  const lockPath = path.join(config.root, config.lockfile);
  const written = new Set<string>();

  for (const [index, run] of runs.entries()) {
    options.onStep?.({ type: "run", run, index, count: runs.length });
    const outcome = await runCommand(run.argv, { cwd: config.projectDir, stdout: options.stdout, stderr: options.stderr });
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
    await writeAtomic(lockPath, serializeLock(lock));
  }

  await removeOrphans(config, plan, result.regenerated.map((v) => v.table), options, snapshot);
  for (const d of plan.dropped) delete lock.tables[d.table];

  if (result.failed.length === 0) {
    const shared = await hashDisk(config.root, config.outputs.shared);
    lock.shared = Object.fromEntries(config.outputs.shared.map((f) => [f, shared.get(f) ?? null]));
    for (const f of config.outputs.shared) if (shared.get(f) !== plan.outputHashes.get(f)) written.add(f);
    lock.global = plan.analysis.global;
    lock.inputs = plan.analysis.inputs;
  }
  const text = serializeLock(lock);
  if (!plan.lock.lock || text !== serializeLock(plan.lock.lock)) await writeAtomic(lockPath, text);
  return { ...result, filesWritten: written.size, ms: performance.now() - start };
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
