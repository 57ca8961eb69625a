import type { GenerateResult } from "../generate/run.js";
import type { VerifyResult } from "../generate/verify.js";
import type { View } from "../inputs/snapshot.js";
import type { Plan, Reason } from "../staleness/verdict.js";

/**
 * The --json shapes. They are a documented interface (docs/json.md):
 * add fields freely, never rename or remove one without bumping `schemaVersion`.
 */
export const JSON_SCHEMA_VERSION = 1;

/**
 * A --json document as printed. JSON.stringify escapes C0 controls but
 * leaves DEL, C1 controls and the bidirectional controls raw, and a terminal
 * showing the document would obey them; escaped, the JSON value is the same.
 * They can only occur inside strings, where \uHHHH is valid.
 */
export const jsonText = (value: unknown): string =>
  `${JSON.stringify(value, null, 2).replace(/[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;

/** A store lacked something `restore` was asked for. */
export const isMissing = (result: GenerateResult) => result.missing.tables.length > 0 || result.missing.shared;

const reasonJson = (r: Reason) => ({
  kind: r.kind,
  message: r.message,
  ...(r.components ? { components: r.components } : {}),
  ...(r.changes ? { changes: r.changes } : {}),
  ...(r.file ? { file: r.file } : {}),
});

export function planJson(plan: Plan, view: View, fresh: boolean, fix: string | null) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    fresh,
    view,
    lock: plan.lock.status,
    tables: { total: plan.stale.length + plan.fresh.length, stale: plan.stale.length, fresh: plan.fresh.length },
    stale: plan.stale.map((v) => ({
      table: v.table,
      model: v.model,
      outputs: plan.analysis.tables[v.table]!.outputs,
      reasons: v.reasons.map(reasonJson),
    })),
    dropped: plan.dropped.map((d) => ({ table: d.table, outputs: Object.keys(d.outputs) })),
    shared: { stale: plan.shared.length > 0, reasons: plan.shared.map(reasonJson) },
    pendingMigrations: plan.pendingMigrations,
    /** Model files whose bytes changed but whose declarations did not (fingerprint: declarations). */
    notInputs: plan.notInputs,
    /** Generated files nothing generates any more, left from an earlier run: generate deletes them. */
    leftovers: Object.keys(plan.leftovers),
    warnings: plan.warnings,
    fix: fresh ? null : fix,
  };
}

export function generateJson(result: GenerateResult, dryRun: boolean) {
  const ok = result.failed.length === 0 && result.blocked.length === 0 && !isMissing(result);
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    ok,
    dryRun,
    runs: result.runs.map((r) => ({ kind: r.kind, argv: r.argv, tables: r.tables })),
    regenerated: result.regenerated.map((v) => ({ table: v.table, model: v.model, reasons: v.reasons.map(reasonJson) })),
    restored: result.restored.map((r) => ({ table: r.table, model: r.model, from: r.from, reasons: r.reasons.map(reasonJson) })),
    sharedRestored: result.sharedRestored,
    // "shared" in `missing` is kept for schemaVersion 1; sharedMissing says it without clashing with a table of that name.
    missing: [...result.missing.tables, ...(result.missing.shared ? ["shared"] : [])],
    sharedMissing: result.missing.shared,
    failed: result.failed.map((f) => ({
      argv: f.run.argv,
      tables: f.run.tables,
      exitCode: f.result.code,
      signal: f.result.signal,
      timedOut: f.result.stopped === "timeout",
      tail: f.result.tail,
      // A subset run that exited 0 without rewriting these files (table -> files); they are back in place.
      ...(f.unwritten ? { adapter: `generator.${f.run.kind}`, unwritten: Object.fromEntries(f.unwritten) } : {}),
    })),
    blocked: result.blocked.map((v) => ({ table: v.table, reasons: v.reasons.map(reasonJson) })),
    cached: result.cached.length,
    filesWritten: result.filesWritten,
    unlisted: result.unlisted,
    ms: Math.round(result.ms),
    generatorMs: Math.round(result.generatorMs),
    warnings: result.plan.warnings,
  };
}

/** `verify --json`: `ok` is false when a file differed from the full run or a subset command is broken. */
export function verifyJson(result: VerifyResult, ok: boolean) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    ok,
    run: result.generate.runs.map((r) => r.argv)[0] ?? null,
    compared: result.compared,
    ignored: result.ignored,
    differences: result.differences,
    adapters: result.adapters.map((a) => ({
      adapter: `generator.${a.kind}`,
      ok: a.ok,
      runs: a.runs,
      files: a.files,
      problems: a.problems,
      failed: a.failed,
    })),
    unlisted: result.generate.unlisted,
    warnings: result.generate.plan.warnings,
  };
}
