import picomatch from "picomatch";
import type { Analysis, TableAnalysis } from "./analyze.js";
import { formatComponent, globalComponents, parseComponent } from "./components.js";
import type { Config } from "../config/load.js";
import { watched } from "../config/file.js";
import { sha256 } from "../common/hash.js";
import { decodeUtf8 } from "../common/utf8.js";
import { unsafePath } from "../common/path-guard.js";
import { componentTag, hasTag, hashTag, shortHash, shortHashes, type Lock, type LockRead } from "./lock.js";
import { blockKey } from "./declared.js";
import { ComponentNames } from "./component-names.js";
import type { ParseCache } from "../inputs/parse-cache.js";
import type { Snapshot } from "../inputs/snapshot.js";
import * as msg from "../common/messages.js";

/**
 * Compares what the inputs say now (Analysis) with what was generated (the
 * lock) and with the generated files on disk or in the index, and gives each
 * table a verdict with its reasons.
 */

export type ReasonKind =
  | "no-lock"
  | "new-table"
  | "component"
  | "output-missing"
  | "output-edited"
  | "pending-migration"
  | "migration-edited"
  | "forced";

export interface Reason {
  kind: ReasonKind;
  message: string;
  /** Changed component names (kind "component"). */
  components?: string[];
  /** Component name -> what changed in it, where known ("+ column due_at"). */
  changes?: Record<string, string[]>;
  /** The file concerned (outputs, migrations). */
  file?: string;
}

export interface TableVerdict {
  table: string;
  model: string;
  reasons: Reason[];
}

export interface Dropped {
  table: string;
  /** Recorded output path -> recorded hash. */
  outputs: Record<string, string | null>;
}

export interface Plan {
  analysis: Analysis;
  lock: LockRead;
  stale: TableVerdict[];
  fresh: string[];
  dropped: Dropped[];
  shared: Reason[];
  /** Migration files newer than schema.rb's version. */
  pendingMigrations: string[];
  /** Model and concern files edited since the lock whose declarations did not change (`fingerprint: declarations`): not an input. */
  notInputs: string[];
  /** Generated files no table or lock names any more, as an earlier run generated them (see generated-ledger.ts): path -> SHA-256. */
  leftovers: Record<string, string>;
  /** Current hash of every output path (null: absent), for summaries and orphan handling. */
  outputHashes: Map<string, string | null>;
  warnings: string[];
  /** The digest of the fresh record this plan made (a fresh work tree's), if it made one. */
  freshDigest?: string;
}

/**
 * `judged`: judge only these tables, the others being fresh as the last fresh
 * verdict found them (staleness/since-fresh.ts, with a lock read for these
 * tables only); undefined: every table.
 */
export async function makePlan(config: Config, snapshot: Snapshot, analysis: Analysis, lockRead: LockRead, cache: ParseCache, judged?: Set<string>): Promise<Plan> {
  const lock = lockRead.lock;
  const warnings = lockRead.status === "corrupt" ? [lockRead.warning] : [];
  const judging = judged ? [...judged].filter((t) => analysis.tables[t]).map((t): [string, TableAnalysis] => [t, analysis.tables[t]!]) : Object.entries(analysis.tables);
  const outputHashes = await snapshot.hashes([
    ...judging.flatMap(([, t]) => t.outputs),
    ...config.outputs.shared,
    ...Object.values(lock?.tables ?? {}).flatMap((t) => Object.keys(t.outputs)),
  ]);

  const reasons = new Reasons();
  // Which components changed, per table: the table's own first, then its neighbours', then the global ones.
  const changed = new Map<string, string[]>();
  const recorded = lock ? new ComponentNames(analysis, lock) : null;
  const globalChanged = lock ? changedKeys(globalComponents(lock.global), globalComponents(shortHashes(analysis.global))) : [];
  for (const [table, now] of judging) {
    const before = lock?.tables[table];
    if (!before || before.fingerprint === now.fingerprint) continue;
    const own = changedKeys(recorded!.recorded(table), recorded!.current(table));
    const isNeighbour = (k: string) => parseComponent(k).scope === "neighbour";
    const names = [...own.filter((k) => !isNeighbour(k)), ...own.filter(isNeighbour), ...globalChanged];
    changed.set(table, names.length ? names : ["fingerprint"]);
  }
  const labels = lock && globalChanged.length ? globalLabels(config, lock, analysis) : {};
  const changes = recorded && changed.size ? await describeSchemaChanges(config, snapshot, analysis, recorded, cache, changed) : new Map<string, Record<string, string[]>>();

  for (const [table, now] of judging) {
    const before = lock?.tables[table];
    if (!lock) {
      reasons.add(table, { kind: "no-lock", message: lockRead.status !== "corrupt" ? msg.reason.noLock : lockRead.older ? msg.reason.olderLock : msg.reason.untrustedLock });
      continue;
    }
    if (!before) {
      reasons.add(table, { kind: "new-table", message: msg.reason.newTable });
      continue;
    }
    const components = changed.get(table);
    if (components) reasons.add(table, componentReason(table, components, lock, recorded!, analysis, changes.get(table) ?? {}, labels));
    for (const file of now.outputs) {
      const verdict = outputVerdict(file, before.outputs[file], outputHashes.get(file) ?? null);
      if (verdict) reasons.add(table, verdict);
    }
  }


  const dropped: Dropped[] = Object.entries(lock?.tables ?? {})
    .filter(([table]) => !analysis.tables[table])
    .map(([table, entry]) => ({ table, outputs: entry.outputs }));

  const pendingMigrations = pending(analysis);
  const editedMigrations = lock && lock.inputs[config.schema] === shortHash(analysis.inputs[config.schema]!)
    ? analysis.migrations.filter((m) => lock.inputs[m] && lock.inputs[m] !== shortHash(analysis.inputs[m]!))
    : [];
  if (pendingMigrations.length || editedMigrations.length) {
    const contents = await snapshot.read([...pendingMigrations, ...editedMigrations]);
    const { parseMigration } = await import("../ruby/migrations.js");
    const touch = async (file: string, reason: Reason) => {
      const bytes = contents.get(file);
      if (!bytes) return;
      // Keyed by path too: a migration's facts include the version in its file name.
      const key = sha256(Buffer.concat([Buffer.from(`${file}\0`), bytes]));
      const facts = await cache.get("migration", key, () => parseMigration(decodeUtf8(bytes, file), file));
      const targets = facts.unknown ? Object.keys(analysis.tables) : facts.tables.filter((t) => analysis.tables[t]);
      for (const t of targets) reasons.add(t, reason);
    };
    for (const file of pendingMigrations) await touch(file, { kind: "pending-migration", message: msg.reason.pendingMigration(file), file });
    for (const file of editedMigrations) await touch(file, { kind: "migration-edited", message: msg.reason.migrationEdited(file), file });
  }

  const shared: Reason[] = [];
  if (lock) {
    // A lock written by a complete run records every shared file configured then; one it does not
    // record was named in outputs.shared since. The next run adopts it as it is: it is neither
    // "edited by hand" nor a reason to regenerate.
    const complete = Object.keys(lock.global).length > 0;
    for (const file of config.outputs.shared) {
      if (complete && !(file in lock.shared)) continue;
      const verdict = outputVerdict(file, lock.shared[file], outputHashes.get(file) ?? null);
      if (verdict) shared.push(verdict);
    }
  }

  const tables = Object.keys(analysis.tables).sort();
  return {
    analysis,
    lock: lockRead,
    stale: tables.filter((t) => reasons.has(t)).map((t) => ({ table: t, model: analysis.tables[t]!.model, reasons: reasons.of(t) })),
    fresh: tables.filter((t) => !reasons.has(t)),
    dropped,
    shared,
    pendingMigrations,
    // Judging a few tables, the caller knows which edited files changed no declaration (see since-fresh.ts).
    notInputs: lock && !judged ? editedButNotInputs(lock, analysis) : [],
    // Judging a few tables: the fresh verdict had none, and a generated file no table names changing takes the full check.
    leftovers: judged ? {} : await leftoverFiles(config, snapshot, analysis, lock),
    outputHashes,
    warnings,
  };
}

/** Model files whose bytes differ from the lock's record while the component the lock records for them is the same. */
function editedButNotInputs(lock: Lock, analysis: Analysis): string[] {
  const edited = Object.keys(analysis.models).filter((file) => lock.inputs[file] !== undefined && lock.inputs[file] !== shortHash(analysis.inputs[file]!));
  if (edited.length === 0) return [];
  const entries = Object.values(lock.tables);
  // Searched as text: parsing every table's tags costs more than the few files edited.
  const same = (file: string) => {
    const now = hashTag(analysis.models[file]!);
    const tags = [formatComponent({ scope: "own", kind: "model", name: file }), formatComponent({ scope: "neighbour", kind: "model", name: file })].map(componentTag);
    return entries.some((t) => tags.some((tag) => hasTag(t.components, tag, now)));
  };
  return edited.filter(same).sort();
}

/** True when nothing needs regenerating, deleting or refreshing. */
export function isFresh(plan: Plan): boolean {
  return plan.stale.length === 0 && plan.dropped.length === 0 && plan.shared.length === 0 && Object.keys(plan.leftovers).length === 0 && plan.lock.status === "ok";
}

/** Files of the view in the output patterns that nothing names (no table now, no shared file, no lock entry) and that an earlier run generated as they are. */
async function leftoverFiles(config: Config, snapshot: Snapshot, analysis: Analysis, lock: Lock | null): Promise<Record<string, string>> {
  const isOutput = picomatch(watched(config).outputs, { dot: true });
  const named = new Set([...Object.values(analysis.tables).flatMap((t) => t.outputs), ...config.outputs.shared, ...Object.values(lock?.tables ?? {}).flatMap((t) => Object.keys(t.outputs))]);
  // Paths from git's listing, deleted only through removeOrphans' checks; refused here too if one could leave the tree.
  const candidates = snapshot.paths.filter((p) => !named.has(p) && p !== config.lockfile && isOutput(p) && unsafePath(p) === null);
  if (candidates.length === 0) return {};
  const hashes = await snapshot.hashes(candidates);
  const { generatedBefore } = await import("./generated-ledger.js");
  return Object.fromEntries((await generatedBefore(config.cacheDir, hashes)).map((file) => [file, hashes.get(file)!]));
}

function outputVerdict(file: string, recorded: string | null | undefined, current: string | null): Reason | null {
  if (recorded === undefined) return current === null ? null : { kind: "output-edited", message: msg.reason.outputEdited(file), file };
  if (recorded === current) return null;
  if (current === null) return { kind: "output-missing", message: msg.reason.outputMissing(file), file };
  return { kind: "output-edited", message: msg.reason.outputEdited(file), file };
}

/** What changed in each changed schema block ("+ column due_at"), by table and component, where the earlier block can be found. */
async function describeSchemaChanges(config: Config, snapshot: Snapshot, analysis: Analysis, names: ComponentNames, cache: ParseCache, changed: Map<string, string[]>) {
  const schemaTable = (component: string) => {
    const key = parseComponent(component);
    return key.scope !== "global" && key.kind === "schema" ? key.name : undefined;
  };
  const described = new Map<string, Record<string, string[]>>();
  const wanted = new Set<string>();
  for (const [table, components] of changed) {
    const recorded = names.recorded(table);
    for (const c of components) {
      const name = schemaTable(c);
      if (name && recorded[c]) wanted.add(blockKey(name, recorded[c]));
    }
  }
  if (wanted.size === 0) return described;
  const { describeBlockChange, findEarlierBlocks, parsedSchema } = await import("./describe-change.js");
  const earlier = await findEarlierBlocks(wanted, cache, snapshot.root, config.schema, config.fingerprint);
  const hash = analysis.inputs[config.schema]!;
  const schema = await parsedSchema(cache, hash, async () => (await snapshot.read([config.schema])).get(config.schema), config.schema);
  const blocks = new Map(schema.tables.map((t) => [t.name, t.source]));
  for (const [table, components] of changed) {
    const changes: Record<string, string[]> = {};
    const recorded = names.recorded(table);
    for (const c of components) {
      const name = schemaTable(c);
      const was = recorded[c];
      const before = name && was && earlier.get(blockKey(name, was));
      const after = name && blocks.get(name);
      if (before && after) changes[c] = describeBlockChange(before, after);
    }
    if (Object.keys(changes).length) described.set(table, changes);
  }
  return described;
}

/** A table's reasons, each kept once (the same migration or file can be found twice). */
class Reasons {
  private readonly byTable = new Map<string, Map<string, Reason>>();

  add(table: string, reason: Reason): void {
    const list = this.byTable.get(table) ?? new Map<string, Reason>();
    const identity = `${reason.kind}\0${reason.file ?? ""}`;
    if (!list.has(identity)) list.set(identity, reason);
    this.byTable.set(table, list);
  }

  has(table: string): boolean {
    return this.byTable.has(table);
  }

  of(table: string): Reason[] {
    return [...(this.byTable.get(table)?.values() ?? [])];
  }
}

function componentReason(table: string, components: string[], lock: Lock, names: ComponentNames, analysis: Analysis, changes: Record<string, string[]>, labels: Record<string, string>): Reason {
  return {
    kind: "component",
    message: componentMessage(table, components, lock, names, analysis, changes, labels),
    components,
    ...(Object.keys(changes).length ? { changes } : {}),
  };
}

/** "schema changed: + column due_at; new inputs: model app/models/concerns/notable.rb" */
function componentMessage(table: string, components: string[], lock: Lock, names: ComponentNames, analysis: Analysis, changes: Record<string, string[]>, labels: Record<string, string>): string {
  const was = { ...globalComponents(lock.global), ...names.recorded(table) };
  const is = { ...globalComponents(analysis.global), ...names.current(table) };
  // The table's own schema block is just "schema": the line already names the table.
  const label = (c: string) => (c === formatComponent({ scope: "own", kind: "schema", name: table }) ? "schema" : (labels[c] ?? c));
  const added = components.filter((c) => !(c in was) && c in is);
  const removed = components.filter((c) => c in was && !(c in is));
  return msg.reason.component({
    changed: components.filter((c) => !added.includes(c) && !removed.includes(c)).map(label),
    added: added.map(label),
    removed: removed.map(label),
    details: Object.fromEntries(Object.entries(changes).map(([c, d]) => [label(c), d])),
  });
}

/**
 * How each global component reads in a reason: "template lib/…/model.ts.tpl"
 * rather than "global templates", naming the files that changed where the
 * lock records them (a complete run records every input).
 */
function globalLabels(config: Config, lock: Lock, analysis: Analysis): Record<string, string> {
  const recorded = Object.keys(lock.inputs).length > 0;
  const changedFiles = (globs: string[], except: string) => {
    if (!recorded) return [];
    const isMatch = picomatch(globs, { dot: true });
    const files = new Set([...Object.keys(lock.inputs), ...Object.keys(analysis.inputs)]);
    const now = (f: string) => (analysis.inputs[f] === undefined ? undefined : shortHash(analysis.inputs[f]));
    return [...files].filter((f) => f !== except && isMatch(f) && lock.inputs[f] !== now(f)).sort();
  };
  const files: Record<string, string[]> = {
    "templates": changedFiles(config.templates, ""),
    "global inputs": changedFiles(config.globalInputs, config.inflections),
  };
  return Object.fromEntries(Object.keys(analysis.global).map((kind) => [formatComponent({ scope: "global", kind }), msg.reason.globalComponent(kind, files[kind] ?? [])]));
}

function changedKeys(before: Record<string, string>, now: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...keys].filter((k) => before[k] !== now[k]).sort();
}

/** Migrations whose version is newer than the schema's: not yet reflected in schema.rb. */
function pending(analysis: Analysis): string[] {
  if (!analysis.schemaVersion || !/^\d+$/.test(analysis.schemaVersion)) return [];
  const schemaVersion = BigInt(analysis.schemaVersion);
  return analysis.migrations.filter((file) => {
    const version = /^(\d+)_/.exec(file.slice(file.lastIndexOf("/") + 1))?.[1];
    return version !== undefined && BigInt(version) > schemaVersion;
  });
}
