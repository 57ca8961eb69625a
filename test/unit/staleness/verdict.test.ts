import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../../src/staleness/analyze.js";
import { globalComponents } from "../../../src/staleness/components.js";
import { isFresh, makePlan, type Plan, type Reason } from "../../../src/staleness/verdict.js";
import { parseLock, serializeLock, shortHash, type Lock, type LockRead } from "../../../src/staleness/lock.js";
import { ParseCache } from "../../../src/inputs/parse-cache.js";
import { hashRecord, sha256 } from "../../../src/common/hash.js";
import type { Config } from "../../../src/config/load.js";
import { visibleLine } from "../../helpers/edits.js";
import { appFiles, generated, lockAfterGenerate, MODELS, memorySnapshot, OUT, TEMPLATES, tempProject } from "./memory-app.js";

let root: string;
let config: Config;
let remove: () => void;
beforeAll(async () => ({ root, config, remove } = await tempProject()));
afterAll(() => remove());

const quiet = () => {};
const ALL = ["clients", "jobs", "notes", "people", "tags"];
const LOCKFILE = "zero-models.lock";

type Changes = Record<string, string | null>;

function apply(base: Map<string, string>, changes: Changes): Map<string, string> {
  const files = new Map(base);
  for (const [file, text] of Object.entries(changes)) {
    if (text === null) files.delete(file);
    else files.set(file, text);
  }
  return files;
}

const edit = (file: string, from: string, to: string, base = appFiles()): Changes => {
  const text = base.get(file)!;
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  return { [file]: text.replace(from, to) };
};

/**
 * The app as `generate` left it: every table generated, the lock written.
 * `plan(changes)` is then the verdict on the app with `changes` applied,
 * made with the same parse cache, as a later run that shares cacheDir.
 */
async function generatedApp(options: { config?: Config; cache?: ParseCache; base?: Map<string, string> } = {}) {
  const cfg = options.config ?? config;
  const cache = options.cache ?? (await ParseCache.open(null, quiet));
  const files = new Map([...(options.base ?? appFiles()), ...generated(MODELS)]);
  const snapshot = memorySnapshot(root, files);
  const analysis = await analyze(cfg, snapshot, cache, quiet);
  const lock = await lockAfterGenerate(cfg, snapshot, analysis);
  const lockRead = parseLock(serializeLock(lock), LOCKFILE);
  expect(lockRead.status).toBe("ok");
  return {
    files,
    lock,
    analysis,
    cache,
    async plan(changes: Changes = {}, over: { lock?: LockRead; config?: Config; cache?: ParseCache } = {}): Promise<Plan> {
      const c = over.config ?? cfg;
      const k = over.cache ?? cache;
      const now = memorySnapshot(root, apply(files, changes));
      return makePlan(c, now, await analyze(c, now, k, quiet), over.lock ?? lockRead, k);
    },
  };
}

const staleTables = (plan: Plan) => plan.stale.map((v) => v.table);
const reasonsOf = (plan: Plan, table: string): Reason[] => plan.stale.find((v) => v.table === table)?.reasons ?? [];

describe("makePlan without a trusted lock", () => {
  it("counts every table stale when there is no lock", async () => {
    const app = await generatedApp();
    const plan = await app.plan({}, { lock: parseLock(null, LOCKFILE) });
    expect(staleTables(plan)).toEqual(ALL);
    expect(plan.stale.find((v) => v.table === "people")!.model).toBe("Person");
    for (const v of plan.stale) expect(v.reasons).toEqual([{ kind: "no-lock", message: "no lock file yet" }]);
    expect(plan.fresh).toEqual([]);
    expect(plan.dropped).toEqual([]);
    expect(plan.shared).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(isFresh(plan)).toBe(false);
  });

  it("counts every table stale, with the lock's warning, when the lock cannot be trusted", async () => {
    const app = await generatedApp();
    const text = serializeLock(app.lock).replace(`"tags": {`, `<<<<<<< HEAD\n"tags": {\n=======\n"labels": {\n>>>>>>> other\n`);
    const plan = await app.plan({}, { lock: parseLock(text, LOCKFILE) });
    expect(staleTables(plan)).toEqual(ALL);
    for (const v of plan.stale) expect(v.reasons).toEqual([{ kind: "no-lock", message: "lock file cannot be trusted" }]);
    expect(plan.warnings).toEqual([expect.stringContaining("zero-models.lock cannot be trusted (it has merge conflict markers)")]);
    expect(plan.dropped).toEqual([]);
    expect(isFresh(plan)).toBe(false);
  });
});

describe("makePlan against the lock of the last generate", () => {
  it("finds every table fresh when nothing changed", async () => {
    const app = await generatedApp();
    const plan = await app.plan();
    expect(plan.stale).toEqual([]);
    expect(plan.fresh).toEqual(ALL);
    expect(plan.dropped).toEqual([]);
    expect(plan.shared).toEqual([]);
    expect(plan.pendingMigrations).toEqual([]);
    expect(plan.lock.status).toBe("ok");
    expect(isFresh(plan)).toBe(true);
    expect(plan.outputHashes.get(`${OUT}/reactive-job.ts`)).toBe(sha256("// reactive jobs\n"));
    expect(plan.outputHashes.get(`${OUT}/index.ts`)).toBe(sha256(app.files.get(`${OUT}/index.ts`)!));
  });

  it("stays fresh for changes outside the inputs, and for changes that do not alter a fingerprint", async () => {
    const app = await generatedApp();
    const plan = await app.plan({ "README.md": "# other\n", "lib/tasks/x.rb": "x", "db/migrate/20230101000000_old.rb": "class Old < ActiveRecord::Migration[8.0]\n  def change\n    add_column :tags, :x, :string\n  end\nend\n" });
    expect(isFresh(plan)).toBe(true);
  });

  it("makes an edited model's table and its association neighbours stale, naming the changed file", async () => {
    const app = await generatedApp();
    const plan = await app.plan(edit("app/models/note.rb", "end", "  def x; end\nend"));
    expect(staleTables(plan)).toEqual(["jobs", "notes", "people"]);
    expect(plan.fresh).toEqual(["clients", "tags"]);
    expect(reasonsOf(plan, "notes")).toEqual([{ kind: "component", components: ["model app/models/note.rb"], message: "model app/models/note.rb changed" }]);
    for (const t of ["jobs", "people"]) {
      expect(reasonsOf(plan, t)).toEqual([{ kind: "component", components: ["neighbour model app/models/note.rb"], message: "neighbour model app/models/note.rb changed" }]);
    }
    expect(isFresh(plan)).toBe(false);
  });

  it("lists a table's own changes first, then its neighbours', then the global ones", async () => {
    const app = await generatedApp();
    const plan = await app.plan({
      ...edit("app/models/job.rb", "end\n", `${visibleLine()}\nend\n`),
      ...edit("app/models/client.rb", "end\n", `${visibleLine()}\nend\n`),
      ...edit("db/schema.rb", `t.string "title", null: false`, `t.string "title"`),
      [`${TEMPLATES}/model.ts.tpl`]: "changed",
    });
    expect(staleTables(plan)).toEqual(ALL);
    // "schema jobs" sorts after "neighbour ...": the order is by whose change it is, not alphabetical.
    expect(reasonsOf(plan, "jobs")[0]!.components).toEqual(["model app/models/job.rb", "schema jobs", "neighbour model app/models/client.rb", "global templates"]);
    expect(reasonsOf(plan, "tags")[0]!.components).toEqual(["global templates"]);
  });

  it("names inputs a table gained or lost", async () => {
    const app = await generatedApp();
    const concern = { "app/models/concerns/taggable.rb": "module Taggable\n  extend ActiveSupport::Concern\nend\n" };
    const gained = await app.plan({ ...concern, ...edit("app/models/tag.rb", "ApplicationRecord\n", "ApplicationRecord\n  include Taggable\n") });
    expect(staleTables(gained)).toEqual(["tags"]);
    expect(reasonsOf(gained, "tags")).toEqual([
      {
        kind: "component",
        components: ["model app/models/concerns/taggable.rb", "model app/models/tag.rb"],
        message: "model app/models/tag.rb changed; new inputs: model app/models/concerns/taggable.rb",
      },
    ]);
    const lost = await app.plan({ "app/models/tag.rb": null });
    // Without its model file the table has no model class, so ApplicationRecord is no longer one of its files either.
    expect(reasonsOf(lost, "tags")).toEqual([
      { kind: "component", components: ["model app/models/application_record.rb", "model app/models/tag.rb"], message: "removed inputs: model app/models/application_record.rb, model app/models/tag.rb" },
    ]);
  });

  it("makes a table stale for a change in its schema block, saying what changed; its neighbours too", async () => {
    const app = await generatedApp();
    const plan = await app.plan({
      ...edit("db/schema.rb", `create_table "tags", force: :cascade do |t|\n    t.string "name"\n`, `create_table "tags", force: :cascade do |t|\n    t.string "name"\n    t.string "color"\n`),
    });
    expect(staleTables(plan)).toEqual(["tags"]);
    expect(reasonsOf(plan, "tags")).toEqual([
      { kind: "component", components: ["schema tags"], changes: { "schema tags": ["+ column color"] }, message: "schema changed: + column color" },
    ]);

    const clients = await app.plan(edit("db/schema.rb", `t.string "name", null: false`, `t.text "name", null: false`));
    expect(staleTables(clients)).toEqual(["clients", "jobs"]);
    expect(reasonsOf(clients, "clients")[0]!.message).toBe("schema changed: ~ column name (string → text)");
    expect(reasonsOf(clients, "jobs")[0]).toMatchObject({
      components: ["neighbour schema clients"],
      changes: { "neighbour schema clients": ["~ column name (string → text)"] },
      message: "neighbour schema clients changed: ~ column name (string → text)",
    });
  });

  it("finds what a schema block was from the parse cache a previous run saved", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "zero-models-verdict-cache-"));
    try {
      const before = await ParseCache.open(dir, quiet);
      const app = await generatedApp({ cache: before });
      await before.save();
      const change = edit("db/schema.rb", `t.string "first_name"`, `t.string "first_name"\n    t.string "last_name"`);
      const plan = await app.plan(change, { cache: await ParseCache.open(dir, quiet) });
      expect(reasonsOf(plan, "people")[0]!.message).toBe("schema changed: + column last_name");
      expect(reasonsOf(plan, "notes")[0]!.message).toBe("neighbour schema people changed: + column last_name");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("still names a changed schema block whose earlier text is nowhere to be found, without the detail", async () => {
    const app = await generatedApp();
    // A new cache knows no earlier block, and the repository has no HEAD to read one from.
    const plan = await app.plan(edit("db/schema.rb", `t.string "first_name"`, `t.string "first_name"\n    t.string "last_name"`), { cache: await ParseCache.open(null, quiet) });
    expect(reasonsOf(plan, "people")).toEqual([{ kind: "component", components: ["schema people"], message: "schema changed" }]);
  });

  it("makes every table stale when a template, a global input or the generator config changes", async () => {
    const app = await generatedApp();
    const template = await app.plan({ [`${TEMPLATES}/model.ts.tpl`]: "export class Changed {}\n" });
    expect(staleTables(template)).toEqual(ALL);
    for (const v of template.stale) expect(v.reasons).toEqual([{ kind: "component", components: ["global templates"], message: `template ${TEMPLATES}/model.ts.tpl changed` }]);

    const prettier = await app.plan({ ".prettierrc": '{ "semi": false }\n' });
    expect(staleTables(prettier)).toEqual(ALL);
    expect(reasonsOf(prettier, "tags")[0]!.components).toEqual(["global global inputs"]);
    expect(reasonsOf(prettier, "tags")[0]!.message).toBe("global input .prettierrc changed");

    const generator = await app.plan({}, { config: { ...config, generator: { ...config.generator, all: ["bin/other"] } } });
    expect(staleTables(generator)).toEqual(ALL);
    expect(reasonsOf(generator, "tags")[0]!.components).toEqual(["global config"]);
  });

  it("lists a table no longer in the schema as dropped, with the outputs the lock recorded, and the others fresh", async () => {
    const app = await generatedApp();
    const plan = await app.plan(edit("db/schema.rb", `  create_table "tags", force: :cascade do |t|\n    t.string "name"\n  end\n\n`, ""));
    expect(plan.dropped).toEqual([{ table: "tags", outputs: app.lock.tables.tags!.outputs }]);
    expect(Object.keys(plan.dropped[0]!.outputs).sort()).toEqual([`${OUT}/reactive-tag.ts`, `${OUT}/tag.ts`, `${OUT}/types/tag-data.ts`]);
    expect(plan.stale).toEqual([]);
    expect(plan.fresh).toEqual(["clients", "jobs", "notes", "people"]);
    expect(isFresh(plan)).toBe(false);
  });

  it("lists a table newly excluded by the config as dropped", async () => {
    const app = await generatedApp();
    const plan = await app.plan({}, { config: { ...config, excludeTables: [...config.excludeTables, "tag*"] } });
    expect(plan.dropped.map((d) => d.table)).toEqual(["tags"]);
    expect(plan.stale).toEqual([]);
  });

  it("makes a table added to the schema stale as new", async () => {
    const app = await generatedApp();
    const plan = await app.plan(edit("db/schema.rb", "  add_foreign_key", `  create_table "widgets", force: :cascade do |t|\n  end\n\n  add_foreign_key`));
    expect(staleTables(plan)).toEqual(["widgets"]);
    expect(plan.stale[0]).toEqual({ table: "widgets", model: "Widget", reasons: [{ kind: "new-table", message: "new table (not in the lock file)" }] });
  });

  it("makes a table stale when one of its generated files was edited by hand or deleted", async () => {
    const app = await generatedApp();
    const edited = await app.plan({ [`${OUT}/reactive-tag.ts`]: "// by hand\n" });
    expect(staleTables(edited)).toEqual(["tags"]);
    expect(reasonsOf(edited, "tags")).toEqual([{ kind: "output-edited", message: `generated file edited by hand: ${OUT}/reactive-tag.ts`, file: `${OUT}/reactive-tag.ts` }]);

    const deleted = await app.plan({ [`${OUT}/types/job-data.ts`]: null, [`${OUT}/job.ts`]: null });
    expect(staleTables(deleted)).toEqual(["jobs"]);
    expect(reasonsOf(deleted, "jobs").map((r) => [r.kind, r.file])).toEqual([
      ["output-missing", `${OUT}/job.ts`],
      ["output-missing", `${OUT}/types/job-data.ts`],
    ]);
    expect(isFresh(deleted)).toBe(false);
  });

  it("gives a reason once however many ways it arises", async () => {
    // Two output patterns naming the same file: one edit, one reason.
    const twice = { ...config, outputs: { ...config.outputs, perTable: [...config.outputs.perTable, `${OUT}/{model_kebab}.ts`] } };
    const app = await generatedApp({ config: twice });
    const plan = await app.plan({ [`${OUT}/tag.ts`]: "// by hand\n" });
    expect(app.analysis.tables.tags!.outputs.filter((f) => f === `${OUT}/tag.ts`)).toHaveLength(2);
    expect(reasonsOf(plan, "tags")).toEqual([{ kind: "output-edited", message: `generated file edited by hand: ${OUT}/tag.ts`, file: `${OUT}/tag.ts` }]);
  });

  it("gives both the component and the output reasons when a table changed and its file was edited", async () => {
    const app = await generatedApp();
    const plan = await app.plan({ ...edit("app/models/tag.rb", "end", `${visibleLine()}\nend`), [`${OUT}/tag.ts`]: "// by hand\n" });
    expect(reasonsOf(plan, "tags").map((r) => r.kind)).toEqual(["component", "output-edited"]);
  });

  it("treats a file the generator did not write, and the lock has as null, as edited once it appears", async () => {
    const app = await generatedApp();
    const files = apply(app.files, { [`${OUT}/reactive-tag.ts`]: null });
    const snapshot = memorySnapshot(root, files);
    const lock = await lockAfterGenerate(config, snapshot, await analyze(config, snapshot, app.cache, quiet));
    expect(lock.tables.tags!.outputs[`${OUT}/reactive-tag.ts`]).toBeNull();
    const lockRead = parseLock(serializeLock(lock), LOCKFILE);
    // Still absent: fresh.
    expect(isFresh(await app.plan({ [`${OUT}/reactive-tag.ts`]: null }, { lock: lockRead }))).toBe(true);
    const appeared = await app.plan({}, { lock: lockRead });
    expect(reasonsOf(appeared, "tags")).toEqual([{ kind: "output-edited", message: `generated file edited by hand: ${OUT}/reactive-tag.ts`, file: `${OUT}/reactive-tag.ts` }]);
  });

  it("treats an output path the lock never recorded as edited only when a file is there", async () => {
    const app = await generatedApp();
    const perTable = [...config.outputs.perTable, "frontend/src/lib/extra/{table}.ts"];
    // The config change itself changes every fingerprint; compare the output reasons only.
    const wider = { ...config, outputs: { ...config.outputs, perTable } };
    const absent = await app.plan({}, { config: wider });
    expect(absent.stale.flatMap((v) => v.reasons.map((r) => r.kind))).not.toContain("output-edited");
    const present = await app.plan({ "frontend/src/lib/extra/tags.ts": "x" }, { config: wider });
    expect(reasonsOf(present, "tags").map((r) => r.kind)).toEqual(["component", "output-edited"]);
  });

  it("reports a shared file edited or deleted without making any table stale", async () => {
    const app = await generatedApp();
    const edited = await app.plan({ [`${OUT}/index.ts`]: "// by hand\n" });
    expect(edited.stale).toEqual([]);
    expect(edited.shared).toEqual([{ kind: "output-edited", message: `generated file edited by hand: ${OUT}/index.ts`, file: `${OUT}/index.ts` }]);
    expect(isFresh(edited)).toBe(false);
    const deleted = await app.plan({ [`${OUT}/index.ts`]: null });
    expect(deleted.shared.map((r) => r.kind)).toEqual(["output-missing"]);
  });
});

describe("makePlan and migrations", () => {
  const migration = (name: string, body: string) => ({ [`db/migrate/${name}.rb`]: `class M < ActiveRecord::Migration[8.0]\n  def change\n    ${body}\n  end\nend\n` });

  it("makes the tables a pending migration touches stale, and lists it", async () => {
    const app = await generatedApp();
    const plan = await app.plan(migration("20240601000000_add_color_to_tags", "add_column :tags, :color, :string"));
    const file = "db/migrate/20240601000000_add_color_to_tags.rb";
    expect(plan.pendingMigrations).toEqual([file]);
    expect(staleTables(plan)).toEqual(["tags"]);
    expect(reasonsOf(plan, "tags")).toEqual([{ kind: "pending-migration", message: `migration ${file} is not in schema.rb yet (run bin/rails db:migrate)`, file }]);
    expect(isFresh(plan)).toBe(false);
  });

  it("makes every table stale for a pending migration whose tables cannot be known", async () => {
    const app = await generatedApp();
    const plan = await app.plan(migration("20240601000000_backfill", `execute "UPDATE tags SET name = 'x'"`));
    expect(staleTables(plan)).toEqual(ALL);
    expect(plan.stale.every((v) => v.reasons.every((r) => r.kind === "pending-migration"))).toBe(true);
  });

  it("leaves out migrations already in schema.rb or with no version; one that names no table of the schema is pending but makes nothing stale", async () => {
    const app = await generatedApp();
    const plan = await app.plan({
      ...migration("20240501000000_same_version", "add_column :tags, :a, :string"),
      ...migration("add_b_to_tags", "add_column :tags, :b, :string"),
      ...migration("20240601000000_create_ghosts", "create_table :ghosts"),
    });
    expect(plan.pendingMigrations).toEqual(["db/migrate/20240601000000_create_ghosts.rb"]);
    expect(plan.stale).toEqual([]);
    // Characterisation: a pending migration that creates a table does not, alone, make the plan stale.
    expect(isFresh(plan)).toBe(true);
  });

  it("finds no pending migration when schema.rb has no version", async () => {
    const app = await generatedApp();
    const plan = await app.plan({
      ...edit("db/schema.rb", "define(version: 2024_05_01_000000)", "define"),
      ...migration("20240601000000_add_color_to_tags", "add_column :tags, :color, :string"),
    });
    expect(plan.pendingMigrations).toEqual([]);
  });

  it("makes the tables of a migration edited since the lock stale while schema.rb stayed the same", async () => {
    const app = await generatedApp();
    const file = "db/migrate/20240101000000_create_tags.rb";
    const change = edit(file, "t.string :name", "t.string :name\n      t.string :color");
    const plan = await app.plan(change);
    expect(staleTables(plan)).toEqual(["tags"]);
    expect(reasonsOf(plan, "tags")).toEqual([{ kind: "migration-edited", message: `migration ${file} changed but schema.rb did not (run bin/rails db:migrate)`, file }]);
    expect(plan.pendingMigrations).toEqual([]);

    // Once schema.rb changed too, the schema block decides.
    const migrated = await app.plan({ ...change, ...edit("db/schema.rb", `do |t|\n    t.string "name"\n`, `do |t|\n    t.string "name"\n    t.string "color"\n`) });
    expect(reasonsOf(migrated, "tags").map((r) => r.kind)).toEqual(["component"]);
  });
});

describe("makePlan and edits that are not inputs (fingerprint: declarations)", () => {
  it("stays fresh and names the model files whose edit changed no declaration", async () => {
    const app = await generatedApp();
    const plan = await app.plan({
      ...edit("app/models/job.rb", "end\n", "\n  # billing\n  def total\n    0\n  end\nend\n"),
      ...edit("db/schema.rb", `    t.string "title", null: false\n`, `    t.string "title", null: false # shown\n`),
    });
    // The method's name is a declaration: adding it makes jobs stale; once generated, its body and comments are not.
    expect(staleTables(plan)).toEqual(["clients", "jobs", "notes"]);
    const withMethod = apply(appFiles(), edit("app/models/job.rb", "end\n", "  def total\n    0\n  end\nend\n"));
    const again = await generatedApp({ base: withMethod });
    const body = await again.plan(edit("app/models/job.rb", "    0\n", "    # none yet\n    1\n", withMethod));
    expect(isFresh(body)).toBe(true);
    expect(body.notInputs).toEqual(["app/models/job.rb"]);
  });
});

describe("makePlan and the fingerprint version", () => {
  /** The lock an older zero-models (another fingerprint version) wrote for the same app. */
  function olderLock(lock: Lock, version: number): Lock {
    const global = { ...lock.global, tool: shortHash(sha256(`zero-models fingerprint v${version}`)) };
    const tables = Object.fromEntries(
      Object.entries(lock.tables).map(([t, e]) => [t, { ...e, fingerprint: hashRecord({ ...globalComponents(global), components: e.components }) }]),
    );
    return { ...lock, fingerprintVersion: version, global, tables };
  }

  it("makes every table stale for a lock made with another fingerprint version", async () => {
    const app = await generatedApp();
    const plan = await app.plan({}, { lock: parseLock(serializeLock(olderLock(app.lock, 1)), LOCKFILE) });
    expect(staleTables(plan)).toEqual(ALL);
    for (const v of plan.stale) expect(v.reasons).toEqual([{ kind: "component", components: ["global tool"], message: "zero-models' fingerprint version changed" }]);
  });

  it("decides by the recorded hashes, not by the lock's fingerprintVersion field", async () => {
    // Characterisation: the field is validated as an integer and rewritten, never compared.
    const app = await generatedApp();
    const plan = await app.plan({}, { lock: parseLock(serializeLock({ ...app.lock, fingerprintVersion: 1 }), LOCKFILE) });
    expect(isFresh(plan)).toBe(true);
  });
});

describe("isFresh", () => {
  it("needs no stale table, no dropped table, no stale shared file and a lock that was read fine", async () => {
    const app = await generatedApp();
    const plan = await app.plan();
    expect(isFresh(plan)).toBe(true);
    expect(isFresh({ ...plan, stale: [{ table: "t", model: "T", reasons: [] }] })).toBe(false);
    expect(isFresh({ ...plan, dropped: [{ table: "t", outputs: {} }] })).toBe(false);
    expect(isFresh({ ...plan, shared: [{ kind: "output-missing", message: "m" }] })).toBe(false);
    expect(isFresh({ ...plan, lock: { status: "missing", lock: null } })).toBe(false);
    expect(isFresh({ ...plan, lock: { status: "corrupt", lock: null, warning: "w", why: "w" } })).toBe(false);
    // Warnings and pending migrations alone do not decide.
    expect(isFresh({ ...plan, warnings: ["w"], pendingMigrations: ["db/migrate/1_x.rb"] })).toBe(true);
  });

  it("is false for an app with no tables and no lock", async () => {
    const app = await generatedApp();
    const empty = memorySnapshot(root, new Map([["db/schema.rb", "ActiveRecord::Schema[8.0].define(version: 1) do\nend\n"]]));
    const plan = await makePlan(config, empty, await analyze(config, empty, app.cache, quiet), parseLock(null, LOCKFILE), app.cache);
    expect(plan.stale).toEqual([]);
    expect(isFresh(plan)).toBe(false);
  });
});
