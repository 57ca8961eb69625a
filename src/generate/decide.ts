import type { GeneratorArgv } from "../config/load.js";
import type { Plan, TableVerdict } from "../staleness/verdict.js";
import type { Source } from "../store/artifacts.js";
import type { Artifact } from "../store/local.js";
import { chooseRuns, type Run, type Timings } from "./choose-runs.js";

/**
 * What a run of `generate` or `restore` will do, decided from the plan and
 * what the stores hold, before anything is written. Pure: the same plan,
 * policy and store answers always give the same decision.
 */

/** Which tables a run makes current, and with what. */
export interface Policy {
  /** "stale": the tables the plan finds stale; "all": every table. */
  tables: "stale" | "all";
  /** Files may come from the local or shared store (every run that writes also fills them). */
  stores: boolean;
  /** The generator may run (false for `restore`). */
  generator: boolean;
  /** Only these tables, whatever `tables` says (`generate cacti`); undefined: no restriction. */
  only?: string[];
}

/** A store's artifact for a table or the shared files, with the SHA-256 of each file. */
export interface StoredFiles {
  artifact: Artifact;
  from: Source;
  hashes: Record<string, string | null>;
}

export interface Stored {
  /** By table, for the tables the stores were asked for (see candidates). */
  tables: Map<string, StoredFiles>;
  /** Null when no store has them, or when they were not asked for (see sharedLookupNeeded). */
  shared: StoredFiles | null;
}

export interface Decision {
  /** Tables left stale because a migration is pending (generating cannot help). */
  blocked: TableVerdict[];
  /** Tables whose stored files are put in place. */
  restore: string[];
  /** The shared files come from a store, or from the runs (or stay as they are). */
  shared: "restore" | "runs";
  runs: Run[];
  /** What the stores lack when the generator may not run (`restore`). */
  missing: { tables: string[]; shared: boolean };
  /** Fresh tables no run or restore touches. */
  cached: string[];
  /** Every table is regenerated on request (`generate --all`), not because it is stale. */
  forced: boolean;
}

export interface DecideInput {
  plan: Plan;
  policy: Policy;
  stored: Stored;
  generator: GeneratorArgv;
  sharedOutputs: string[];
  timings: Timings;
}

export function decide({ plan, policy, stored, generator, sharedOutputs, timings }: DecideInput): Decision {
  const all = Object.keys(plan.analysis.tables).sort();
  const tables = decideTables(plan, policy, stored.tables);
  const refreshShared = sharedNeedRefresh(plan, tables.restore, sharedOutputs);
  const sharedFrom = sharedLookupWanted(policy, tables, refreshShared) ? stored.shared : null;
  const sharedMissing = refreshShared && !sharedFrom;
  // Shared files list every table: when only they need refreshing and no store had them, one run (of the first table) rewrites them.
  const targets = !policy.generator ? [] : tables.regenerate.length > 0 ? tables.regenerate : sharedMissing ? all.slice(0, 1) : [];
  const runs = targets.length > 0 ? chooseRuns(generator, targets, all, plan.analysis.excluded, timings) : [];
  const missing = policy.generator ? { tables: [], shared: false } : { tables: tables.regenerate, shared: sharedMissing };
  const touched = new Set([...runs.flatMap((r) => r.tables), ...tables.restore, ...missing.tables]);
  return {
    blocked: tables.blocked,
    restore: tables.restore,
    shared: sharedFrom ? "restore" : "runs",
    runs,
    missing,
    cached: plan.fresh.filter((t) => !touched.has(t)),
    forced: isForced(policy),
  };
}

/** The tables a run wants current: the stores are asked for these. */
export function candidates(plan: Plan, policy: Policy): string[] {
  return wantedTables(plan, policy, blockedTables(plan, policy));
}

function wantedTables(plan: Plan, policy: Policy, blocked: TableVerdict[]): string[] {
  if (policy.tables === "all" || plan.lock.status !== "ok") return Object.keys(plan.analysis.tables).filter((t) => !policy.only || policy.only.includes(t)).sort();
  const isBlocked = new Set(blocked.map((v) => v.table));
  return plan.stale.map((v) => v.table).filter((t) => !isBlocked.has(t));
}

/**
 * Whether decide() will use the stores' shared files: only when they need
 * refreshing and no generator run will rewrite them anyway (`restore` looks
 * for them even when tables are missing).
 */
export function sharedLookupNeeded(plan: Plan, policy: Policy, found: Map<string, StoredFiles>, sharedOutputs: string[]): boolean {
  const tables = decideTables(plan, policy, found);
  return sharedLookupWanted(policy, tables, sharedNeedRefresh(plan, tables.restore, sharedOutputs));
}

interface TableChoice {
  blocked: TableVerdict[];
  candidates: string[];
  restore: string[];
  regenerate: string[];
}

function decideTables(plan: Plan, policy: Policy, found: Map<string, StoredFiles>): TableChoice {
  const blocked = blockedTables(plan, policy);
  const wanted = wantedTables(plan, policy, blocked);
  const restore = policy.stores ? wanted.filter((t) => isUsable(plan, t, found.get(t))) : [];
  const restoring = new Set(restore);
  return { blocked, candidates: wanted, restore, regenerate: wanted.filter((t) => !restoring.has(t)) };
}

const isForced = (policy: Policy) => policy.tables === "all" && policy.generator;

/** Stale tables whose only reason is a pending migration: generating cannot help until `db:migrate`. `generate --all` runs them anyway. */
function blockedTables(plan: Plan, policy: Policy): TableVerdict[] {
  return isForced(policy) ? [] : plan.stale.filter((v) => v.reasons.every((r) => r.kind === "pending-migration"));
}

/**
 * A stored artifact that disagrees with what the lock records for the same
 * fingerprint is not used: the generator decides.
 */
function isUsable(plan: Plan, table: string, hit: StoredFiles | undefined): boolean {
  if (!hit) return false;
  const now = plan.analysis.tables[table]!;
  const recorded = plan.lock.lock?.tables[table];
  return !(recorded?.fingerprint === now.fingerprint && now.outputs.some((f) => recorded.outputs[f] !== hit.hashes[f]));
}

/** A restored or dropped table, or an edited shared file, means the shared files (which list every table) need refreshing. */
function sharedNeedRefresh(plan: Plan, restore: string[], sharedOutputs: string[]): boolean {
  return sharedOutputs.length > 0 && (plan.shared.length > 0 || plan.dropped.length > 0 || restore.length > 0);
}

function sharedLookupWanted(policy: Policy, tables: TableChoice, refreshShared: boolean): boolean {
  return policy.stores && refreshShared && (tables.restore.length === tables.candidates.length || !policy.generator);
}
