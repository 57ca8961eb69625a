/**
 * Random git histories on the example app for the differential property test
 * (test/e2e/differential.test.ts): operation records, their generators
 * (fast-check arbitraries) and an interpreter that applies them to a team's
 * real repositories (alice, bob, a bare remote; hooks installed by husky),
 * judged against the oracle (test/helpers/oracle.ts): a full regeneration
 * from scratch with the example's generator.
 *
 * Operations carry numbers, not names: the interpreter picks the table,
 * column, model or branch from the repository's current state (modulo the
 * count), so every sequence is applicable in any order and a shrunk sequence
 * stays meaningful. An operation that does not apply (no such branch, a
 * checkout git refuses) is skipped; an edit that would make the app invalid
 * for the stand-in generator is reverted and counted as skipped.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { fullRegenerationOf, GENERATOR_INPUTS, readFiles, walk } from "./oracle.js";
import { EXAMPLE, type Repo } from "./repo.js";
import { HOOK_ENV, sh, type Team } from "./team.js";
import { lockOf } from "./lock-file.js";

// ---------------------------------------------------------------- operations

export type Op =
  | { kind: "addColumn"; who: number; t: number; c: number; ty: number; notNull: boolean }
  | { kind: "removeColumn"; who: number; t: number; c: number }
  | { kind: "renameColumn"; who: number; t: number; c: number; n: number }
  | { kind: "retypeColumn"; who: number; t: number; c: number; ty: number }
  | { kind: "addTable"; who: number; n: number; model: boolean; ref: number; inverse: boolean }
  | { kind: "dropTable"; who: number; t: number; dropModel: boolean }
  | { kind: "renameTable"; who: number; t: number; n: number; tableName: boolean }
  | { kind: "addIndex"; who: number; t: number; c: number }
  | { kind: "removeIndex"; who: number; t: number; i: number }
  | { kind: "addForeignKey"; who: number; t: number; to: number; column: boolean }
  | { kind: "removeForeignKey"; who: number; k: number }
  | { kind: "addEnumValue"; who: number; v: number }
  | { kind: "addAssociation"; who: number; m: number; target: number; assoc: number }
  | { kind: "removeAssociation"; who: number; m: number; a: number }
  | { kind: "retargetAssociation"; who: number; m: number; a: number; target: number }
  | { kind: "toggleTableName"; who: number; m: number; t: number }
  | { kind: "modelComment"; who: number; m: number; n: number }
  | { kind: "invisibleEdit"; who: number; target: number; variant: number; n: number }
  | { kind: "addMethod"; who: number; m: number; n: number }
  | { kind: "classMethod"; who: number; m: number; n: number }
  | { kind: "editConcern"; who: number; k: number; variant: number; target: number }
  | { kind: "addConcern"; who: number; n: number; m: number; target: number }
  | { kind: "toggleInclude"; who: number; k: number; m: number }
  | { kind: "editTemplate"; who: number; f: number; n: number }
  | { kind: "editGlobalInput"; who: number; f: number; n: number }
  | { kind: "addMigration"; who: number; t: number; c: number; ty: number; mode: "schema" | "pending" | "data" }
  | { kind: "migrate"; who: number }
  | { kind: "generate"; who: number }
  | { kind: "commit"; who: number; mode: "hook" | "noVerify" | "partial"; onRefuse: "stage" | "noVerify" | "leave" }
  | { kind: "branch"; who: number; b: number }
  | { kind: "checkout"; who: number; b: number }
  | { kind: "checkoutBack"; who: number }
  | { kind: "merge"; who: number; b: number; side: "ours" | "theirs" }
  | { kind: "rebase"; who: number; b: number }
  | { kind: "push"; who: number }
  | { kind: "pull"; who: number; rebase: boolean; side: "ours" | "theirs" }
  | { kind: "twoBranchMerge"; who: number; t1: number; t2: number; c1: number; c2: number; b: number; side: "ours" | "theirs" };

const who = fc.integer({ min: 0, max: 1 });
const n = fc.nat({ max: 999 });
const side = fc.constantFrom("ours" as const, "theirs" as const);
const rec = <T extends Op["kind"]>(kind: T, fields: Record<string, fc.Arbitrary<unknown>>, weight: number) => ({
  weight,
  arbitrary: fc.record({ kind: fc.constant(kind), who, ...fields }) as unknown as fc.Arbitrary<Op>,
});

/** One random operation; the weights favour edits and the git commands that carry them between branches and clones. */
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  rec("addColumn", { t: n, c: n, ty: n, notNull: fc.boolean() }, 6),
  rec("removeColumn", { t: n, c: n }, 3),
  rec("renameColumn", { t: n, c: n, n }, 2),
  rec("retypeColumn", { t: n, c: n, ty: n }, 2),
  rec("addTable", { n, model: fc.boolean(), ref: n, inverse: fc.boolean() }, 2),
  rec("dropTable", { t: n, dropModel: fc.boolean() }, 1),
  rec("renameTable", { t: n, n, tableName: fc.boolean() }, 1),
  rec("addIndex", { t: n, c: n }, 1),
  rec("removeIndex", { t: n, i: n }, 1),
  rec("addForeignKey", { t: n, to: n, column: fc.boolean() }, 1),
  rec("removeForeignKey", { k: n }, 1),
  rec("addEnumValue", { v: n }, 1),
  rec("addAssociation", { m: n, target: n, assoc: n }, 3),
  rec("removeAssociation", { m: n, a: n }, 2),
  rec("retargetAssociation", { m: n, a: n, target: n }, 2),
  rec("toggleTableName", { m: n, t: n }, 1),
  rec("modelComment", { m: n, n }, 1),
  rec("invisibleEdit", { target: n, variant: n, n }, 4),
  rec("addMethod", { m: n, n }, 1),
  rec("classMethod", { m: n, n }, 1),
  rec("editConcern", { k: n, variant: n, target: n }, 2),
  rec("addConcern", { n, m: n, target: n }, 1),
  rec("toggleInclude", { k: n, m: n }, 1),
  rec("editTemplate", { f: n, n }, 1),
  rec("editGlobalInput", { f: n, n }, 1),
  rec("addMigration", { t: n, c: n, ty: n, mode: fc.constantFrom("schema" as const, "pending" as const, "data" as const) }, 2),
  rec("migrate", {}, 1),
  rec("generate", {}, 4),
  rec("commit", { mode: fc.constantFrom("hook" as const, "hook" as const, "noVerify" as const, "partial" as const), onRefuse: fc.constantFrom("stage" as const, "noVerify" as const, "leave" as const) }, 7),
  rec("branch", { b: n }, 3),
  rec("checkout", { b: n }, 2),
  rec("checkoutBack", {}, 1),
  rec("merge", { b: n, side }, 2),
  rec("rebase", { b: n }, 1),
  rec("push", {}, 3),
  rec("pull", { rebase: fc.boolean(), side }, 3),
  rec("twoBranchMerge", { t1: n, t2: n, c1: n, c2: n, b: n, side }, 1),
);

/**
 * Edits that change no declaration (fingerprint: declarations): a method body,
 * a comment, a blank line, layout. They must leave check's verdict as it was.
 */
export function isInvisible(op: Op): boolean {
  return op.kind === "modelComment" || op.kind === "invisibleEdit" || (op.kind === "editConcern" && op.variant % 3 === 0);
}

/** Git operations (they run hooks and move HEAD); everything else edits the work tree or runs zero-models. */
export const GIT_OPS = new Set<Op["kind"]>(["commit", "branch", "checkout", "checkoutBack", "merge", "rebase", "push", "pull", "twoBranchMerge"]);

// ------------------------------------------------------------------ pools

const COLUMN_NAMES = ["nickname", "position", "archived_at", "score", "ref_code", "weight", "person_id", "client_id", "job_id", "tag_id"];
const COLUMN_TYPES = ["string", "integer", "boolean", "datetime", "text", "bigint", "decimal", "jsonb", "date", "uuid", "float"];
/** New table names: distinct singulars, none the singular of an example table, so no two tables ever name the same files. */
const TABLE_NAMES = ["widgets", "gadgets", "invoices", "projects", "vendors", "badges", "sprockets", "ledgers"];
const CONCERN_NAMES = ["Trackable", "Auditable", "Pinnable"];
const ENUM_VALUES = ["archived", "draft", "on_hold", "cancelled", "reopened"];

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
const singular = (table: string) => table.replace(/ies$/, "y").replace(/s$/, "");
const classOf = (table: string) => singular(table).split("_").map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");

// ------------------------------------------------------------- schema text

interface TableInfo {
  name: string;
  header: number;
  end: number;
  columns: Array<{ name: string; type: string; line: number }>;
  indexes: number[];
}

function schemaTables(lines: string[]): TableInfo[] {
  const out: TableInfo[] = [];
  let cur: TableInfo | null = null;
  lines.forEach((line, i) => {
    let m: RegExpExecArray | null;
    if ((m = /^ {2}create_table "([^"]+)"/.exec(line))) cur = { name: m[1]!, header: i, end: -1, columns: [], indexes: [] };
    else if (cur && /^ {2}end$/.test(line)) {
      cur.end = i;
      out.push(cur);
      cur = null;
    } else if (cur && /^ {4}t\.index /.test(line)) cur.indexes.push(i);
    else if (cur && (m = /^ {4}t\.(\w+) "([^"]+)"/.exec(line))) cur.columns.push({ name: m[2]!, type: m[1]!, line: i });
  });
  return out;
}

const VERSION = /define\(version: ([\d_]+)\)/;
const versionOf = (schema: string) => VERSION.exec(schema)![1]!.replace(/_/g, "");
const formatVersion = (v: string) => `${v.slice(0, 4)}_${v.slice(4, 6)}_${v.slice(6, 8)}_${v.slice(8)}`;
const setVersion = (schema: string, v: string) => schema.replace(VERSION, `define(version: ${formatVersion(v)})`);

function insertColumn(schema: string, table: string, line: string): string | null {
  const lines = schema.split("\n");
  const t = schemaTables(lines).find((x) => x.name === table);
  if (!t) return null;
  lines.splice(t.header + 1, 0, `    ${line}`);
  return lines.join("\n");
}

/** Instance methods (`def name`, not `def self.name`) with the line of the `end` at their indentation: their bodies are what an invisible edit rewrites. */
function methodBodies(lines: string[]): Array<{ def: number; end: number; indent: string }> {
  const out: Array<{ def: number; end: number; indent: string }> = [];
  lines.forEach((line, i) => {
    const m = /^(\s+)def (?!self\.)[\w?!]+$/.exec(line);
    if (!m) return;
    const end = lines.findIndex((x, j) => j > i && x === `${m[1]}end`);
    if (end > i) out.push({ def: i, end, indent: m[1]! });
  });
  return out;
}

// ------------------------------------------------------------- the stand-in

interface StandIn {
  readSchema(text: string): { tables: Map<string, unknown> };
  readModels(files: Array<{ path: string; text: string }>): unknown;
  AppModel: new (schema: unknown, models: unknown) => {
    namesForTable(t: string): { kebab: string };
    tableView(t: string): { relationships: Array<{ name: string }> };
    sharedView(ts: string[]): unknown;
    modelRecordFor(t: string): { name: string; files: string[] } | null;
    classes: Map<string, { name: string; files: string[] }>;
  };
  applyInflections(text: string): void;
}

let standIn: StandIn | undefined;

/** The example generator's readers, loaded in-process to reject an edit the generator would refuse (cheap; the oracle still runs bin/rails). */
export async function loadStandIn(): Promise<void> {
  const dir = path.join(EXAMPLE, "lib/generators/zero/active_models");
  const load = (f: string) => import(pathToFileURL(path.join(dir, f)).href);
  const [schema, models, app, infl] = await Promise.all([load("schema_reader.mjs"), load("model_reader.mjs"), load("app_model.mjs"), load("inflections.mjs")]);
  standIn = { readSchema: schema.readSchema, readModels: models.readModels, AppModel: app.AppModel, applyInflections: infl.applyInflections };
}

function appModel(dir: string) {
  const s = standIn!;
  const infl = path.join(dir, "config/initializers/inflections.rb");
  // The edits never change inflection rules (comments only), so applying them again is idempotent.
  if (existsSync(infl)) s.applyInflections(readFileSync(infl, "utf8"));
  const schema = s.readSchema(readFileSync(path.join(dir, "db/schema.rb"), "utf8"));
  const files = [...walk(dir, "app/models")].filter(([f]) => f.endsWith(".rb")).map(([p, text]) => ({ path: p, text }));
  return { schema, app: new s.AppModel(schema, s.readModels(files)) };
}

/** Throws what the generator would throw for these inputs (unknown enum, circular or broken :through, two tables naming the same files, ...). */
function validate(dir: string): void {
  const { schema, app } = appModel(dir);
  const tables = [...schema.tables.keys()].sort();
  const owners = new Map<string, string>();
  for (const t of tables) {
    const { kebab } = app.namesForTable(t);
    if (owners.has(kebab)) throw new Error(`tables ${owners.get(kebab)} and ${t} would both generate ${kebab}.ts`);
    owners.set(kebab, t);
  }
  for (const t of tables) {
    const names = app.tableView(t).relationships.map((r) => r.name);
    if (new Set(names).size !== names.length) throw new Error(`${t}: duplicate association names`);
  }
  app.sharedView(tables);
}

// ------------------------------------------------------------------ files

/** Files an edit may touch: snapshotted before it, restored when the edit is refused. */
const EDITABLE = ["app", "config", "lib", "db"];

function restore(dir: string, snapshot: Map<string, string>, roots: string[]): void {
  const now = readFiles(dir, roots);
  for (const p of now.keys()) if (!snapshot.has(p)) rmSync(path.join(dir, p));
  for (const [p, text] of snapshot) if (now.get(p) !== text) writeFileSync(path.join(dir, p), text);
}

/** Differences between two trees of generated files, briefly. */
export function treeDiff(actual: Map<string, string>, expected: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, text] of expected) {
    const got = actual.get(p);
    if (got === undefined) out.push(`missing ${p}`);
    else if (got !== text) {
      const a = got.split("\n");
      const e = text.split("\n");
      const i = e.findIndex((line, k) => line !== a[k]);
      out.push(`differs ${p} line ${i + 1}: expected ${JSON.stringify(e[i])}, got ${JSON.stringify(a[i])}`);
    }
  }
  for (const p of actual.keys()) if (!expected.has(p)) out.push(`extra ${p}`);
  return out;
}

// ------------------------------------------------------------- the world

export interface Violation {
  kind: "check-fresh" | "generate" | "pre-commit";
  step: number;
  op: Op;
  repo: string;
  diff: string[];
}

export interface Stats {
  histories: number;
  steps: number;
  skipped: number;
  /** Histories whose operations ran out before STEPS of them applied. */
  short: number;
  checks: number;
  /** Comparisons with a full regeneration: after check said fresh, after generate, of a commit the pre-commit hook let through. */
  compares: { checkFresh: number; generate: number; commit: number };
  falseHits: Violation[];
  /** `generate` succeeded without blocked tables but `check` still said stale, or check could not judge (exit 2). */
  disagreements: string[];
  /** States (after a merge or pull) the stand-in generator rejects; reset to ORIG_HEAD. */
  invalidMerges: number;
  regenerated: number;
  unnecessary: number;
  /** Git commands that refused or conflicted (aborted) or refused commits. */
  refusedCommits: number;
  conflicts: number;
  /** Exceptions of the test's own machinery (ZC_DIFF_KEEP_GOING=1 records them and goes on). */
  harnessErrors: string[];
  /** Per operation kind: [applied, skipped]. */
  kinds: Record<string, [number, number]>;
  /** Edits that change no declaration, applied; and those after which check's verdict changed (asserted empty under fingerprint: declarations). */
  invisible: { applied: number; changedVerdict: string[] };
}

export function emptyStats(): Stats {
  return {
    histories: 0,
    steps: 0,
    skipped: 0,
    short: 0,
    checks: 0,
    compares: { checkFresh: 0, generate: 0, commit: 0 },
    falseHits: [],
    disagreements: [],
    invalidMerges: 0,
    regenerated: 0,
    unnecessary: 0,
    refusedCommits: 0,
    conflicts: 0,
    kinds: {},
    harnessErrors: [],
    invisible: { applied: 0, changedVerdict: [] },
  };
}

const ok = (r: { code: number | null }) => r.code === 0;

export class World {
  readonly repos: Repo[];
  private step = 0;
  private op: Op | undefined;
  /** Log of what happened, for a failure report. */
  readonly log: string[] = [];

  constructor(
    team: Team,
    private stats: Stats,
    /** Under fingerprint: declarations an invisible edit must not change check's verdict; under bytes it may. */
    private invisibleIsFresh = true,
  ) {
    this.repos = [team.alice, team.bob];
  }

  private name(repo: Repo): string {
    return repo === this.repos[0] ? "alice" : "bob";
  }

  git(repo: Repo, ...args: string[]) {
    return sh(repo.dir, "git", args);
  }

  private zc(repo: Repo, args: string[]) {
    return repo.zc(args, { env: HOOK_ENV });
  }

  /** Applies one operation, then compares with the oracle. Returns false when the operation did not apply. */
  apply(op: Op, step: number): boolean {
    const started = Date.now();
    this.step = step;
    this.op = op;
    const repo = this.repos[op.who]!;
    let applied: boolean;
    const git = GIT_OPS.has(op.kind);
    if (git) applied = this.gitOp(repo, op);
    else if (op.kind === "generate") applied = this.generate(repo);
    else {
      const snapshot = readFiles(repo.dir, EDITABLE);
      const judged = this.invisibleIsFresh && isInvisible(op) ? this.verdict(repo) : null;
      try {
        applied = this.edit(repo, op);
        if (applied) validate(repo.dir);
      } catch {
        applied = false;
      }
      if (!applied) restore(repo.dir, snapshot, EDITABLE);
      if (applied && isInvisible(op)) this.stats.invisible.applied++;
      if (applied && judged !== null) {
        const after = this.verdict(repo);
        if (after !== judged) this.stats.invisible.changedVerdict.push(`step ${step} ${this.name(repo)} ${JSON.stringify(op)}: check said ${judged} before, ${after} after`);
      }
    }
    this.log.push(`${step}: ${JSON.stringify(op)}${applied ? "" : " (skipped)"}`);
    if (applied) this.stats.steps++;
    else this.stats.skipped++;
    const kind = (this.stats.kinds[op.kind] ??= [0, 0]);
    kind[applied ? 0 : 1]++;
    // A skipped git operation may still have committed or moved something (a two-branch merge half done): judge it too.
    if (op.kind !== "generate" && (applied || git)) this.verify(repo);
    if (process.env.ZC_DIFF_DEBUG) console.log(`${this.log[this.log.length - 1]} ${Date.now() - started} ms`);
    return applied;
  }

  // ------------------------------------------------------------ checks

  private violation(kind: Violation["kind"], repo: Repo, diff: string[]): void {
    this.stats.falseHits.push({ kind, step: this.step, op: this.op!, repo: this.name(repo), diff });
  }

  private expected(files: Map<string, string>): Map<string, string> | null {
    const full = fullRegenerationOf(files);
    return full instanceof Error ? null : full;
  }

  /** check's verdict in brief: its exit code and the stale tables. */
  private verdict(repo: Repo): string {
    const r = this.zc(repo, ["check", "--json"]);
    if (r.code !== 0 && r.code !== 1) return `exit ${r.code}`;
    const report = JSON.parse(r.stdout) as { stale: Array<{ table: string }> };
    return `exit ${r.code} stale [${report.stale.map((t) => t.table).sort().join(" ")}]`;
  }

  /** `check` on the work tree; when it says fresh, the generated files must be what a full regeneration writes. */
  private verify(repo: Repo): "fresh" | "stale" | "pending" | "error" {
    this.stats.checks++;
    const r = this.zc(repo, ["check", "--json"]);
    if (r.code === 2 || r.code === 3) {
      // Under --json the error is on stdout.
      const why = `${r.stderr.trim()} ${r.stdout.trim()}`.trim().split("\n").slice(0, 6).join(" | ");
      this.stats.disagreements.push(`step ${this.step} ${this.name(repo)}: check exited ${r.code}: ${why}`);
      return "error";
    }
    if (r.code !== 0) {
      // Stale only because a migration is not in schema.rb yet: generating cannot help (README), not a disagreement.
      const report = JSON.parse(r.stdout) as { stale: Array<{ reasons: Array<{ kind: string }> }>; dropped: unknown[]; shared: { stale: boolean }; lock: string };
      const onlyPending = report.lock === "ok" && report.dropped.length === 0 && !report.shared.stale && report.stale.every((t) => t.reasons.every((x) => x.kind === "pending-migration"));
      return onlyPending ? "pending" : "stale";
    }
    const expected = this.expected(readFiles(repo.dir, GENERATOR_INPUTS));
    if (expected) {
      this.stats.compares.checkFresh++;
      const diff = treeDiff(readFiles(repo.dir, ["frontend"]), expected);
      if (diff.length) this.violation("check-fresh", repo, diff);
    }
    return "fresh";
  }

  private generate(repo: Repo): boolean {
    const before = readFiles(repo.dir, ["frontend"]);
    const r = this.zc(repo, ["generate", "--json"]);
    let report: { ok: boolean; regenerated: Array<{ table: string }>; blocked: unknown[]; failed: unknown[]; error?: { message: string } };
    try {
      report = JSON.parse(r.stdout);
    } catch {
      this.stats.disagreements.push(`step ${this.step} ${this.name(repo)}: generate exited ${r.code} without a JSON report: ${r.stderr.trim().split("\n").slice(0, 3).join(" | ")}`);
      return true;
    }
    if (report.error) {
      this.stats.disagreements.push(`step ${this.step} ${this.name(repo)}: generate exited ${r.code}: ${report.error.message.split("\n").slice(0, 3).join(" | ")}`);
      return true;
    }
    // Precision: a regenerated table whose files are byte-identical before and after did not need it.
    let lock: { tables: Record<string, { outputs: Record<string, string | null> }> } = { tables: {} };
    try {
      lock = lockOf(repo.read("zero-models.lock"));
    } catch {
      // no or unreadable lock: precision not measured for this run
    }
    const after = readFiles(repo.dir, ["frontend"]);
    for (const { table } of report.regenerated) {
      this.stats.regenerated++;
      const outputs = Object.keys(lock.tables[table]?.outputs ?? {});
      if (outputs.length && outputs.every((f) => before.get(f) === after.get(f))) this.stats.unnecessary++;
    }
    const state = this.verify(repo);
    if (report.ok && report.blocked.length === 0) {
      const expected = this.expected(readFiles(repo.dir, GENERATOR_INPUTS));
      if (expected) {
        this.stats.compares.generate++;
        const diff = treeDiff(after, expected);
        if (diff.length && state !== "fresh") this.violation("generate", repo, diff);
      }
      if (state === "stale") this.stats.disagreements.push(`step ${this.step} ${this.name(repo)}: generate succeeded, check still stale`);
    }
    return true;
  }

  /** After a commit the pre-commit hook let through: the committed generated files must be what a full regeneration of the committed inputs writes. */
  private verifyHead(repo: Repo): void {
    const dir = mkdtempSync(path.join(tmpdir(), "zero-models-head-"));
    try {
      const r = spawnSync("sh", ["-c", 'git -C "$1" archive HEAD | tar -x -C "$2"', "sh", repo.dir, dir], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`git archive failed: ${r.stderr}`);
      const expected = this.expected(readFiles(dir, GENERATOR_INPUTS));
      if (!expected) return;
      this.stats.compares.commit++;
      const diff = treeDiff(readFiles(dir, ["frontend"]), expected);
      if (diff.length) this.violation("pre-commit", repo, diff);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // ------------------------------------------------------------ git

  private branches(repo: Repo): { current: string; others: string[] } {
    const current = this.git(repo, "branch", "--show-current").stdout.trim();
    const all = this.git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").stdout.split("\n").filter(Boolean).sort();
    return { current, others: all.filter((b) => b !== current) };
  }

  private dirty(repo: Repo): boolean {
    return this.git(repo, "status", "--porcelain").stdout.trim() !== "";
  }

  /** git commit with the hooks; `verified` when the pre-commit hook ran and let it through. */
  private commit(repo: Repo, mode: "hook" | "noVerify" | "partial", onRefuse: "stage" | "noVerify" | "leave", message: string): boolean {
    if (mode === "partial") this.git(repo, "add", "-A", "--", "app", "db", "config", "lib");
    else this.git(repo, "add", "-A");
    if (this.git(repo, "diff", "--cached", "--quiet").code === 0) return false;
    const args = ["commit", "-q", "-m", message];
    if (mode === "noVerify") return ok(this.git(repo, ...args, "--no-verify"));
    if (ok(this.git(repo, ...args))) {
      this.verifyHead(repo);
      return true;
    }
    this.stats.refusedCommits++;
    if (onRefuse === "stage" && mode !== "partial") {
      this.zc(repo, ["generate", "--stage", "-q"]);
      if (ok(this.git(repo, ...args))) {
        this.verifyHead(repo);
        return true;
      }
    }
    if (onRefuse === "noVerify") return ok(this.git(repo, ...args, "--no-verify"));
    return true; // refused and left staged: still a step (the index changed)
  }

  /**
   * A merge, pull or rebase stopped on conflicts: when only generated files and
   * the lock conflict, take one side for them, run `zero-models generate` as the
   * README says, and commit (pre-commit hook); otherwise abort.
   */
  private resolve(repo: Repo, side: "ours" | "theirs", rebasing: boolean): boolean {
    this.stats.conflicts++;
    const conflicted = this.git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split("\n").filter(Boolean);
    const generated = (f: string) => f.startsWith("frontend/") || f === "zero-models.lock";
    if (rebasing || !conflicted.every(generated)) {
      this.git(repo, rebasing ? "rebase" : "merge", "--abort");
      return false;
    }
    for (const f of conflicted) {
      if (ok(this.git(repo, "checkout", `--${side}`, "--", f))) this.git(repo, "add", "--", f);
      else this.git(repo, "rm", "-q", "--", f);
    }
    this.zc(repo, ["generate", "-q"]);
    this.git(repo, "add", "-A");
    if (!ok(this.git(repo, "commit", "-q", "--no-edit"))) {
      this.stats.refusedCommits++;
      this.git(repo, "commit", "-q", "--no-edit", "--no-verify");
    } else this.verifyHead(repo);
    return true;
  }

  /** After a merge, pull or rebase: a combination the stand-in generator rejects is undone (reset to ORIG_HEAD). */
  private keepValid(repo: Repo): boolean {
    try {
      validate(repo.dir);
      return true;
    } catch {
      this.stats.invalidMerges++;
      this.git(repo, "reset", "-q", "--hard", "ORIG_HEAD");
      return false;
    }
  }

  private gitOp(repo: Repo, op: Op): boolean {
    switch (op.kind) {
      case "commit":
        return this.commit(repo, op.mode, op.onRefuse, `step ${this.step}`);
      case "branch": {
        const name = `feature-${op.b % 4}`;
        const { current, others } = this.branches(repo);
        if (current === name) return false;
        return ok(others.includes(name) ? this.git(repo, "checkout", "-q", name) : this.git(repo, "checkout", "-q", "-b", name));
      }
      case "checkout": {
        const b = pick(this.branches(repo).others, op.b);
        return b !== undefined && ok(this.git(repo, "checkout", "-q", b));
      }
      case "checkoutBack":
        return ok(this.git(repo, "checkout", "-q", "-"));
      case "merge": {
        const b = pick(this.branches(repo).others, op.b);
        if (b === undefined) return false;
        const r = this.git(repo, "merge", "-q", "--no-edit", b);
        if (!ok(r)) {
          if (!existsSync(path.join(repo.dir, ".git/MERGE_HEAD"))) return false; // refused (local changes)
          return this.resolve(repo, op.side, false) && this.keepValid(repo);
        }
        return this.keepValid(repo);
      }
      case "rebase": {
        const b = pick(this.branches(repo).others, op.b);
        if (b === undefined) return false;
        const r = this.git(repo, "rebase", "-q", "--autostash", b);
        if (!ok(r)) {
          if (existsSync(path.join(repo.dir, ".git/rebase-merge")) || existsSync(path.join(repo.dir, ".git/rebase-apply"))) this.resolve(repo, "ours", true);
          return false;
        }
        // The rebase went through but putting the autostash back conflicted: git leaves
        // conflict markers in the work tree (the changes stay in the stash). Drop them,
        // as a user would before going on.
        if (this.git(repo, "diff", "--name-only", "--diff-filter=U").stdout.trim()) {
          this.stats.conflicts++;
          this.git(repo, "reset", "-q", "--hard");
        }
        return this.keepValid(repo);
      }
      case "push": {
        if (this.branches(repo).current !== "main") return false;
        return ok(this.git(repo, "push", "-q", "origin", "main"));
      }
      case "pull": {
        const args = ["pull", "-q", "--no-edit", op.rebase ? "--rebase" : "--no-rebase", "origin", "main"];
        const r = this.git(repo, ...args);
        if (!ok(r)) {
          if (existsSync(path.join(repo.dir, ".git/MERGE_HEAD"))) return this.resolve(repo, op.side, false) && this.keepValid(repo);
          if (existsSync(path.join(repo.dir, ".git/rebase-merge")) || existsSync(path.join(repo.dir, ".git/rebase-apply"))) this.resolve(repo, op.side, true);
          return false;
        }
        return this.keepValid(repo);
      }
      case "twoBranchMerge":
        return this.twoBranchMerge(repo, op);
      default:
        throw new Error(`not a git op: ${op.kind}`);
    }
  }

  /** Two branches from the same commit, each adding a column to a different table, committed (hooks), then merged. */
  private twoBranchMerge(repo: Repo, op: Extract<Op, { kind: "twoBranchMerge" }>): boolean {
    if (this.dirty(repo)) this.commit(repo, "hook", "stage", `step ${this.step}: before two-branch merge`);
    if (this.dirty(repo)) return false;
    const tables = schemaTables(repo.read("db/schema.rb").split("\n")).map((t) => t.name);
    if (tables.length < 2) return false;
    const t1 = tables[op.t1 % tables.length]!;
    const t2 = tables.filter((t) => t !== t1)[op.t2 % (tables.length - 1)]!;
    const side = `side-${op.b % 3}`;
    if (!ok(this.git(repo, "checkout", "-q", "-B", side))) return false;
    const add = (table: string, c: number) => {
      const schema = repo.read("db/schema.rb");
      const cols = schemaTables(schema.split("\n")).find((t) => t.name === table)!.columns.map((x) => x.name);
      const name = COLUMN_NAMES.find((x, i) => i >= c % COLUMN_NAMES.length && !cols.includes(x)) ?? `extra_${this.step}`;
      repo.write("db/schema.rb", insertColumn(schema, table, `t.string "${name}"`)!);
    };
    add(t1, op.c1);
    this.commit(repo, "hook", "stage", `step ${this.step}: ${t1} on ${side}`);
    this.git(repo, "checkout", "-q", "-");
    add(t2, op.c2);
    this.commit(repo, "hook", "stage", `step ${this.step}: ${t2}`);
    const r = this.git(repo, "merge", "-q", "--no-edit", side);
    if (!ok(r)) {
      if (!existsSync(path.join(repo.dir, ".git/MERGE_HEAD"))) return true;
      this.resolve(repo, op.side, false);
    }
    this.keepValid(repo);
    return true;
  }

  // ------------------------------------------------------------ edits

  private models(repo: Repo): Array<{ file: string; cls: string }> {
    return [...walk(repo.dir, "app/models")]
      .filter(([f]) => f.endsWith(".rb") && !f.startsWith("app/models/concerns/"))
      .flatMap(([file, text]) => {
        const m = /^class ([A-Z][\w:]*) < ([A-Z][\w:]*)$/m.exec(text);
        return m && m[1] !== "ApplicationRecord" ? [{ file, cls: m[1]! }] : [];
      });
  }

  private concerns(repo: Repo): string[] {
    return [...walk(repo.dir, "app/models/concerns")].map(([f]) => f).filter((f) => f.endsWith(".rb"));
  }

  /** Inserts `lines` before the `end` that closes a file's class. */
  private beforeLastEnd(repo: Repo, file: string, lines: string): boolean {
    const text = repo.read(file);
    const next = text.replace(/\nend\n?$/, `${lines}\nend\n`);
    if (next === text) return false;
    repo.write(file, next);
    return true;
  }

  /**
   * An edit no declaration sees, of a model or concern (an instance method's
   * body, layout, a blank line, a comment) or of a create_table block (a
   * comment and a blank line, layout), written the way the example
   * generator's readers still read it.
   */
  private invisibleEdit(repo: Repo, op: Extract<Op, { kind: "invisibleEdit" }>): boolean {
    const rubyFiles = [...this.models(repo).map((m) => m.file), ...this.concerns(repo)].sort();
    const rewrite = (file: string, change: (lines: string[]) => boolean) => {
      const text = repo.read(file);
      const lines = text.split("\n");
      if (!change(lines) || lines.join("\n") === text) return false;
      repo.write(file, lines.join("\n"));
      return true;
    };
    switch (op.variant % 5) {
      case 0: {
        // An instance method's body (not `def self.`), at any depth (a concern's `included do` too).
        const withBodies = rubyFiles.filter((f) => methodBodies(repo.read(f).split("\n")).length > 0);
        const file = pick(withBodies, op.target);
        if (!file) return false;
        return rewrite(file, (lines) => {
          const body = pick(methodBodies(lines), op.n)!;
          const next = `${body.indent}  "rev ${op.n}"`;
          if (body.end === body.def + 2 && lines[body.def + 1] === next) return false;
          lines.splice(body.def + 1, body.end - body.def - 1, next);
          return true;
        });
      }
      case 1: {
        // Layout: a blank line under the class or module line, two spaces after an argument's comma.
        const file = pick(rubyFiles, op.target);
        if (!file) return false;
        return rewrite(file, (lines) => {
          const head = lines.findIndex((l) => /^(class|module) /.test(l));
          if (head < 0) return false;
          const args = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s+(belongs_to|has_many|has_one|validates) :\w+, \S/.test(l));
          const line = pick(args, op.n);
          if (line) lines[line[1]] = line[0].replace(", ", ",  ");
          if (lines[head + 1] !== "") lines.splice(head + 1, 0, "");
          return true;
        });
      }
      case 2: {
        // A comment: in a concern's `included do` block, or at the end of a model's class body.
        const file = pick(rubyFiles, op.target);
        if (!file) return false;
        return rewrite(file, (lines) => {
          const included = lines.findIndex((l) => /^\s+included do$/.test(l));
          const at = included >= 0 ? included + 1 : lines.lastIndexOf("end");
          if (at <= 0) return false;
          lines.splice(at, 0, `${included >= 0 ? "    " : "  "}# note ${op.n}`);
          return true;
        });
      }
      case 3: {
        // A comment and a blank line inside a create_table block.
        const lines = repo.read("db/schema.rb").split("\n");
        const c = pick(pick(schemaTables(lines), op.target)?.columns ?? [], op.n);
        if (!c) return false;
        lines.splice(c.line + 1, 0, `    # note ${op.n}`, "");
        repo.write("db/schema.rb", lines.join("\n"));
        return true;
      }
      default: {
        // Layout inside a create_table block: two spaces after a column's name.
        const lines = repo.read("db/schema.rb").split("\n");
        const c = pick((pick(schemaTables(lines), op.target)?.columns ?? []).filter((x) => lines[x.line]!.includes(`"${x.name}", `)), op.n);
        if (!c) return false;
        lines[c.line] = lines[c.line]!.replace(`"${c.name}", `, `"${c.name}",  `);
        repo.write("db/schema.rb", lines.join("\n"));
        return true;
      }
    }
  }

  /** Inserts `line` right after the class line of a model file. */
  private addToModel(repo: Repo, file: string, line: string): boolean {
    const text = repo.read(file);
    if (text.includes(`\n${line}\n`)) return false;
    const next = text.replace(/^(class [A-Z][\w:]* < [A-Z][\w:]*\n)/m, `$1${line}\n`);
    if (next === text) return false;
    repo.write(file, next);
    return true;
  }

  private edit(repo: Repo, op: Op): boolean {
    const schemaFile = "db/schema.rb";
    const schema = repo.read(schemaFile);
    const lines = schema.split("\n");
    const tables = schemaTables(lines);
    const table = (i: number) => pick(tables, i);
    const writeSchema = (ls: string[]) => {
      const next = ls.join("\n");
      if (next === schema) return false;
      repo.write(schemaFile, next);
      return true;
    };
    switch (op.kind) {
      case "addColumn": {
        const t = table(op.t);
        if (!t) return false;
        const names = t.columns.map((c) => c.name);
        const name = COLUMN_NAMES.filter((c) => !names.includes(c))[op.c % COLUMN_NAMES.length] ?? COLUMN_NAMES.find((c) => !names.includes(c));
        if (!name) return false;
        lines.splice(t.header + 1, 0, `    t.${pick(COLUMN_TYPES, op.ty)} "${name}"${op.notNull ? ", null: false" : ""}`);
        return writeSchema(lines);
      }
      case "removeColumn": {
        const c = pick(table(op.t)?.columns ?? [], op.c);
        if (!c) return false;
        lines.splice(c.line, 1);
        return writeSchema(lines);
      }
      case "renameColumn": {
        const t = table(op.t);
        const c = pick(t?.columns ?? [], op.c);
        const name = pick(COLUMN_NAMES.filter((x) => !t!.columns.some((y) => y.name === x)), op.n);
        if (!c || !name) return false;
        lines[c.line] = lines[c.line]!.replace(`"${c.name}"`, `"${name}"`);
        return writeSchema(lines);
      }
      case "retypeColumn": {
        const c = pick((table(op.t)?.columns ?? []).filter((x) => x.type !== "enum"), op.c);
        const ty = pick(COLUMN_TYPES.filter((x) => x !== c?.type), op.ty);
        if (!c || !ty) return false;
        lines[c.line] = lines[c.line]!.replace(`t.${c.type} `, `t.${ty} `);
        return writeSchema(lines);
      }
      case "addTable": {
        const name = pick(TABLE_NAMES.filter((x) => !tables.some((t) => t.name === x)), op.n);
        if (!name) return false;
        const ref = table(op.ref)!;
        const refCol = `${singular(ref.name)}_id`;
        const block = [`  create_table "${name}", force: :cascade do |t|`, `    t.string "label", null: false`, `    t.bigint "${refCol}"`, `    t.datetime "created_at", null: false`, `  end`, ``];
        const before = tables.find((t) => t.name > name);
        const at = before ? before.header : tables[tables.length - 1]!.end + 2;
        lines.splice(at, 0, ...block);
        writeSchema(lines);
        if (op.model) {
          const refModel = appModel(repo.dir).app.modelRecordFor(ref.name);
          const cls = classOf(name);
          const assoc = refModel ? `\n  belongs_to :${singular(ref.name)}, class_name: "${refModel.name}", optional: true` : "";
          repo.write(`app/models/${singular(name)}.rb`, `class ${cls} < ApplicationRecord${assoc}\nend\n`);
          if (refModel && op.inverse) this.addToModel(repo, refModel.files[0]!, `  has_many :${name}, class_name: "${cls}"`);
        }
        return true;
      }
      case "dropTable": {
        const t = table(op.t);
        if (!t) return false;
        const model = appModel(repo.dir).app.modelRecordFor(t.name);
        const kept = lines.filter((l, i) => !(i >= t.header && i <= t.end + 1 && (i <= t.end || l === "")) && !new RegExp(`^  add_foreign_key .*"${t.name}"`).test(l));
        writeSchema(kept);
        // Only the models this test added (one file, no dependants) can go with their table.
        if (op.dropModel && model && TABLE_NAMES.includes(t.name)) for (const f of model.files) repo.remove(f);
        return true;
      }
      case "renameTable": {
        const t = table(op.t);
        const name = pick(TABLE_NAMES.filter((x) => !tables.some((y) => y.name === x)), op.n);
        if (!t || !name) return false;
        const model = appModel(repo.dir).app.modelRecordFor(t.name);
        const next = lines.map((l) =>
          /^ {2}(create_table|add_foreign_key) /.test(l) ? l.replace(new RegExp(`"${t.name}"`, "g"), `"${name}"`) : l,
        );
        writeSchema(next);
        if (op.tableName && model) {
          const file = model.files[0]!;
          const text = repo.read(file);
          if (/self\.table_name = /.test(text)) repo.write(file, text.replace(/self\.table_name = "[^"]*"/, `self.table_name = "${name}"`));
          else this.addToModel(repo, file, `  self.table_name = "${name}"`);
        }
        return true;
      }
      case "addIndex": {
        const t = table(op.t);
        const c = pick(t?.columns ?? [], op.c);
        if (!t || !c) return false;
        const idx = `    t.index ["${c.name}"], name: "index_${t.name}_on_${c.name}_zc"`;
        if (lines.includes(idx)) return false;
        lines.splice(t.end, 0, idx);
        return writeSchema(lines);
      }
      case "removeIndex": {
        const i = pick(table(op.t)?.indexes ?? [], op.i);
        if (i === undefined) return false;
        lines.splice(i, 1);
        return writeSchema(lines);
      }
      case "addForeignKey": {
        const from = table(op.t);
        const to = pick(tables.filter((x) => x !== from), op.to);
        if (!from || !to) return false;
        const col = from.columns.find((c) => c.name.endsWith("_id"))?.name;
        const line = `  add_foreign_key "${from.name}", "${to.name}"${op.column && col ? `, column: "${col}"` : ""}`;
        if (lines.includes(line)) return false;
        const fks = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith("  add_foreign_key "));
        const after = fks.filter(([l]) => l < line).pop()?.[1] ?? (fks[0] ? fks[0][1] - 1 : tables[tables.length - 1]!.end + 1);
        lines.splice(after + 1, 0, line);
        return writeSchema(lines);
      }
      case "removeForeignKey": {
        const fk = pick(lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith("  add_foreign_key ")), op.k);
        if (!fk) return false;
        lines.splice(fk[1], 1);
        return writeSchema(lines);
      }
      case "addEnumValue": {
        const v = ENUM_VALUES[op.v % ENUM_VALUES.length]!;
        const i = lines.findIndex((l) => l.startsWith('  create_enum "job_status"'));
        if (i < 0 || lines[i]!.includes(`"${v}"`)) return false;
        lines[i] = lines[i]!.replace(/\]$/, `, "${v}"]`);
        return writeSchema(lines);
      }
      case "addAssociation": {
        const models = this.models(repo);
        const m = pick(models, op.m);
        const target = pick(models, op.target);
        if (!m || !target) return false;
        const snake = target.cls.replace(/::/g, "").replace(/([a-z\d])([A-Z])/g, "$1_$2").toLowerCase();
        const line = [
          `  has_many :linked_${snake}s, class_name: "${target.cls}"`,
          `  has_one :main_${snake}, class_name: "${target.cls}"`,
          `  belongs_to :owner_${snake}, class_name: "${target.cls}", optional: true`,
        ][op.assoc % 3]!;
        return this.addToModel(repo, m.file, line);
      }
      case "removeAssociation": {
        const m = pick(this.models(repo), op.m);
        if (!m) return false;
        const ls = repo.read(m.file).split("\n");
        const a = pick(ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s+(belongs_to|has_many|has_one|has_and_belongs_to_many) :/.test(l)), op.a);
        if (!a) return false;
        ls.splice(a[1], 1);
        repo.write(m.file, ls.join("\n"));
        return true;
      }
      case "retargetAssociation": {
        const models = this.models(repo);
        const m = pick(models, op.m);
        if (!m) return false;
        const ls = repo.read(m.file).split("\n");
        const a = pick(ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s+(belongs_to|has_many|has_one) :/.test(l) && !/through:|polymorphic/.test(l)), op.a);
        const target = pick(models.filter((x) => !a || !a[0].includes(`"${x.cls}"`)), op.target);
        if (!a || !target) return false;
        ls[a[1]] = /class_name: "[^"]*"/.test(a[0]) ? a[0].replace(/class_name: "[^"]*"/, `class_name: "${target.cls}"`) : `${a[0]}, class_name: "${target.cls}"`;
        repo.write(m.file, ls.join("\n"));
        return true;
      }
      case "toggleTableName": {
        const m = pick(this.models(repo), op.m);
        const t = table(op.t);
        if (!m || !t) return false;
        const text = repo.read(m.file);
        if (/^\s+self\.table_name = .*\n/m.test(text)) {
          repo.write(m.file, text.replace(/^\s+self\.table_name = .*\n/m, ""));
          return true;
        }
        return this.addToModel(repo, m.file, `  self.table_name = "${t.name}"`);
      }
      case "modelComment": {
        const m = pick(this.models(repo), op.m);
        if (!m) return false;
        return this.addToModel(repo, m.file, `  # reviewed ${op.n}`);
      }
      case "invisibleEdit":
        return this.invisibleEdit(repo, op);
      case "addMethod": {
        const m = pick(this.models(repo), op.m);
        if (!m) return false;
        const name = `zc_method_${op.n % 5}`;
        const text = repo.read(m.file);
        if (text.includes(`def ${name}\n`)) return false;
        return this.beforeLastEnd(repo, m.file, `\n  def ${name}\n    ${op.n}\n  end`);
      }
      case "classMethod": {
        const m = pick(this.models(repo), op.m);
        if (!m) return false;
        const text = repo.read(m.file);
        const body = `    where(id: ${op.n})`;
        if (/^ {2}def self\.zc_finder\n.*\n {2}end$/m.test(text)) {
          const next = text.replace(/^( {2}def self\.zc_finder\n).*\n/m, `$1${body}\n`);
          if (next === text) return false;
          repo.write(m.file, next);
          return true;
        }
        return this.beforeLastEnd(repo, m.file, `\n  def self.zc_finder\n${body}\n  end`);
      }
      case "editConcern": {
        const k = pick(this.concerns(repo), op.k);
        if (!k) return false;
        const text = repo.read(k);
        const target = pick(this.models(repo), op.target);
        const variant = op.variant % 3;
        if (variant === 0) {
          repo.write(k, `# touched ${op.target}\n${text}`);
          return true;
        }
        if (variant === 1 && target) {
          const line = `    has_many :concern_${target.cls.replace(/::/g, "").toLowerCase()}s, class_name: "${target.cls}"`;
          if (text.includes(line) || !/^\s+included do\n/m.test(text)) return false;
          repo.write(k, text.replace(/^(\s+included do\n)/m, `$1${line}\n`));
          return true;
        }
        const ls = text.split("\n");
        const a = ls.findIndex((l) => /^\s+(belongs_to|has_many|has_one) :/.test(l));
        if (a < 0) return false;
        ls.splice(a, 1);
        repo.write(k, ls.join("\n"));
        return true;
      }
      case "addConcern": {
        const name = pick(CONCERN_NAMES.filter((c) => !repo.exists(`app/models/concerns/${c.toLowerCase()}.rb`)), op.n);
        const models = this.models(repo);
        const m = pick(models, op.m);
        const target = pick(models, op.target);
        if (!name || !m || !target) return false;
        const assoc = `${name.toLowerCase()}_${target.cls.replace(/::/g, "").toLowerCase()}s`;
        repo.write(
          `app/models/concerns/${name.toLowerCase()}.rb`,
          `module ${name}\n  extend ActiveSupport::Concern\n\n  included do\n    has_many :${assoc}, class_name: "${target.cls}"\n\n    def ${assoc}_count\n      0\n    end\n  end\n\n  def ${name.toLowerCase()}_label\n    "${name}"\n  end\nend\n`,
        );
        return this.addToModel(repo, m.file, `  include ${name}`);
      }
      case "toggleInclude": {
        const k = pick(this.concerns(repo), op.k);
        const m = pick(this.models(repo), op.m);
        if (!k || !m) return false;
        const mod = /^module (\w+)/m.exec(repo.read(k))?.[1];
        if (!mod) return false;
        const text = repo.read(m.file);
        const line = new RegExp(`^\\s+include ${mod}\\n`, "m");
        if (line.test(text)) {
          repo.write(m.file, text.replace(line, ""));
          return true;
        }
        return this.addToModel(repo, m.file, `  include ${mod}`);
      }
      case "editTemplate": {
        const f = pick([...walk(repo.dir, "lib/generators/zero/active_models/templates")].map(([p]) => p), op.f);
        if (!f) return false;
        const ls = repo.read(f).split("\n");
        const next = `// Generated by \`bin/rails generate zero:active_models\`. Do not edit (rev ${op.n % 5}).`;
        if (ls[0] === next) return false;
        ls[0] = next;
        repo.write(f, ls.join("\n"));
        return true;
      }
      case "editGlobalInput": {
        const files = [...walk(repo.dir, "lib/generators/zero/active_models")].map(([p]) => p).filter((p) => p.endsWith(".mjs"));
        const f = pick([...files, "config/initializers/inflections.rb"], op.f)!;
        repo.write(f, `${repo.read(f)}${f.endsWith(".rb") ? "#" : "//"} touched ${op.n}\n`);
        return true;
      }
      case "addMigration": {
        const t = table(op.t);
        if (!t) return false;
        const migrations = readdirSync(path.join(repo.dir, "db/migrate")).map((f) => /^(\d{14})_/.exec(f)?.[1]).filter((v): v is string => Boolean(v));
        const version = String([versionOf(schema), ...migrations].map(BigInt).reduce((a, b) => (a > b ? a : b)) + 1n);
        const names = t.columns.map((c) => c.name);
        const col = COLUMN_NAMES.filter((c) => !names.includes(c))[op.c % COLUMN_NAMES.length] ?? COLUMN_NAMES.find((c) => !names.includes(c));
        const ty = pick(COLUMN_TYPES, op.ty)!;
        if (!col) return false;
        const body = op.mode === "data" ? `  def up\n    execute "UPDATE ${t.name} SET updated_at = now()"\n  end` : `  def change\n    add_column :${t.name}, :${col}, :${ty}\n  end`;
        repo.write(`db/migrate/${version}_zc_${op.mode}_${t.name}.rb`, `class Zc${op.mode[0]!.toUpperCase()}${op.mode.slice(1)}${version} < ActiveRecord::Migration[8.0]\n${body}\nend\n`);
        if (op.mode === "schema") repo.write(schemaFile, setVersion(insertColumn(schema, t.name, `t.${ty} "${col}"`)!, version));
        if (op.mode === "data") repo.write(schemaFile, setVersion(schema, version));
        return true;
      }
      case "migrate": {
        // bin/rails db:migrate for this test's migrations: apply the pending ones to schema.rb and bump its version.
        const current = BigInt(versionOf(schema));
        const pending = readdirSync(path.join(repo.dir, "db/migrate"))
          .filter((f) => /^\d{14}_/.test(f) && BigInt(f.slice(0, 14)) > current)
          .sort();
        if (!pending.length) return false;
        let next = schema;
        for (const f of pending) {
          const m = /add_column :(\w+), :(\w+), :(\w+)/.exec(readFileSync(path.join(repo.dir, "db/migrate", f), "utf8"));
          if (m) {
            const t = schemaTables(next.split("\n")).find((x) => x.name === m[1]);
            if (t && !t.columns.some((c) => c.name === m[2])) next = insertColumn(next, m[1]!, `t.${m[3]} "${m[2]}"`)!;
          }
        }
        repo.write(schemaFile, setVersion(next, pending[pending.length - 1]!.slice(0, 14)));
        return true;
      }
      default:
        throw new Error(`not an edit: ${op.kind}`);
    }
  }
}
