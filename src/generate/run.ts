import { unlink } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { writeAtomic } from "../common/atomic.js";
import { recordGenerated } from "../staleness/generated-ledger.js";
import { GeneratorError, InterruptedError } from "../common/errors.js";
import { crossesSymlink } from "../common/path-guard.js";
import { removeTreeFile, writeTreeFile } from "../common/tree-files.js";
import { sha256 } from "../common/hash.js";
import * as msg from "../common/messages.js";
import type { Project } from "../config/project.js";
import { hashDisk, takeSnapshot } from "../inputs/snapshot.js";
import { FINGERPRINT_VERSION, sharedFingerprint } from "../staleness/analyze.js";
import { componentTags, emptyLock, serializeLock, shortHash, shortHashes, type Lock } from "../staleness/lock.js";
import { recordKept } from "../staleness/fresh-record.js";
import type { Listing } from "../git/listing.js";
import { noteLockWritten, openCaches, planFor, type Caches } from "../staleness/plan.js";
import { restrictPlan, selectTables } from "../staleness/select.js";
import { isFresh, type Plan, type TableVerdict } from "../staleness/verdict.js";
import { Artifacts, type Keep, type Source } from "../store/artifacts.js";
import type { Artifact } from "../store/local.js";
import { readTimings, recordTiming, type Run, type Timings } from "./choose-runs.js";
import { candidates, decide, sharedLookupNeeded, type Decision, type Policy, type Stored } from "./decide.js";
import { failureMessage, runCommand, type RunResult } from "./spawn.js";
import { guarded, restoreGuarded, type Unwritten } from "./subset-guard.js";
import { changedSince, unlistedFiles } from "./unlisted.js";

/**
 * `generate` and `restore`: one run in phases. decide() (pure, in
 * decide.ts) says what is restored, regenerated, blocked and cached; then
 * restore() puts stored files in place, regenerate() runs the generator, and
 * finish() removes orphans, records the shared files and the lock, and fills
 * the stores. Nothing here prints or exits: progress goes through onStep,
 * failures are in the result, errors are thrown.
 *
 * Interrupted (SIGINT/SIGTERM, as an aborted `interrupt`), a run stops the
 * command it is running and throws InterruptedError at the next safe point:
 * before and after each command, and before finish(). So the lock never
 * records a run that was stopped (the files it half wrote are stale for the
 * next run), only runs that had finished; a signal during finish() lets it
 * complete first.
 */

/** Where the generator's output and the run's progress go, and what interrupts the run. */
export interface Output {
  /** Generator output goes here (null: kept only for error messages). */
  stdout: NodeJS.WritableStream | null;
  stderr: NodeJS.WritableStream | null;
  onStep?: (step: Step) => void;
  /** Aborted, with the signal's name as its reason, when zero-models is interrupted. */
  interrupt?: AbortSignal;
}

export interface GenerateOptions extends Output {
  /** Every table, past every cache. */
  all: boolean;
  /** Only these tables (table or model names; an unknown one is a usage error); the lock keeps what it records for the others. */
  tables?: string[];
  /** Decide and report, change nothing. */
  dryRun: boolean;
  /** git's listing of the work tree, made a moment ago by the fast path. */
  listing?: Listing;
}

export interface RestoreOptions extends Output {
  /** Every table, also those that look fresh. */
  all: boolean;
  /** Only these tables (as GenerateOptions.tables). */
  tables?: string[];
}

export type Step =
  | { type: "before"; argv: string[]; because: string[] }
  | { type: "run"; run: Run; index: number; count: number }
  | { type: "run-done"; run: Run; result: RunResult }
  | { type: "orphan-deleted"; file: string }
  | { type: "orphan-kept"; file: string }
  | { type: "output-absent"; table: string; file: string }
  | { type: "warning"; text: string }
  /** A line worth seeing that is no warning (gone under --quiet). */
  | { type: "notice"; text: string };

export interface GenerateResult {
  plan: Plan;
  runs: Run[];
  regenerated: TableVerdict[];
  /** Tables whose files came from a store instead of the generator. */
  restored: Restored[];
  /** Where the shared files came from when a store had them and no generator run refreshed them. */
  sharedRestored: Source | null;
  /** What a store was asked for and did not have (`zero-models restore`). */
  missing: Decision["missing"];
  failed: Failed[];
  /** Tables left stale because a migration is pending (generating cannot help). */
  blocked: TableVerdict[];
  /** Fresh tables no run covers: their files are left as they are. */
  cached: string[];
  filesWritten: number;
  /** Files the generator wrote (new or changed) in the output folders that no outputs pattern names. */
  unlisted: string[];
  /** Milliseconds the generator runs took (the rest of `ms` is zero-models' own work). */
  generatorMs: number;
  ms: number;
}

/**
 * A run that failed: it exited non-zero, or (a subset run, `unwritten` set)
 * exited 0 without writing again some files of `run.tables`, which are back
 * in place (see subset-guard.ts).
 */
export interface Failed {
  run: Run;
  result: RunResult;
  unwritten?: Unwritten;
}

export interface Restored extends TableVerdict {
  from: Source;
}

/** `zero-models generate`: the stale tables (or all), from the stores where they hold them, else from the generator. */
export function runGenerate(project: Project, options: GenerateOptions): Promise<GenerateResult> {
  const policy: Policy = { tables: options.all ? "all" : "stale", stores: !options.all && !options.dryRun, generator: true };
  return execute(project, policy, options.dryRun, options, options.tables, options.listing);
}

/** `zero-models restore`: the stale tables (or all) from the stores only; the generator never runs. */
export function runRestore(project: Project, options: RestoreOptions): Promise<GenerateResult> {
  return execute(project, { tables: options.all ? "all" : "stale", stores: true, generator: false }, false, options, options.tables);
}

async function execute(project: Project, given: Policy, dryRun: boolean, output: Output, names: string[] | undefined, listing?: Listing): Promise<GenerateResult> {
  const start = performance.now();
  const { config } = project;
  let putBackAny = false;
  if (!dryRun) {
    const putBack = await restoreGuarded(config);
    if (putBack) output.onStep?.({ type: "warning", text: msg.guardRestored(putBack) });
    putBackAny = !!putBack;
  }
  const caches = await openCaches(project);
  // A listing made before the guarded files were put back no longer describes the work tree.
  let snapshot = await takeSnapshot(config, "worktree", caches.blobs, putBackAny ? undefined : listing);
  // Restricted to some tables, the run sees only them (see restrictPlan); decide() gets them as `only` too, for "all" and an untrusted lock.
  const restrict = (whole: Plan) => (names ? restrictPlan(whole, selectTables(whole, names)) : whole);
  let plan = restrict(await planFor(project, snapshot, caches));
  const policy: Policy = names ? { ...given, only: [...plan.stale.map((v) => v.table), ...plan.fresh].sort() } : given;
  if (!dryRun && (policy.tables === "all" || !isFresh(plan)) && (await runBeforeGenerate(project, plan, output))) {
    snapshot = await takeSnapshot(config, "worktree", caches.blobs);
    plan = restrict(await planFor(project, snapshot, caches));
  }
  // Every run that writes also fills the stores (generate --all too); only policy.stores lets it take from them.
  const store = dryRun
    ? null
    : await Artifacts.open(config, {
        debug: project.debug,
        warn: (text) => output.onStep?.({ type: "warning", text }),
        notice: (text) => output.onStep?.({ type: "notice", text }),
      });
  const stored = store && policy.stores ? await lookUp(project, plan, policy, store) : NOTHING_STORED;
  const timings = await readTimings(config.cacheDir);
  const decision = decide({ plan, policy, stored, generator: config.generator, sharedOutputs: config.outputs.shared, timings });
  project.debug(`restore ${decision.restore.length}${decision.shared === "restore" ? " and the shared files" : ""}; runs: ${decision.runs.map((r) => `${r.kind}(${r.tables.length})`).join(", ") || "none"}`);
  const run = new GenerateRun(project, plan, decision, timings, output, names !== undefined);
  stopIfInterrupted(output);
  if (dryRun) return run.result(start);
  const named = new Set([...Object.values(plan.analysis.tables).flatMap((t) => t.outputs), ...config.outputs.shared]);
  const unlistedBefore = decision.runs.length ? await unlistedFiles(config, named) : null;
  await run.restore(stored);
  await run.regenerate();
  stopIfInterrupted(output);
  await run.finish(store, caches);
  stopIfInterrupted(output);
  const unlisted = unlistedBefore ? changedSince(unlistedBefore, await unlistedFiles(config, named)) : [];
  for (const file of unlisted) output.onStep?.({ type: "warning", text: msg.unlistedOutput(file, path.relative(config.projectDir, path.join(config.root, file)).split(path.sep).join("/")) });
  return { ...run.result(start), unlisted };
}

const NOTHING_STORED: Stored = { tables: new Map(), shared: null };

/** What the stores hold for the tables the policy wants current, and for the shared files when decide() will ask. */
async function lookUp(project: Project, plan: Plan, policy: Policy, store: Artifacts): Promise<Stored> {
  const { config } = project;
  const wanted = candidates(plan, policy);
  const found = await store.find(wanted.map((t) => ({ kind: "table" as const, key: plan.analysis.tables[t]!.fingerprint, paths: plan.analysis.tables[t]!.outputs })));
  const tables = new Map([...found].map(([i, hit]) => [wanted[i]!, { ...hit, hashes: hashesOf(hit.artifact) }]));
  if (!sharedLookupNeeded(plan, policy, tables, config.outputs.shared)) return { tables, shared: null };
  const shared = (await store.find([{ kind: "shared", key: sharedFingerprint(plan.analysis), paths: config.outputs.shared }])).get(0);
  return { tables, shared: shared ? { ...shared, hashes: hashesOf(shared.artifact) } : null };
}

function hashesOf(artifact: Artifact): Record<string, string | null> {
  return Object.fromEntries([...artifact.files].map(([p, bytes]) => [p, bytes === null ? null : sha256(bytes)]));
}

/** One run's changing state: the lock being built and the files written, kept here instead of passed around. */
class GenerateRun {
  private readonly lock: Lock;
  private readonly written = new Set<string>();
  private readonly lockPath: string;
  private readonly regenerated: TableVerdict[] = [];
  private readonly restored: Restored[] = [];
  private readonly failed: Failed[] = [];
  private sharedRestored: Source | null = null;
  private generatorMs = 0;
  private readonly verdicts: Map<string, TableVerdict>;

  constructor(
    private readonly project: Project,
    private readonly plan: Plan,
    private readonly decision: Decision,
    private readonly timings: Timings,
    private readonly output: Output,
    /** Restricted to some tables: the inputs and global components recorded stay those of the last whole run. */
    private readonly restricted: boolean,
  ) {
    this.verdicts = new Map(plan.stale.map((v) => [v.table, v]));
    // Entries are replaced, never changed in place, so copying the maps is enough
    // (a deep copy of a 2,000-table lock took ~80 ms); plan.lock stays as read.
    const old = plan.lock.lock;
    this.lock = old ? { ...old, tables: { ...old.tables } } : emptyLock(FINGERPRINT_VERSION);
    this.lock.fingerprintVersion = FINGERPRINT_VERSION;
    this.lock.perTable = project.config.outputs.perTable;
    this.lockPath = path.join(project.config.root, project.config.lockfile);
  }

  /** Writes the stored files decide() chose, and records those tables in the lock as if generated. */
  async restore(stored: Stored): Promise<void> {
    const { analysis } = this.plan;
    for (const table of this.decision.restore) {
      const hit = stored.tables.get(table)!;
      const now = analysis.tables[table]!;
      await this.writeFiles(hit.artifact, hit.hashes);
      this.lock.tables[table] = { model: now.model, fingerprint: now.fingerprint, components: componentTags(now.components), outputs: hit.hashes };
      this.restored.push({ ...(this.verdict(table) ?? { table, model: now.model, reasons: [] }), from: hit.from });
    }
    if (this.decision.shared === "restore") {
      const before = this.written.size;
      await this.writeFiles(stored.shared!.artifact, stored.shared!.hashes);
      // Reported only when it changed a file: shared files often come out the same.
      if (this.written.size > before) this.sharedRestored = stored.shared!.from;
    }
    if (this.restored.length) await writeAtomic(this.lockPath, serializeLock(this.lock));
  }

  /** Runs the generator invocations decide() chose, recording each finished run's tables in the lock. */
  async regenerate(): Promise<void> {
    const { config } = this.project;
    const { runs } = this.decision;
    const tableCount = Object.keys(this.plan.analysis.tables).length;
    for (const [index, run] of runs.entries()) {
      stopIfInterrupted(this.output);
      this.output.onStep?.({ type: "run", run, index, count: runs.length });
      const go = () => command(this.project, run.argv, this.output);
      // A full run needs no guard: every table's files come from the one command whose output is the reference.
      const { outcome, unwritten } = run.kind === "all" ? { outcome: await go(), unwritten: new Map() as Unwritten } : await guarded(config, run.tables, this.outputsOf, go);
      this.generatorMs += outcome.ms;
      this.output.onStep?.({ type: "run-done", run, result: outcome });
      // Also when this run ended by itself as the signal came: once interrupted, nothing more is recorded.
      stopIfInterrupted(this.output);
      if (!outcome.ok) {
        this.failed.push({ run, result: outcome });
        continue;
      }
      if (unwritten.size) this.failed.push({ run: { ...run, tables: [...unwritten.keys()] }, result: outcome, unwritten });
      await recordTiming(config.cacheDir, this.timings, run, outcome.ms, tableCount);
      await this.record({ ...run, tables: run.tables.filter((t) => !unwritten.has(t)) });
      // Progress survives a crash between runs; after the last run the lock is written once, in finish()
      // (a crash before that only costs regenerating what this run did).
      if (index < runs.length - 1) await writeAtomic(this.lockPath, serializeLock(this.lock));
    }
  }

  private readonly outputsOf = (table: string) => this.plan.analysis.tables[table]!.outputs;

  private async record(run: Run): Promise<void> {
    const { analysis, outputHashes } = this.plan;
    const after = await hashDisk(this.project.config.root, run.tables.flatMap((t) => analysis.tables[t]!.outputs));
    for (const table of run.tables) {
      const now = analysis.tables[table]!;
      const outputs: Record<string, string | null> = {};
      for (const file of now.outputs) {
        outputs[file] = after.get(file) ?? null;
        if (outputs[file] === null) this.output.onStep?.({ type: "output-absent", table, file });
        if (outputs[file] !== outputHashes.get(file)) this.written.add(file);
      }
      this.lock.tables[table] = { model: now.model, fingerprint: now.fingerprint, components: componentTags(now.components), outputs };
      const why = this.decision.forced ? msg.reason.forced : msg.reason.sharedRefresh;
      this.regenerated.push(this.verdict(table) ?? { table, model: now.model, reasons: [{ kind: "forced", message: why }] });
    }
  }

  /** Orphans, then the shared files and inputs (after a complete run only), the lock, and the stores. */
  async finish(store: Artifacts | null, caches: Caches): Promise<void> {
    const { config } = this.project;
    const { plan, lock } = this;
    await this.removeOrphans();
    for (const d of plan.dropped) delete lock.tables[d.table];
    const complete = this.failed.length === 0 && this.decision.missing.tables.length === 0 && !this.decision.missing.shared;
    // A restricted run did not judge the shared files: they are recorded only as a run of the generator just wrote them.
    if (complete && (!this.restricted || this.decision.runs.length > 0)) {
      const shared = await hashDisk(config.root, config.outputs.shared);
      lock.shared = Object.fromEntries(config.outputs.shared.map((f) => [f, shared.get(f) ?? null]));
      for (const f of config.outputs.shared) if (shared.get(f) !== plan.outputHashes.get(f)) this.written.add(f);
    }
    // The inputs as the lock records them say what the last whole run saw: a pending migration left
    // blocked, or tables left out, are not part of it (recorded, a blocked migration would read as migrated).
    // A run that had nothing to do leaves them too: recording inputs that changed no table (a method body,
    // the other side of a merge) would only leave a modified lock to commit.
    if (complete && !this.restricted && this.decision.blocked.length === 0 && (this.decision.forced || !isFresh(plan))) {
      lock.global = shortHashes(plan.analysis.global);
      lock.inputs = shortHashes(plan.analysis.inputs);
    }
    const text = serializeLock(lock);
    if (plan.lock.status !== "ok" || text !== plan.lock.text) {
      await writeAtomic(this.lockPath, text);
      await noteLockWritten(config, caches, text);
    }
    // What this run generated or put back, as the lock records it: a later run can tell these files from hand-written ones.
    const generated = [...this.regenerated, ...this.restored].flatMap((v) => Object.entries(lock.tables[v.table]?.outputs ?? {}));
    await recordGenerated(config.cacheDir, generated.filter((e): e is [string, string] => e[1] !== null));
    if (store && complete && this.decision.blocked.length === 0) {
      const kept = await store.keep(config.root, this.toKeep());
      // Nothing was stale and everything is stored: the next `generate` can say so from git's listing alone.
      if (kept && plan.freshDigest) await recordKept(config, plan.freshDigest);
    }
  }

  /**
   * Deletes generated files nothing generates any more: the recorded outputs of
   * dropped tables, the old paths of regenerated tables whose model was
   * renamed, and files an earlier run generated that nothing names now
   * (plan.leftovers). Files edited by hand since they were generated are kept.
   */
  private async removeOrphans(): Promise<void> {
    const { config } = this.project;
    const { plan } = this;
    const live = new Set([...Object.values(plan.analysis.tables).flatMap((t) => t.outputs), ...config.outputs.shared]);
    const recorded = plan.lock.lock?.tables ?? {};
    const touched = [...plan.dropped.map((d) => d.table), ...this.regenerated.map((v) => v.table), ...this.restored.map((v) => v.table)];
    const candidates = [...touched.flatMap((t) => Object.entries(recorded[t]?.outputs ?? {})), ...Object.entries(plan.leftovers)].filter(([file, hash]) => hash !== null && !live.has(file));
    const orphans: typeof candidates = [];
    for (const [file, hash] of candidates) {
      if (crossesSymlink(config.root, file)) this.output.onStep?.({ type: "warning", text: msg.orphanThroughSymlink(file) });
      else orphans.push([file, hash]);
    }
    const current = await hashDisk(config.root, orphans.map(([file]) => file));
    for (const [file, hash] of orphans) {
      if (current.get(file) === null) continue;
      if (current.get(file) === hash) {
        await unlink(path.join(config.root, file));
        this.output.onStep?.({ type: "orphan-deleted", file });
      } else {
        this.output.onStep?.({ type: "orphan-kept", file });
      }
    }
  }

  /** After a complete run, every table's files and the shared files as the lock records them. */
  private toKeep(): Keep[] {
    const { config } = this.project;
    const { analysis } = this.plan;
    const keep: Keep[] = Object.entries(analysis.tables).flatMap(([table, now]) => {
      const entry = this.lock.tables[table];
      return entry && entry.fingerprint === now.fingerprint ? [{ kind: "table" as const, key: now.fingerprint, paths: now.outputs, hashes: entry.outputs }] : [];
    });
    if (config.outputs.shared.length) keep.push({ kind: "shared", key: sharedFingerprint(analysis), paths: config.outputs.shared, hashes: this.lock.shared });
    return keep;
  }

  /** Writes an artifact's files that differ from what is on disk; a file the generator did not write is removed. */
  private async writeFiles(artifact: Artifact, hashes: Record<string, string | null>): Promise<void> {
    const { root } = this.project.config;
    for (const [file, bytes] of artifact.files) {
      if (this.plan.outputHashes.get(file) === hashes[file]) continue;
      if (bytes === null) await removeTreeFile(root, file);
      else await writeTreeFile(root, file, bytes);
      this.written.add(file);
    }
  }

  private verdict(table: string): TableVerdict | undefined {
    return this.verdicts.get(table);
  }

  result(start: number): GenerateResult {
    const { decision } = this;
    return {
      plan: this.plan,
      runs: decision.runs,
      regenerated: this.regenerated,
      restored: this.restored,
      sharedRestored: this.sharedRestored,
      missing: decision.missing,
      failed: this.failed,
      blocked: decision.blocked,
      cached: decision.cached,
      filesWritten: this.written.size,
      unlisted: [],
      generatorMs: this.generatorMs,
      ms: performance.now() - start,
    };
  }
}

/** Runs the beforeGenerate steps whose `when` globs match an input changed since the lock (or a pending migration). */
async function runBeforeGenerate(project: Project, plan: Plan, output: Output): Promise<boolean> {
  const { config } = project;
  if (config.beforeGenerate.length === 0) return false;
  const recorded = plan.lock.lock?.inputs ?? {};
  const changed = Object.entries(plan.analysis.inputs)
    .filter(([file, hash]) => recorded[file] !== shortHash(hash))
    .map(([file]) => file);
  const candidates = [...new Set([...changed, ...plan.pendingMigrations])];
  let ran = false;
  for (const step of config.beforeGenerate) {
    const isMatch = picomatch(step.when, { dot: true });
    const matches = candidates.filter((file) => isMatch(file));
    if (matches.length === 0) continue;
    stopIfInterrupted(output);
    output.onStep?.({ type: "before", argv: step.run, because: matches });
    const outcome = await command(project, step.run, output);
    stopIfInterrupted(output);
    if (!outcome.ok) throw new GeneratorError(failureMessage(step.run, outcome, config, output.stderr !== null));
    ran = true;
  }
  return ran;
}

/** Runs a configured command where the generator runs, within the configured time, stopped if zero-models is interrupted. */
function command(project: Project, argv: string[], output: Output): Promise<RunResult> {
  const { config } = project;
  return runCommand(argv, { cwd: config.projectDir, stdout: output.stdout, stderr: output.stderr, timeoutMs: config.commandTimeoutMs, signal: output.interrupt });
}

const stopIfInterrupted = (output: Output) => InterruptedError.throwIf(output.interrupt);
