import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "../../../src/config/load.js";
import { sha256 } from "../../../src/common/hash.js";
import type { Snapshot, View } from "../../../src/inputs/snapshot.js";
import type { Analysis } from "../../../src/staleness/analyze.js";
import { FINGERPRINT_VERSION } from "../../../src/common/version.js";
import { componentTags, LOCK_VERSION, shortHashes, type Lock } from "../../../src/staleness/lock.js";

/**
 * Support for the staleness unit tests (not a test file): a small Rails app
 * held in memory, a Snapshot over it that records what is read, and the lock
 * `generate` would write after generating every table of an analysis.
 */

export const SCHEMA = `# This file is auto-generated from the current state of the database.

ActiveRecord::Schema[8.0].define(version: 2024_05_01_000000) do
  enable_extension "pg_catalog.plpgsql"

  create_enum "job_status", ["open", "closed"]

  create_table "clients", force: :cascade do |t|
    t.string "name", null: false
  end

  create_table "jobs", force: :cascade do |t|
    t.bigint "client_id", null: false
    t.string "title", null: false
    t.enum "status", default: "open", null: false, enum_type: "job_status"
    t.index ["client_id"], name: "index_jobs_on_client_id"
  end

  create_table "notes", force: :cascade do |t|
    t.string "notable_type"
    t.bigint "notable_id"
    t.text "body"
  end

  create_table "people", force: :cascade do |t|
    t.string "first_name"
  end

  create_table "solid_queue_jobs", force: :cascade do |t|
    t.string "queue_name"
  end

  create_table "tags", force: :cascade do |t|
    t.string "name"
  end

  add_foreign_key "jobs", "clients"
end
`;

export const TEMPLATES = "lib/generators/zero/active_models/templates";
export const OUT = "frontend/src/lib/models";

/** The app's inputs; outputs are added by `generated`. */
export function appFiles(): Map<string, string> {
  return new Map([
    ["db/schema.rb", SCHEMA],
    ["app/models/application_record.rb", "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n"],
    ["app/models/client.rb", "class Client < ApplicationRecord\n  has_many :jobs\nend\n"],
    ["app/models/job.rb", "class Job < ApplicationRecord\n  include Notable\n  belongs_to :client\nend\n"],
    ["app/models/note.rb", "class Note < ApplicationRecord\n  belongs_to :notable, polymorphic: true\nend\n"],
    ["app/models/person.rb", "class Person < ApplicationRecord\n  include Notable\nend\n"],
    ["app/models/tag.rb", "class Tag < ApplicationRecord\nend\n"],
    ["app/models/concerns/notable.rb", "module Notable\n  extend ActiveSupport::Concern\n\n  included do\n    has_many :notes, as: :notable\n  end\nend\n"],
    ["db/migrate/20240101000000_create_tags.rb", "class CreateTags < ActiveRecord::Migration[8.0]\n  def change\n    create_table :tags do |t|\n      t.string :name\n    end\n  end\nend\n"],
    [`${TEMPLATES}/model.ts.tpl`, "export class <%= model %> {}\n"],
    ["lib/generators/zero/active_models/generator.rb", "# the generator\n"],
    [".prettierrc", "{}\n"],
    ["README.md", "# app\n"],
  ]);
}

/** What the generator writes for each table of `tables` (model name in kebab case), and the shared index. */
export function generated(models: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [table, kebab] of Object.entries(models)) {
    out.set(`${OUT}/${kebab}.ts`, `// ${table}\n`);
    out.set(`${OUT}/reactive-${kebab}.ts`, `// reactive ${table}\n`);
    out.set(`${OUT}/types/${kebab}-data.ts`, `// ${table} data\n`);
  }
  out.set(`${OUT}/index.ts`, `// ${Object.keys(models).join(", ")}\n`);
  return out;
}

export const MODELS = { clients: "client", jobs: "job", notes: "note", people: "person", tags: "tag" };

export interface MemorySnapshot extends Snapshot {
  files: Map<string, string | Buffer>;
  /** Every read() call's paths, in order. */
  reads: string[][];
}

export function memorySnapshot(root: string, files: Map<string, string | Buffer>, view: View = "worktree"): MemorySnapshot {
  const reads: string[][] = [];
  const touched = new Set<string>();
  const bytes = (p: string) => {
    const v = files.get(p);
    return v === undefined ? undefined : Buffer.from(v);
  };
  return {
    view,
    root,
    paths: [...files.keys()].sort(),
    listing: { index: "", differing: "", asked: { root, view, bases: null, cacheDir: "tmp/zero-models" } },
    files,
    reads,
    async read(paths) {
      reads.push([...paths]);
      for (const p of paths) touched.add(p);
      const out = new Map<string, Buffer>();
      for (const p of paths) {
        const b = bytes(p);
        if (b) out.set(p, b);
      }
      return out;
    },
    async hashes(paths) {
      for (const p of paths) touched.add(p);
      return new Map(paths.map((p) => [p, files.has(p) ? sha256(bytes(p)!) : null]));
    },
    touched: () => [...touched],
  };
}

/** The lock `generate` writes after generating every table of `analysis` into `snapshot`'s files. */
export async function lockAfterGenerate(config: Config, snapshot: Snapshot, analysis: Analysis): Promise<Lock> {
  const tables: Lock["tables"] = {};
  for (const [table, t] of Object.entries(analysis.tables)) {
    const hashes = await snapshot.hashes(t.outputs);
    tables[table] = { model: t.model, fingerprint: t.fingerprint, components: componentTags(t.components), outputs: Object.fromEntries(t.outputs.map((f) => [f, hashes.get(f) ?? null])) };
  }
  const shared = await snapshot.hashes(config.outputs.shared);
  return {
    version: LOCK_VERSION,
    fingerprintVersion: FINGERPRINT_VERSION,
    perTable: config.outputs.perTable,
    global: shortHashes(analysis.global),
    inputs: shortHashes(analysis.inputs),
    tables,
    shared: Object.fromEntries(config.outputs.shared.map((f) => [f, shared.get(f) ?? null])),
  };
}

/**
 * A temp folder that is an empty git repository (so the few questions
 * makePlan may ask git, about ORIG_HEAD and HEAD, have an answer), with the
 * default config loaded for it.
 */
export async function tempProject(): Promise<{ root: string; config: Config; remove: () => void }> {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-staleness-")));
  execFileSync("git", ["init", "-q"], { cwd: root });
  const config = await loadConfig(root, root);
  return { root, config, remove: () => rmSync(root, { recursive: true, force: true }) };
}
