import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../../src/config/load.js";
import { ParseCache } from "../../../src/inputs/parse-cache.js";
import { analyze, analyzeChange, type Analysis } from "../../../src/staleness/analyze.js";
import picomatch from "picomatch";
import { memorySnapshot, tempProject } from "./memory-app.js";

/**
 * The analysis after a change reuses the last one's tables when the models,
 * tables and associations are what they were (analyze.ts, Structure). This
 * proves that shortcut changes nothing: for random apps and random edit
 * sequences, the analysis made with the last one at hand equals a fresh one
 * made from nothing, after every step.
 *
 * ZC_INCREMENTAL_RUNS sets the number of sequences (200 in CI; the long run
 * in docs/reliability.md used more).
 */
const RUNS = Number(process.env.ZC_INCREMENTAL_RUNS ?? 200);

let root: string;
let config: Config;
let remove: () => void;
beforeAll(async () => ({ root, config, remove } = await tempProject()));
afterAll(() => remove());

// ---- a small Rails app as data, rendered to files ------------------------------------

const TABLES = ["clients", "jobs", "notes", "people", "tags", "octopi", "statuses", "invoices"] as const;
const CLASS: Record<string, string> = { clients: "Client", jobs: "Job", notes: "Note", people: "Person", tags: "Tag", octopi: "Octopus", statuses: "Status", invoices: "Invoice" };
const CONCERNS = ["Notable", "Taggable"] as const;

interface App {
  tables: Map<string, string[]>; // table -> column lines
  enums: Map<string, string[]>;
  foreignKeys: string[]; // add_foreign_key lines
  models: Map<string, string[]>; // file -> class body lines
  modelHead: Map<string, string>; // file -> "class X < Y"
  concerns: Map<string, string[]>; // concern name -> lines inside `included do`
  inflections: string[];
  template: string;
}

function initialApp(): App {
  const app: App = {
    tables: new Map(),
    enums: new Map([["job_status", ['"open"', '"closed"']]]),
    foreignKeys: [],
    models: new Map(),
    modelHead: new Map(),
    concerns: new Map(CONCERNS.map((c) => [c, []])),
    inflections: [],
    template: "export class <%= model %> {}\n",
  };
  for (const table of TABLES.slice(0, 5)) addTableWithModel(app, table);
  return app;
}

const modelFile = (table: string) => `app/models/${CLASS[table]!.toLowerCase()}.rb`;

function addTableWithModel(app: App, table: string): void {
  app.tables.set(table, ['t.string "name"']);
  app.models.set(modelFile(table), []);
  app.modelHead.set(modelFile(table), `class ${CLASS[table]} < ApplicationRecord`);
}

function render(app: App): Map<string, string> {
  const files = new Map<string, string>();
  const schema = [
    "ActiveRecord::Schema[8.0].define(version: 2024_05_01_000000) do",
    '  enable_extension "plpgsql"',
    ...[...app.enums].map(([name, values]) => `  create_enum "${name}", [${values.join(", ")}]`),
    ...[...app.tables].flatMap(([name, columns]) => [`  create_table "${name}", force: :cascade do |t|`, ...columns.map((c) => `    ${c}`), "  end", ""]),
    ...app.foreignKeys.map((fk) => `  ${fk}`),
    "end",
    "",
  ];
  files.set("db/schema.rb", schema.join("\n"));
  files.set("app/models/application_record.rb", "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n");
  for (const [file, lines] of app.models) files.set(file, [app.modelHead.get(file)!, ...lines.map((l) => `  ${l}`), "end", ""].join("\n"));
  for (const [name, lines] of app.concerns) {
    files.set(`app/models/concerns/${name.toLowerCase()}.rb`, [`module ${name}`, "  extend ActiveSupport::Concern", "  included do", ...lines.map((l) => `    ${l}`), "  end", "end", ""].join("\n"));
  }
  if (app.inflections.length) files.set("config/initializers/inflections.rb", ["ActiveSupport::Inflector.inflections(:en) do |inflect|", ...app.inflections.map((l) => `  ${l}`), "end", ""].join("\n"));
  files.set("lib/generators/zero/active_models/templates/model.ts.tpl", app.template);
  return files;
}

// ---- edits: each picks its targets from three numbers, so fast-check can shrink them --------

type Edit = (app: App, a: number, b: number, c: number) => void;
const pick = <T>(xs: readonly T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
const modelFiles = (app: App) => [...app.models.keys()];

const EDITS: Record<string, Edit> = {
  "add a column": (app, a, b) => {
    const t = pick([...app.tables.keys()], a);
    if (t) app.tables.get(t)!.push(pick(['t.string "title"', 't.integer "count", default: 0', 't.bigint "client_id"', 't.bigint "tag_id"', 't.text "body"'], b)!);
  },
  "drop a column": (app, a) => {
    const t = pick([...app.tables.keys()], a);
    if (t && app.tables.get(t)!.length > 1) app.tables.get(t)!.pop();
  },
  "use an enum": (app, a, b) => {
    const t = pick([...app.tables.keys()], a);
    if (t) app.tables.get(t)!.push(`t.enum "state", enum_type: "${pick([...app.enums.keys(), "missing_kind"], b)}"`);
  },
  "change an enum's values": (app, a, b) => {
    const name = pick([...app.enums.keys()], a);
    if (name) app.enums.get(name)!.push(`"v${b % 5}"`);
  },
  "add an enum type": (app, a) => {
    app.enums.set(`kind_${a % 3}`, ['"a"', '"b"']);
  },
  "add an index": (app, a) => {
    const t = pick([...app.tables.keys()], a);
    if (t) app.tables.get(t)!.push(`t.index ["name"], name: "index_${t}_on_name_${a % 3}"`);
  },
  "add a foreign key": (app, a, b) => {
    const [from, to] = [pick([...app.tables.keys()], a), pick([...app.tables.keys()], b)];
    if (from && to) app.foreignKeys.push(`add_foreign_key "${from}", "${to}"`);
  },
  "add a table and its model": (app, a) => {
    const t = pick(TABLES, a)!;
    if (!app.tables.has(t)) addTableWithModel(app, t);
  },
  "add a table without a model": (app, a) => {
    app.tables.set(pick(["audits", "solid_queue_jobs", "versions"], a)!, ['t.string "x"']);
  },
  "drop a table": (app, a) => {
    const t = pick([...app.tables.keys()], a);
    if (t && app.tables.size > 2) app.tables.delete(t);
  },
  "rename a table": (app, a, b) => {
    const t = pick([...app.tables.keys()], a);
    const to = pick(TABLES, b)!;
    if (t && !app.tables.has(to)) {
      app.tables.set(to, app.tables.get(t)!);
      app.tables.delete(t);
    }
  },
  "delete a model file": (app, a) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.delete(f);
  },
  "add an association": (app, a, b, c) => {
    const f = pick(modelFiles(app), a);
    const target = pick(TABLES, b)!;
    const singular = CLASS[target]!.toLowerCase();
    const line = pick(
      [
        `has_many :${target}`,
        `belongs_to :${singular}`,
        `has_one :${singular}`,
        `has_and_belongs_to_many :${target}`,
        `has_many :things, class_name: "${CLASS[target]}"`,
        `has_many :notes, as: :notable`,
        `belongs_to :notable, polymorphic: true`,
        `has_many :${target}, through: :notes`,
        `has_many :computed, class_name: compute_class_name`,
      ],
      c,
    )!;
    if (f) app.models.get(f)!.push(line);
  },
  "remove a class-level line": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    const lines = f ? app.models.get(f)! : [];
    if (lines.length) lines.splice(b % lines.length, 1);
  },
  "add a validation": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.get(f)!.push(`validates :name, length: { maximum: ${b % 100} }`);
  },
  "add a comment or blank lines": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.get(f)!.splice(0, 0, ...(b % 2 ? ["# a comment", ""] : ["", "", ""]));
  },
  "add a method": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.get(f)!.push(`def label_${b % 4}`, `  "x#{${b}}"`, "end");
  },
  "set the table name": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.get(f)!.push(`self.table_name = "${pick([...TABLES, "legacy_things"], b)}"`);
  },
  "make a model an STI subclass": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    const parent = pick([...app.modelHead.values()].map((h) => h.split(" ")[1]!), b);
    if (f && parent && !app.modelHead.get(f)!.startsWith(`class ${parent} `)) app.modelHead.set(f, `${app.modelHead.get(f)!.split(" <")[0]} < ${parent}`);
  },
  "include a concern": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.get(f)!.push(`include ${pick(CONCERNS, b)}`);
  },
  "edit a concern's included block": (app, a, b) => {
    const concern = pick(CONCERNS, a)!;
    app.concerns.get(concern)!.push(pick(["has_many :notes, as: :notable", "has_many :tags", "validates :name, presence: true", "belongs_to :client"], b)!);
  },
  "add an inflection rule": (app, a) => {
    app.inflections.push(pick(['inflect.irregular "octopus", "octopi"', 'inflect.uncountable "status"', 'inflect.acronym "API"', 'inflect.plural(/^(ox)$/i, "\\\\1en")'], a)!);
  },
  "edit a template": (app, a) => {
    app.template += `// ${a}\n`;
  },
  "change a method body": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    const lines = f ? app.models.get(f)! : [];
    const at = lines.findIndex((l) => l.startsWith("def "));
    if (at >= 0 && lines[at + 1] !== undefined) lines[at + 1] = `  "y#{${b}}"`;
  },
  "extend a concern": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.get(f)!.push(`extend ${pick(CONCERNS, b)}`);
  },
  "instantiate a class as the class loads": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.get(f)!.push(`LIMIT_${b % 3} = ${CLASS[pick(TABLES, b)!]}.new.name`);
  },
  "define a method dynamically": (app, a, b) => {
    const f = pick(modelFiles(app), a);
    if (f) app.models.get(f)!.push(`define_method(:dyn_${b % 3}) { 1 }`);
  },
  "add a method to a concern": (app, a, b) => {
    // Outside `included do`: rendered inside it here, which is where concerns keep their instance methods too.
    app.concerns.get(pick(CONCERNS, a)!)!.push(`def helper_${b % 3}`, `  ${b}`, "end");
  },
};
const EDIT_NAMES = Object.keys(EDITS);

// ---- the property ----------------------------------------------------------------------

const quiet = () => {};
const isModel = (cfg: Config) => picomatch([...cfg.models, ...cfg.concerns], { dot: true });

async function analyzeWith(cfg: Config, files: Map<string, string>, cache: ParseCache, debug: (line: string) => void = quiet): Promise<Analysis> {
  return analyze(cfg, memorySnapshot(root, files), cache, debug);
}

/** The analysis, or the message of the error it threw (an edit may make the app invalid: both must say so alike). */
async function outcome(run: () => Promise<Analysis>): Promise<Analysis | { error: string }> {
  try {
    return await run();
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe("incremental analysis", () => {
  it(`equals a full analysis after every step of ${RUNS} random edit sequences`, async () => {
    let steps = 0;
    let reused = 0;
    let changeAnswered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Config["cascade"]>("associations", "associations", "foreign-keys", "none"),
        fc.constantFrom<Config["fingerprint"]>("declarations", "declarations", "bytes"),
        fc.array(fc.tuple(fc.constantFrom(...EDIT_NAMES), fc.nat(50), fc.nat(50), fc.nat(50)), { minLength: 1, maxLength: 12 }),
        async (cascade, fingerprint, edits) => {
          const cfg = { ...config, cascade, fingerprint };
          const dir = mkdtempSync(path.join(tmpdir(), "zero-models-incremental-"));
          try {
            const app = initialApp();
            let cache = await ParseCache.open(dir, quiet);
            let before = render(app);
            let last = await outcome(() => analyzeWith(cfg, before, cache));
            await cache.save();
            for (const [name, a, b, c] of edits) {
              EDITS[name]!(app, a, b, c);
              const files = render(app);
              const changed = [...new Set([...before.keys(), ...files.keys()])].filter((f) => before.get(f) !== files.get(f));
              before = files;
              // What check's path from the last fresh verdict does (staleness/since-fresh.ts): only changed models and schema.rb.
              const previous = "error" in last ? null : last;
              const change = previous && changed.length && changed.every((f) => f === cfg.schema || isModel(cfg)(f))
                ? await outcome(async () => (await analyzeChange(cfg, await memorySnapshot(root, files).read(changed), await ParseCache.open(null, quiet), previous, changed))?.analysis ?? previous)
                : null;
              // A new process each step, as each zero-models run is: only what the cache folder kept carries over.
              cache = await ParseCache.open(dir, quiet);
              const lines: string[] = [];
              const incremental = await outcome(() => analyzeWith(cfg, files, cache, (line) => lines.push(line)));
              await cache.save();
              const full = await outcome(async () => analyzeWith(cfg, files, await ParseCache.open(null, quiet)));
              expect(incremental, `after ${name}`).toEqual(full);
              // analyzeChange answering null leaves `previous` as the outcome: counted as no answer.
              if (change && change !== previous) {
                expect(change, `analyzeChange after ${name}`).toEqual(full);
                changeAnswered++;
              }
              last = incremental;
              steps++;
              if (lines.some((l) => l.startsWith("analysis: same models"))) reused++;
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.ZC_INCREMENTAL_SEED ?? 20240601) },
    );
    // Not vacuous: most steps change no structure, and those must take the shortcut.
    expect(reused).toBeGreaterThan(steps / 4);
    expect(changeAnswered).toBeGreaterThan(steps / 10);
    console.log(`incremental analysis: ${RUNS} sequences, ${steps} steps, ${reused} reused the last analysis's tables, ${changeAnswered} answered from the changed files alone, 0 differences`);
  }, 600_000);
});
