import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze, selectInputs, type Analysis } from "../../../src/staleness/analyze.js";
import { ParseCache } from "../../../src/inputs/parse-cache.js";
import { InputError } from "../../../src/common/errors.js";
import { sha256 } from "../../../src/common/hash.js";
import { declarationsOf } from "../../../src/ruby/declarations.js";
import type { Config } from "../../../src/config/load.js";
import { visibleLine } from "../../helpers/edits.js";
import { appFiles, generated, MODELS, memorySnapshot, TEMPLATES, tempProject } from "./memory-app.js";

let root: string;
let config: Config;
let remove: () => void;
beforeAll(async () => ({ root, config, remove } = await tempProject()));
afterAll(() => remove());

const quiet = () => {};
const memory = () => ParseCache.open(null, quiet);

/** The app's files with `changes` applied (a null value deletes the file). */
function app(changes: Record<string, string | null> = {}): Map<string, string> {
  const files = new Map([...appFiles(), ...generated(MODELS)]);
  for (const [file, text] of Object.entries(changes)) {
    if (text === null) files.delete(file);
    else files.set(file, text);
  }
  return files;
}

async function analysis(changes: Record<string, string | null> = {}, options: { config?: Config; cache?: ParseCache } = {}): Promise<Analysis> {
  return analyze(options.config ?? config, memorySnapshot(root, app(changes)), options.cache ?? (await memory()), quiet);
}

const edit = (file: string, from: string, to: string) => {
  const text = appFiles().get(file)!;
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  return { [file]: text.replace(from, to) };
};

/** Tables whose fingerprint differs between two analyses. */
const changed = (a: Analysis, b: Analysis) => Object.keys({ ...a.tables, ...b.tables }).filter((t) => a.tables[t]?.fingerprint !== b.tables[t]?.fingerprint).sort();

describe("selectInputs", () => {
  it("picks the config's inputs from the snapshot's paths, sorted, and nothing else", () => {
    const inputs = selectInputs(config, memorySnapshot(root, app({ "app/models/admin/report.rb": "", "lib/tasks/x.rb": "", "db/migrate/old/x.rb": "", "frontend/.prettierrc.json": "{}" })));
    expect(inputs).toEqual({
      schema: "db/schema.rb",
      inflections: null,
      models: [
        "app/models/admin/report.rb",
        "app/models/application_record.rb",
        "app/models/client.rb",
        "app/models/concerns/notable.rb",
        "app/models/job.rb",
        "app/models/note.rb",
        "app/models/person.rb",
        "app/models/tag.rb",
      ],
      migrations: ["db/migrate/20240101000000_create_tags.rb"],
      templates: [`${TEMPLATES}/model.ts.tpl`],
      globalInputs: [".prettierrc", "frontend/.prettierrc.json", "lib/generators/zero/active_models/generator.rb"],
    });
  });

  it("names the inflections file only when the snapshot has it, and counts it as a global input", () => {
    const inputs = selectInputs(config, memorySnapshot(root, app({ "config/initializers/inflections.rb": "" })));
    expect(inputs.inflections).toBe("config/initializers/inflections.rb");
    expect(inputs.globalInputs).toContain("config/initializers/inflections.rb");
  });
});

describe("analyze", () => {
  it("finds each table's model, output paths and components; excluded tables are left out", async () => {
    const a = await analysis();
    expect(Object.keys(a.tables).sort()).toEqual(["clients", "jobs", "notes", "people", "tags"]);
    expect(a.excluded).toEqual(["solid_queue_jobs"]);
    expect(a.schemaVersion).toBe("20240501000000");
    expect(a.migrations).toEqual(["db/migrate/20240101000000_create_tags.rb"]);
    expect(Object.fromEntries(Object.entries(a.tables).map(([t, v]) => [t, v.model]))).toEqual({ clients: "Client", jobs: "Job", notes: "Note", people: "Person", tags: "Tag" });
    expect(a.tables.people!.outputs).toEqual(["frontend/src/lib/models/person.ts", "frontend/src/lib/models/reactive-person.ts", "frontend/src/lib/models/types/person-data.ts"]);
    expect(Object.keys(a.tables.jobs!.components)).toEqual([
      "schema jobs",
      "enum job_status",
      "model app/models/application_record.rb",
      "model app/models/concerns/notable.rb",
      "model app/models/job.rb",
      "neighbour schema clients",
      "neighbour model app/models/client.rb",
      "neighbour schema notes",
      "neighbour model app/models/note.rb",
    ]);
    expect(Object.keys(a.tables.tags!.components)).toEqual(["schema tags", "model app/models/application_record.rb", "model app/models/tag.rb"]);
    expect(Object.keys(a.global)).toEqual(["tool", "config", "templates", "global inputs", "schema preamble"]);
  });

  it("hashes each input file's content, and only input files; a model enters by its declarations, or its bytes", async () => {
    const a = await analysis();
    const job = appFiles().get("app/models/job.rb")!;
    expect(a.inputs["app/models/job.rb"]).toBe(sha256(job));
    expect(a.tables.jobs!.components["model app/models/job.rb"]).toBe((await declarationsOf(job, "job.rb")).hash);
    const bytes = await analysis({}, { config: { ...config, fingerprint: "bytes" } });
    expect(bytes.tables.jobs!.components["model app/models/job.rb"]).toBe(sha256(job));
    expect(Object.keys(a.inputs)).not.toContain("README.md");
    expect(Object.keys(a.inputs).some((f) => f.startsWith("frontend/"))).toBe(false);
  });

  it("gives the same fingerprints for the same inputs, whatever else changed and whichever cache", async () => {
    const a = await analysis();
    const b = await analysis({ "README.md": "# changed\n", "frontend/src/lib/models/job.ts": "// edited\n", "lib/tasks/x.rb": "x" });
    expect(changed(a, b)).toEqual([]);
    expect(b).toEqual(a);
  });

  it("changes a model's table and the tables that name it in an association", async () => {
    const base = await analysis();
    expect(changed(base, await analysis(edit("app/models/note.rb", "end", "  def x; end\nend")))).toEqual(["jobs", "notes", "people"]);
    expect(changed(base, await analysis(edit("app/models/client.rb", "end", "  def x; end\nend")))).toEqual(["clients", "jobs"]);
    expect(changed(base, await analysis(edit("app/models/tag.rb", "end", "  def x; end\nend")))).toEqual(["tags"]);
  });

  describe("fingerprint: declarations", () => {
    const bytes = () => ({ ...config, fingerprint: "bytes" }) as Config;
    const withMethod = edit("app/models/note.rb", "end", "  def label\n    title\n  end\nend");
    const invisible: Array<[string, Record<string, string>, Record<string, string>?]> = [
      ["a comment and blank lines in a model", edit("app/models/job.rb", "  belongs_to :client\n", "\n  # the client\n\n  belongs_to(:client) # inline\n")],
      ["a method body changed", { "app/models/note.rb": withMethod["app/models/note.rb"]!.replace("title", "title.upcase # louder") }, withMethod],
      ["a comment in a concern", edit("app/models/concerns/notable.rb", "  included do", "  # notes of anything\n  included do")],
      ["a comment and a blank line in a create_table block", edit("db/schema.rb", `    t.string "title", null: false\n`, `    t.string "title", null: false # shown\n\n`)],
      ["re-indented schema options", edit("db/schema.rb", `t.string "title", null: false`, `t.string("title",  null: false)`)],
    ];
    for (const [what, change, base = {}] of invisible) {
      it(`${what}: no table changes (every byte counts with fingerprint: bytes)`, async () => {
        expect(changed(await analysis(base), await analysis(change))).toEqual([]);
        expect(changed(await analysis(base, { config: bytes() }), await analysis(change, { config: bytes() })).length).toBeGreaterThan(0);
      });
    }

    it("a method added or removed is visible (respond_to?): its name is a declaration", async () => {
      expect(changed(await analysis(), await analysis(withMethod))).toEqual(["jobs", "notes", "people"]);
    });

    it("an instance method body inside a concern's included block is not an input; the block's declarations are", async () => {
      const withMethod = edit("app/models/concerns/notable.rb", "    has_many :notes, as: :notable\n", "    has_many :notes, as: :notable\n\n    def note_count\n      notes.size\n    end\n");
      const base = await analysis(withMethod);
      const body = { "app/models/concerns/notable.rb": withMethod["app/models/concerns/notable.rb"]!.replace("notes.size", "notes.count") };
      expect(changed(base, await analysis(body))).toEqual([]);
      const declaration = { "app/models/concerns/notable.rb": withMethod["app/models/concerns/notable.rb"]!.replace("as: :notable\n", "as: :notable, dependent: :destroy\n") };
      expect(changed(base, await analysis(declaration))).toEqual(["clients", "jobs", "notes", "people"]);
    });

    it("counts a file with class-level metaprogramming, or a concern some file extends, byte for byte, and says so", async () => {
      const meta = { "app/models/tag.rb": "class Tag < ApplicationRecord\n  define_method(:x) { 1 }\n  def y\n    1\n  end\nend\n" };
      const a = await analysis(meta);
      expect(a.notes).toContain("app/models/tag.rb: counted byte for byte (define_method at line 2)");
      expect(changed(a, await analysis({ "app/models/tag.rb": meta["app/models/tag.rb"].replace("    1\n  end\nend", "    2\n  end\nend") }))).toEqual(["tags"]);

      const extended = edit("app/models/tag.rb", "class Tag < ApplicationRecord\n", "class Tag < ApplicationRecord\n  extend Notable\n");
      const withMethod = { ...extended, ...edit("app/models/concerns/notable.rb", "  included do", "  def finder\n    1\n  end\n\n  included do") };
      const b = await analysis(withMethod);
      expect(b.notes).toContain("app/models/concerns/notable.rb: counted byte for byte (Notable extended or instantiated as a class loads: its method bodies may run then)");
      const body = { ...withMethod, "app/models/concerns/notable.rb": withMethod["app/models/concerns/notable.rb"]!.replace("    1\n", "    2\n") };
      expect(changed(b, await analysis(body))).toEqual(["clients", "jobs", "notes", "people"]);
    });

    it("counts a class some model instantiates as it loads byte for byte, with what it includes and inherits from", async () => {
      const settings = {
        "app/models/tag.rb": "class Tag < ApplicationRecord\n  LIMIT = Person.new.limit\nend\n",
        "app/models/person.rb": "class Person < ApplicationRecord\n  include Notable\n\n  def limit\n    10\n  end\nend\n",
      };
      const a = await analysis(settings);
      expect(a.notes).toContain("app/models/person.rb: counted byte for byte (Person extended or instantiated as a class loads: its method bodies may run then)");
      expect(a.notes).toContain("app/models/concerns/notable.rb: counted byte for byte (Notable extended or instantiated as a class loads: its method bodies may run then)");
      expect(a.notes).toContain("app/models/application_record.rb: counted byte for byte (ApplicationRecord extended or instantiated as a class loads: its method bodies may run then)");
      const body = { ...settings, "app/models/person.rb": settings["app/models/person.rb"].replace("    10\n", "    20\n") };
      expect(changed(a, await analysis(body))).toContain("people");
    });

    it("the setting is part of every fingerprint", async () => {
      expect(changed(await analysis(), await analysis({}, { config: bytes() }))).toEqual(["clients", "jobs", "notes", "people", "tags"]);
    });
  });

  it("changes every table made of an included concern or an ancestor, and their neighbours", async () => {
    const base = await analysis();
    expect(changed(base, await analysis(edit("app/models/concerns/notable.rb", "end\nend", `  end\n${visibleLine()}\nend`)))).toEqual(["clients", "jobs", "notes", "people"]);
    expect(changed(base, await analysis(edit("app/models/application_record.rb", "end", `${visibleLine()}\nend`)))).toEqual(["clients", "jobs", "notes", "people", "tags"]);
  });

  it("changes a table whose schema block changed and its neighbours, every user of a changed enum, and no table for an excluded block", async () => {
    const base = await analysis();
    expect(changed(base, await analysis(edit("db/schema.rb", `t.string "name", null: false`, `t.string "name"`)))).toEqual(["clients", "jobs"]);
    expect(changed(base, await analysis(edit("db/schema.rb", `create_table "tags", force: :cascade do |t|\n    t.string "name"`, `create_table "tags", force: :cascade do |t|\n    t.string "label"`)))).toEqual(["tags"]);
    expect(changed(base, await analysis(edit("db/schema.rb", `["open", "closed"]`, `["open", "closed", "held"]`)))).toEqual(["clients", "jobs", "notes"]);
    expect(changed(base, await analysis(edit("db/schema.rb", `t.string "queue_name"`, `t.string "queue"`)))).toEqual([]);
  });

  it("links tables by foreign key when cascading by foreign keys, and not at all with none", async () => {
    const clientEdit = edit("db/schema.rb", `t.string "name", null: false`, `t.string "name"`);
    const none = { ...config, cascade: "none" } as Config;
    const alone = await analysis({}, { config: none });
    expect(Object.keys(alone.tables.jobs!.components).filter((c) => c.startsWith("neighbour"))).toEqual([]);
    expect(changed(alone, await analysis(clientEdit, { config: none }))).toEqual(["clients"]);

    const fk = { ...config, cascade: "foreign-keys" } as Config;
    const linked = await analysis({}, { config: fk });
    expect(Object.keys(linked.tables.jobs!.components).filter((c) => c.startsWith("neighbour"))).toEqual(["neighbour schema clients", "neighbour model app/models/client.rb"]);
    expect(changed(linked, await analysis(edit("app/models/note.rb", "end", `${visibleLine()}\nend`), { config: fk }))).toEqual(["notes"]);
  });

  it("changes every table for a template, a global input, the inflections, the schema preamble or the generator config", async () => {
    const base = await analysis();
    const all = ["clients", "jobs", "notes", "people", "tags"];
    const cases: Array<[string, Analysis]> = [
      ["templates", await analysis({ [`${TEMPLATES}/model.ts.tpl`]: "changed" })],
      ["templates", await analysis({ [`${TEMPLATES}/extra/new.tpl`]: "new" })],
      ["global inputs", await analysis({ ".prettierrc": '{ "semi": false }\n' })],
      ["global inputs", await analysis({ "lib/generators/zero/active_models/generator.rb": null })],
      ["schema preamble", await analysis(edit("db/schema.rb", `enable_extension "pg_catalog.plpgsql"`, `enable_extension "citext"`))],
      ["config", await analysis({}, { config: { ...config, generator: { all: ["other"] } } })],
      ["config", await analysis({}, { config: { ...config, outputs: { ...config.outputs, perTable: [...config.outputs.perTable, "x/{table}.ts"] } } })],
    ];
    for (const [key, a] of cases) {
      expect(changed(base, a), key).toEqual(all);
      expect(Object.keys(a.global).filter((k) => a.global[k] !== base.global[k]), key).toEqual([key]);
    }
    const inflected = await analysis({ "config/initializers/inflections.rb": "ActiveSupport::Inflector.inflections(:en) do |inflect|\nend\n" });
    expect(changed(base, inflected)).toEqual(all);
    // The inflections file has a global component of its own, not part of "global inputs".
    expect(inflected.global.inflections).toBe(inflected.inputs["config/initializers/inflections.rb"]);
    expect(inflected.global["global inputs"]).toBe(base.global["global inputs"]);
  });

  it("keeps the fingerprints when the migrations, the schema version or non-generator config change", async () => {
    const base = await analysis();
    const a = await analysis({
      "db/migrate/20240601000000_add_color_to_tags.rb": "class AddColorToTags < ActiveRecord::Migration[8.0]\n  def change\n    add_column :tags, :color, :string\n  end\nend\n",
      ...edit("db/schema.rb", "2024_05_01_000000", "2024_06_01_000000"),
    });
    expect(changed(base, a)).toEqual([]);
    expect(a.schemaVersion).toBe("20240601000000");
    expect(a.migrations).toHaveLength(2);
    expect(changed(base, await analysis({}, { config: { ...config, hooks: { ...config.hooks, preCommit: "fix" }, lockTimeoutMs: 1 } }))).toEqual([]);
    // A full run writes the same per-table files whatever subset commands or shared files are configured:
    // removing a broken adapter, or naming a shared file, must not regenerate every table.
    const adapters = { ...config, generator: { all: config.generator.all }, outputs: { ...config.outputs, shared: [...config.outputs.shared, "x/names.ts"] } };
    expect(changed(base, await analysis({}, { config: adapters }))).toEqual([]);
  });

  it("drops a table removed from the schema, and adds a new one", async () => {
    const base = await analysis();
    const without = await analysis(edit("db/schema.rb", `  create_table "tags", force: :cascade do |t|\n    t.string "name"\n  end\n\n`, ""));
    expect(Object.keys(without.tables)).not.toContain("tags");
    expect(changed(base, without)).toEqual(["tags"]);
    const added = await analysis(edit("db/schema.rb", `  add_foreign_key`, `  create_table "widgets", force: :cascade do |t|\n  end\n\n  add_foreign_key`));
    expect(added.tables.widgets!.model).toBe("Widget");
    expect(changed(base, added)).toEqual(["widgets"]);
  });

  it("refuses a snapshot without the schema file", async () => {
    const error = await analysis({ "db/schema.rb": null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe("db/schema.rb");
    expect((error as Error).message).toMatch(/schema file not found/);
  });

  it("reads only the files the parse cache does not know", async () => {
    const cache = await memory();
    const first = memorySnapshot(root, app());
    await analyze(config, first, cache, quiet);
    expect(first.reads.flat().sort()).toEqual(
      ["db/schema.rb", "app/models/application_record.rb", "app/models/client.rb", "app/models/concerns/notable.rb", "app/models/job.rb", "app/models/note.rb", "app/models/person.rb", "app/models/tag.rb"].sort(),
    );
    const second = memorySnapshot(root, app(edit("app/models/tag.rb", "end", `${visibleLine()}\nend`)));
    await analyze(config, second, cache, quiet);
    expect(second.reads.flat()).toEqual(["app/models/tag.rb"]);
  });

  it("reuses the last analysis of a view, reading nothing, when nothing it was made from changed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "zero-models-analysis-cache-"));
    try {
      const first = await ParseCache.open(dir, quiet);
      const made = await analyze(config, memorySnapshot(root, app()), first, quiet);
      await first.save();

      const again = memorySnapshot(root, app({ "README.md": "other" }));
      expect(await analyze(config, again, await ParseCache.open(dir, quiet), quiet)).toEqual(made);
      expect(again.reads).toEqual([]);
      // Another view has its own analysis.
      const index = memorySnapshot(root, app(), "index");
      await analyze(config, index, await ParseCache.open(dir, quiet), quiet);
      // Parsed facts come from parsed/; a whole parsed schema is not kept (it is rebuilt from its cached statements).
      expect(index.reads.flat()).toEqual(["db/schema.rb"]);
      const other = memorySnapshot(root, app({ "app/models/tag.rb": `class Tag < ApplicationRecord\n${visibleLine()}\nend\n` }));
      const changedAnalysis = await analyze(config, other, await ParseCache.open(dir, quiet), quiet);
      // schema.rb did not change since the last analysis of this view: only the changed model is read.
      expect(other.reads.flat()).toEqual(["app/models/tag.rb"]);
      expect(changed(made, changedAnalysis)).toEqual(["tags"]);
      // Parsed facts alone would not notice a new file: the reused analysis must not hide one.
      const withNew = memorySnapshot(root, app({ "app/models/widget.rb": "class Widget < ApplicationRecord\nend\n" }));
      expect((await analyze(config, withNew, await ParseCache.open(dir, quiet), quiet)).inputs).toHaveProperty(["app/models/widget.rb"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("notes models it cannot resolve statically, and counts every table as a dynamic association's neighbour", async () => {
    const a = await analysis({ "app/models/tag.rb": "class Tag < ApplicationRecord\n  has_many :things, class_name: name_for(:things)\nend\n" });
    expect(a.notes).toEqual([expect.stringMatching(/^Tag\.has_many :things names its class dynamically .*every table counts as its neighbour/)]);
    expect(Object.keys(a.tables.tags!.components).filter((c) => c.startsWith("neighbour schema")).sort()).toEqual(
      // Excluded tables too: they are in the schema, so they count as neighbours.
      ["neighbour schema clients", "neighbour schema jobs", "neighbour schema notes", "neighbour schema people", "neighbour schema solid_queue_jobs"],
    );
    expect(a.tables.people!.components).toHaveProperty(["neighbour model app/models/tag.rb"]);
  });
});
