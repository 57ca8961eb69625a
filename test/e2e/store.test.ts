import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { fullRegeneration } from "../helpers/oracle.js";
import { sha256 } from "../helpers/remote-server.js";
import {
  all,
  configure,
  entryPath,
  fileHashes,
  gitTimed,
  hashesOf,
  ignoredOutputsTeam,
  json,
  objectPath,
  OUTPUT_DIR,
  perTableFiles,
  readLock,
  regenLines,
  removeStore,
  restoredLines,
  spyGenerator,
  storeBytes,
  storeEntries,
  storeFiles,
  zcTimed,
  type BuiltTeam,
  type LockFile,
  type TimedResult,
} from "../helpers/store-team.js";
import { addColumn, copyTeam, git, team, type Team } from "../helpers/team.js";

/**
 * The local output store (issue 7): after each generation every table's
 * generated files are kept under the table's fingerprint in
 * tmp/zero-models/store, and restored instead of regenerated when that
 * fingerprint comes back. The team's generated files are git-ignored, so a
 * branch switch leaves them as they were and zero-models must bring them in
 * line. bin/rails is a spy (test/helpers/store-team.ts) that logs each run
 * (and can fail), so "the generator never ran" is observed directly; it is
 * not an input, so no fingerprint changes.
 *
 * One team is built for the file: main generated (generate --all), then a
 * branch `feature` adding a column to cacti, generated and committed with its
 * lock, then back on main (generated again). Alice's store has seen both
 * states. Each test works on a copy.
 */

const SKIP = { ZERO_MODELS_SKIP: "1" };
const CACTUS = perTableFiles("cactus");
const TEMPLATE = "lib/generators/zero/active_models/templates/model.ts.tpl";

let template: BuiltTeam;
let mainFull: Map<string, string>;
let featureFull: Map<string, string>;
let mainLock: LockFile;
let featureLock: LockFile;
let tables: string[];
/** Tables whose fingerprint differs between main and feature, and their models. */
let changed: string[];
let changedModels: string[];
const prep: Record<string, TimedResult> = {};

function expectOk(r: TimedResult, what: string): TimedResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

beforeAll(() => {
  template = ignoredOutputsTeam();
  const a = template.alice;
  mainFull = hashesOf(fullRegeneration(a));
  mainLock = readLock(a);
  tables = Object.keys(mainLock.tables).sort();
  expectOk(gitTimed(a, SKIP, ["checkout", "-q", "-b", "feature"]), "checkout -b feature");
  // Every table changes on feature (a template edit), cacti twice over (a column).
  a.edit(TEMPLATE, (s) => `// feature branch\n${s}`);
  addColumn(a, "cacti", 't.integer "spines"');
  prep.feature = expectOk(zcTimed(a, ["generate"]), "generate on feature");
  expectOk(gitTimed(a, {}, ["add", "db/schema.rb", TEMPLATE, "zero-models.lock"]), "git add");
  expectOk(gitTimed(a, {}, ["commit", "-q", "--no-verify", "-m", "cacti.spines"]), "commit");
  featureFull = hashesOf(fullRegeneration(a));
  featureLock = readLock(a);
  expectOk(gitTimed(a, SKIP, ["checkout", "-q", "main"]), "checkout main");
  prep.main = expectOk(zcTimed(a, ["generate"]), "generate back on main");
  changed = tables.filter((t) => mainLock.tables[t]!.fingerprint !== featureLock.tables[t]!.fingerprint);
  changedModels = changed.map((t) => mainLock.tables[t]!.model).sort();
}, 120_000);

afterAll(() => {
  if (template) rmSync(template.top, { recursive: true, force: true });
});

function copy(): Team {
  const [t, dispose] = copyTeam(template);
  onTestFinished(dispose);
  return t;
}

interface GenerateJson {
  ok: boolean;
  regenerated: Array<{ table: string } | string>;
  restored?: Array<{ table: string; model: string; from: string }>;
}
interface RestoreJson {
  restored: Array<{ table: string; model: string; from: string }>;
  missing?: string[];
}
const names = (list: Array<{ table: string } | string> | undefined) => (list ?? []).map((r) => (typeof r === "string" ? r : r.table)).sort();

describe("restoring from the local store", () => {
  it("the prepared states are what a full regeneration gives (the references below)", () => {
    expect(changed).toEqual(tables);
    expect(fileHashes(template.alice)).toEqual(mainFull);
    expect(CACTUS.some((f) => mainFull.get(f) !== featureFull.get(f))).toBe(true);
  });

  it("switching to a branch seen before restores the stale tables (post-checkout) and never runs the generator", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice);

    const there = expectOk(gitTimed(alice, {}, ["checkout", "feature"]), "git checkout feature");
    const out = all(there);
    expect(restoredLines(out)).toEqual(changedModels.map((m) => [m, "local store"]));
    expect(regenLines(out)).toEqual([]);
    expect(out).toMatch(new RegExp(`\\b${changed.length} restored\\b`));
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(alice)).toEqual(featureFull);
    expect(zcTimed(alice, ["check"]).code).toBe(0);

    // Back, hook skipped: `generate` restores (JSON report) instead of running the generator.
    expectOk(gitTimed(alice, SKIP, ["checkout", "-q", "main"]), "checkout main");
    const gen = expectOk(zcTimed(alice, ["generate", "--json"]), "generate --json");
    const report = json<GenerateJson>(gen);
    expect(report.ok).toBe(true);
    expect(report.restored).toEqual(expect.arrayContaining(changed.map((t) => expect.objectContaining({ table: t, model: mainLock.tables[t]!.model, from: "local" }))));
    expect(names(report.restored)).toEqual(changed);
    expect(names(report.regenerated)).toEqual([]);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(alice)).toEqual(mainFull);
    expect(zcTimed(alice, ["check"]).code).toBe(0);
  });

  it("restores every table after the generated files were deleted (restore, then JSON and --all)", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice, { fail: true });
    rmSync(path.join(alice.dir, OUTPUT_DIR), { recursive: true, force: true });

    const r = expectOk(zcTimed(alice, ["restore"]), "restore");
    expect(restoredLines(r.stdout).map(([m]) => m)).toEqual(tables.map((t) => mainLock.tables[t]!.model).sort());
    expect(restoredLines(r.stdout).every(([, from]) => from === "local store")).toBe(true);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(alice)).toEqual(mainFull);
    expect(zcTimed(alice, ["check"]).code).toBe(0);

    // Nothing stale: nothing to restore, exit 0; --all rewrites the fresh tables too.
    const none = json<RestoreJson>(expectOk(zcTimed(alice, ["restore", "--json"]), "restore --json"));
    expect(none.restored).toEqual([]);
    expect(none.missing ?? []).toEqual([]);
    const every = json<RestoreJson>(expectOk(zcTimed(alice, ["restore", "--all", "--json"]), "restore --all --json"));
    expect(every.restored.map((x) => x.table).sort()).toEqual(tables);
    expect(every.restored.every((x) => x.from === "local")).toBe(true);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(alice)).toEqual(mainFull);
  });

  it("restore exits 1 naming the tables with no stored artifact, and runs no generator", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice, { fail: true });
    // A state never generated: a template edit changes every table's fingerprint.
    alice.edit(TEMPLATE, (s) => `// never generated\n${s}`);
    const before = fileHashes(alice);

    const r = zcTimed(alice, ["restore", "--json"]);
    expect(r.code).toBe(1);
    const report = json<RestoreJson>(r);
    expect(report.restored).toEqual([]);
    expect(report.missing ?? []).toEqual(expect.arrayContaining(tables));
    const text = zcTimed(alice, ["restore"]);
    expect(text.code).toBe(1);
    expect(all(text)).toContain("no stored artifact for");
    for (const t of ["cacti", "people", "admin_audit_logs"]) expect(all(text)).toContain(t);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(alice)).toEqual(before);
  });

  it("generate --all runs the generator for everything even when the store could restore it", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice);
    expectOk(gitTimed(alice, SKIP, ["checkout", "-q", "feature"]), "checkout feature");
    const r = expectOk(zcTimed(alice, ["generate", "--all", "--json"]), "generate --all --json");
    const report = json<GenerateJson>(r);
    expect(names(report.restored)).toEqual([]);
    expect(names(report.regenerated)).toEqual(tables);
    expect(spy.runs()).toContainEqual(["generate", "zero:active_models"]);
    expect(fileHashes(alice)).toEqual(featureFull);
  });
});

describe("the store on disk", () => {
  it("after a generate with nothing stale, every table and the shared files of the current state are stored, content-addressed", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice);
    removeStore(alice);
    expectOk(zcTimed(alice, ["generate"]), "generate");
    expect(spy.runs()).toEqual([]);

    const entries = storeEntries(alice);
    expect(entries.size).toBe(tables.length + 1);
    for (const t of tables) {
      const { fingerprint, outputs } = mainLock.tables[t]!;
      const entry = entries.get(`table-${fingerprint}.json`);
      expect(entry, `entry of ${t}`).toBeTruthy();
      expect(entry).toMatchObject({ version: 1, kind: "table", key: fingerprint });
      expect(entry!.files).toEqual(Object.fromEntries(Object.keys(outputs).map((f) => [f, mainFull.get(f)])));
    }
    const shared = [...entries].filter(([name]) => name.startsWith("shared-"));
    expect(shared).toHaveLength(1);
    const [name, entry] = shared[0]!;
    expect(name).toMatch(/^shared-[0-9a-f]{64}\.json$/);
    expect(entry).toMatchObject({ version: 1, kind: "shared", key: name.slice(7, -5) });
    expect(entry!.files).toEqual(Object.fromEntries(Object.keys(mainLock.shared).map((f) => [f, mainFull.get(f)])));
    // Each file's content under objects/<2 hex>/<sha256>, once.
    const objects = storeFiles(alice).filter((f) => f.file.startsWith(`objects${path.sep}`));
    expect(objects.length).toBe(new Set(mainFull.values()).size);
    for (const hash of new Set(mainFull.values())) {
      expect(sha256(readFileSync(objectPath(alice, hash)))).toBe(hash);
    }
  });

  it("a corrupt entry is a miss: that table is regenerated, never restored with wrong bytes; the others are restored", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice);
    expectOk(gitTimed(alice, SKIP, ["checkout", "-q", "feature"]), "checkout feature");
    // Each model file differs between main and feature; the work tree still holds main's (the wrong bytes for feature).
    const object = (table: string, kebab: string) => {
      const file = perTableFiles(kebab)[0]!;
      expect(featureFull.get(file)).not.toBe(mainFull.get(file));
      const p = objectPath(alice, featureFull.get(file)!);
      expect(existsSync(p), p).toBe(true);
      expect(existsSync(entryPath(alice, "table", featureLock.tables[table]!.fingerprint)), `entry of ${table}`).toBe(true);
      return { p, wrong: readFileSync(path.join(alice.dir, file)) };
    };
    const bytesChanged = object("cacti", "cactus");
    writeFileSync(bytesChanged.p, bytesChanged.wrong);
    rmSync(object("people", "person").p);
    object("tags", "tag");
    writeFileSync(entryPath(alice, "table", featureLock.tables.tags!.fingerprint), '{"version":1,"kind":"table","files":{');

    const report = json<GenerateJson>(expectOk(zcTimed(alice, ["generate", "--json"]), "generate --json"));
    expect(names(report.regenerated)).toEqual(["cacti", "people", "tags"]);
    expect(names(report.restored)).toEqual(tables.filter((t) => !["cacti", "people", "tags"].includes(t)));
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(alice)).toEqual(featureFull);
    expect(zcTimed(alice, ["check"]).code).toBe(0);
  });

  it("store.maxSizeMB: the least recently used entries are evicted, not the ones just used", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice);
    const original = alice.read(TEMPLATE);
    // A variant adds ~6 KB to every table's model file: each state's own objects then dwarf the entries' JSON.
    const variant = (label: string) => alice.write(TEMPLATE, `// ${label}\n${`// ${label}: ${"padding ".repeat(12)}\n`.repeat(60)}${original}`);
    const key = (lock: LockFile, t: string) => `table-${lock.tables[t]!.fingerprint}.json`;
    const objectBytes = () => storeFiles(alice).filter((f) => f.file.startsWith("objects")).reduce((n, f) => n + f.size, 0);

    // S2: every table's model file changes.
    variant("variant A");
    expectOk(zcTimed(alice, ["generate"]), "generate S2");
    const lockA = readLock(alice);
    // S1 again: restored, so S1 is now more recently used than S2 (and feature, stored before both).
    alice.write(TEMPLATE, original);
    spy.reset();
    const back = json<GenerateJson>(expectOk(zcTimed(alice, ["generate", "--json"]), "generate S1"));
    expect(names(back.restored)).toEqual(tables);
    expect(spy.runs()).toEqual([]);

    // A limit that holds what is stored now (entries included), and not another state as big as S2.
    const limit = storeBytes(alice);
    configure(alice, { store: { maxSizeMB: limit / (1024 * 1024) } });
    variant("variant B");
    expectOk(zcTimed(alice, ["generate"]), "generate S3");
    const lockB = readLock(alice);
    expect(objectBytes()).toBeLessThanOrEqual(limit);
    const entries = storeEntries(alice);
    for (const t of tables) expect(entries.has(key(lockB, t)), `S3 entry of ${t}`).toBe(true);
    for (const t of tables) expect(entries.has(key(mainLock, t)), `S1 entry of ${t}`).toBe(true);
    expect(tables.filter((t) => !entries.has(key(lockA, t))).length).toBeGreaterThan(0);
    expect(entries.has(key(featureLock, "cacti"))).toBe(false);

    // S1, used more recently than S2, still restores in full.
    alice.write(TEMPLATE, original);
    spy.reset();
    const again = json<GenerateJson>(expectOk(zcTimed(alice, ["generate", "--json"]), "generate S1 again"));
    expect(names(again.restored)).toEqual(tables);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(alice)).toEqual(mainFull);
  });

  it("store.maxSizeMB: the store folder, entries included, stays under the limit", () => {
    const { alice } = copy();
    removeStore(alice);
    // Exactly the bytes of the current state's distinct files: the files fit, the files and their entries do not.
    const distinct = new Map<string, number>();
    for (const [file, hash] of fileHashes(alice)) distinct.set(hash, readFileSync(path.join(alice.dir, file)).length);
    const limit = [...distinct.values()].reduce((a, b) => a + b, 0);
    configure(alice, { store: { maxSizeMB: limit / (1024 * 1024) } });
    expectOk(zcTimed(alice, ["generate"]), "generate");
    expect(storeEntries(alice).size).toBeGreaterThan(0);
    expect(storeBytes(alice)).toBeLessThanOrEqual(limit);
  });

  it("store.maxSizeMB: 0 keeps no local store", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice);
    removeStore(alice);
    configure(alice, { store: { maxSizeMB: 0 } });
    expectOk(gitTimed(alice, SKIP, ["checkout", "-q", "feature"]), "checkout feature");
    const there = json<GenerateJson>(expectOk(zcTimed(alice, ["generate", "--json"]), "generate on feature"));
    expect(names(there.regenerated)).toEqual(changed);
    expect(storeEntries(alice).size).toBe(0);
    expectOk(gitTimed(alice, SKIP, ["checkout", "-q", "main"]), "checkout main");
    spy.reset();
    const back = json<GenerateJson>(expectOk(zcTimed(alice, ["generate", "--json"]), "generate on main"));
    expect(names(back.restored)).toEqual([]);
    expect(names(back.regenerated)).toEqual(changed);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(storeFiles(alice)).toEqual([]);
    expect(fileHashes(alice)).toEqual(mainFull);
  });

  it("zero-models clean empties the store; the next switch regenerates", () => {
    const { alice } = copy();
    const spy = spyGenerator(alice);
    const before = storeEntries(alice).size;
    expect(before).toBeGreaterThan(tables.length);
    const r = expectOk(zcTimed(alice, ["clean"]), "clean");
    expect(all(r)).toMatch(new RegExp(`\\b${before} entr`));
    expect(all(r)).toMatch(/\b\d+(\.\d+)? ?(bytes|B|KB|kB|MB)\b/);
    expect(storeFiles(alice)).toEqual([]);

    expectOk(gitTimed(alice, SKIP, ["checkout", "-q", "feature"]), "checkout feature");
    const report = json<GenerateJson>(expectOk(zcTimed(alice, ["generate", "--json"]), "generate"));
    expect(names(report.restored)).toEqual([]);
    expect(names(report.regenerated)).toEqual(changed);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(alice)).toEqual(featureFull);
  });
});

describe("pre-commit in fix mode", () => {
  it("restores a state seen before from the store and stages it with the commit (generated files committed)", () => {
    const { alice } = team({ config: (c) => ({ ...c, preCommit: "fix" }) });
    const spy = spyGenerator(alice);
    const file = "frontend/src/lib/models/types/cactus-data.ts";
    const mainVersion = alice.read(file);
    // The column's state, generated once (and so stored).
    addColumn(alice, "cacti", 't.integer "spines"');
    expectOk(zcTimed(alice, ["generate", "-q"]), "generate with the column");
    const withColumn = alice.read(file);
    expect(withColumn).toContain("spines");
    expect(withColumn).not.toBe(mainVersion);
    // Generated files and lock back to main's (git, not zero-models); the schema change stays.
    alice.git("checkout", "--", "frontend", "zero-models.lock");
    expect(alice.read(file)).toBe(mainVersion);

    // Committed with only the schema staged: the hook restores the column's state and stages it.
    alice.git("add", "db/schema.rb");
    spy.reset();
    const commit = expectOk(gitTimed(alice, {}, ["commit", "-m", "spines"]), "git commit");
    expect(restoredLines(all(commit))).toEqual(expect.arrayContaining([["Cactus", "local store"]]));
    expect(regenLines(all(commit))).toEqual([]);
    expect(spy.runs()).toEqual([]);
    expect(alice.git("show", `HEAD:${file}`)).toBe(withColumn);
    expect(alice.git("show", "--name-only", "--format=", "HEAD").split("\n")).toEqual(expect.arrayContaining(["db/schema.rb", "zero-models.lock", file]));
    expect(git(alice.dir, "status", "--porcelain")).toBe("");
    expect(zcTimed(alice, ["check", "--staged"]).code).toBe(0);
  });
});
