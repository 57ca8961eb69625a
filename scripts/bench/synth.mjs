// Synthesizes a Rails-shaped app of N tables for the benchmark (scripts/bench.mjs):
// db/schema.rb in the Rails 8 dumper's format, app/models with associations and
// concerns, db/migrate, and the example app's stand-in generator (bin/, lib/,
// config/, .zeromodelsrc.json). Deterministic: the same N gives the same app.
//
// Shape (per N tables):
//   - "accounts" is the hub: exactly min(20, N - 2) models `belongs_to :account`
//     (the cascade measurement changes app/models/account.rb);
//   - "notes" is polymorphic (`belongs_to :notable, polymorphic: true`), reached
//     through the Notable concern that ~3% of models include;
//   - every other model belongs_to 1 earlier table (80%), 2 (10%) or none, and each
//     target declares the has_many back: ~2 associations per model;
//   - concerns Archivable (~20% of models), Searchable (~10%), Trackable (~15%),
//     Notable (~3%); an enum used by ~2% of tables;
//   - ~1.5 migrations per table (a create_table each, add_column for half), all
//     older than schema.rb's version (none pending);
//   - the last table ("leaf") belongs_to one table and nothing references it:
//     the one-column change goes there.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const PREFIXES = [
  "billing", "shipping", "customer", "vendor", "project", "support", "inventory", "payroll", "marketing", "sales",
  "finance", "legal", "warehouse", "fleet", "partner", "campaign", "catalog", "checkout", "compliance", "content",
  "delivery", "dispatch", "employee", "facility", "forecast", "fulfillment", "hiring", "insurance", "ledger", "loyalty",
  "maintenance", "onboarding", "pricing", "procurement", "quality", "referral", "rental", "research", "review", "security",
  "service", "storage", "survey", "tax", "training", "travel", "treasury", "tutoring", "venue", "workflow",
];
const NOUNS = [
  "record", "item", "event", "report", "ticket", "order", "invoice", "payment", "message", "document",
  "task", "rule", "setting", "profile", "contract", "request", "schedule", "token", "session", "subscription",
  "plan", "product", "price", "discount", "coupon", "shipment", "route", "region", "team", "member",
  "role", "permission", "attachment", "label", "metric", "snapshot", "template", "webhook", "export", "channel",
];

const camel = (snake) => snake.split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("");

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATA_COLUMNS = [
  (t) => `t.string "name", null: false`,
  (t) => `t.text "description"`,
  (t) => `t.integer "position", default: 0, null: false`,
  (t) => `t.boolean "active", default: true, null: false`,
  (t) => `t.decimal "amount", precision: 10, scale: 2`,
  (t) => `t.date "starts_on"`,
  (t) => `t.datetime "archived_at"`,
  (t) => `t.jsonb "metadata", default: {}, null: false`,
  (t) => `t.string "code"`,
  (t) => `t.string "tags", default: [], array: true`,
  (t) => `t.integer "quantity"`,
  (t) => `t.string "email"`,
];

const SCHEMA_VERSION = "2025_06_30_120000";

/**
 * Writes the app into `dir` (which must exist) and returns what the benchmark
 * needs to know about it.
 */
export function synthesizeApp(dir, n, { example, seed = 42 } = {}) {
  if (n < 3) throw new Error("at least 3 tables");
  if (n > PREFIXES.length * NOUNS.length + 2) throw new Error(`at most ${PREFIXES.length * NOUNS.length + 2} tables`);
  const rnd = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];

  // Model names: a deterministic shuffle of prefix x noun.
  const combos = [];
  for (const p of PREFIXES) for (const w of NOUNS) combos.push(`${p}_${w}`);
  for (let i = combos.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [combos[i], combos[j]] = [combos[j], combos[i]];
  }
  const singulars = ["account", "note", ...combos.slice(0, n - 2)];
  const tables = singulars.map((s, i) => ({
    index: i,
    singular: s,
    table: `${s}s`,
    className: camel(s),
    belongsTo: [],
    hasMany: [],
    concerns: [],
    columns: [],
    enum: false,
  }));
  const [hub, notes] = tables;
  const hubRefs = Math.min(20, n - 2);
  const leaf = tables[n - 1];

  for (let i = 2; i < n; i++) {
    const t = tables[i];
    if (i < 2 + hubRefs) t.belongsTo.push(hub);
    const candidates = tables.slice(2 + hubRefs, i);
    const r = rnd();
    const wanted = t === leaf ? 1 : r < 0.1 ? 2 : r < 0.9 ? 1 : 0;
    // Tables referencing the hub already have one parent; give them at most one more.
    const count = i < 2 + hubRefs ? (rnd() < 0.25 ? 1 : 0) : wanted;
    for (let k = 0; k < count && candidates.length > 0; k++) {
      const parent = pick(candidates);
      if (!t.belongsTo.includes(parent)) t.belongsTo.push(parent);
    }
    if (t === leaf && t.belongsTo.length === 0) t.belongsTo.push(i - 1 >= 2 ? tables[i - 1] : hub);
    for (const parent of t.belongsTo) parent.hasMany.push(t);
    if (t !== leaf) {
      if (rnd() < 0.2) t.concerns.push("Archivable");
      if (rnd() < 0.1) t.concerns.push("Searchable");
      if (rnd() < 0.15) t.concerns.push("Trackable");
      if (rnd() < 0.03) t.concerns.push("Notable");
      if (rnd() < 0.02) t.enum = true;
    }
    const k = 3 + Math.floor(rnd() * 6);
    const cols = new Set([0]);
    while (cols.size < k) cols.add(Math.floor(rnd() * DATA_COLUMNS.length));
    t.columns = [...cols].sort((a, b) => a - b).map((c) => DATA_COLUMNS[c](t));
  }
  hub.columns = [DATA_COLUMNS[0](hub), `t.string "plan", default: "free", null: false`, DATA_COLUMNS[3](hub)];

  // ---- example app's generator, config, inflections --------------------------
  for (const part of ["bin", "lib", "config", ".zeromodelsrc.json", ".gitignore", "Gemfile"]) {
    cpSync(path.join(example, part), path.join(dir, part), { recursive: true });
  }
  writeFileSync(path.join(dir, "README.md"), `# Synthetic app (${n} tables)\n\nMade by zero-models' scripts/bench.mjs.\n`);

  // ---- db/schema.rb ----------------------------------------------------------
  const out = [];
  out.push(
    "# This file is auto-generated from the current state of the database. Instead",
    "# of editing this file, please use the migrations feature of Active Record to",
    "# incrementally modify your database, and then regenerate this schema definition.",
    "#",
    "# It's strongly recommended that you check this file into your version control system.",
    "",
    `ActiveRecord::Schema[8.0].define(version: ${SCHEMA_VERSION}) do`,
    "  # These are extensions that must be enabled in order to support this database",
    '  enable_extension "pg_catalog.plpgsql"',
    "",
    "  # Custom types defined in this database.",
    "  # Note that some types may not work with other database engines. Be careful if changing database.",
    '  create_enum "priority_level", ["low", "normal", "high", "urgent"]',
    "",
  );
  const fks = [];
  for (const t of [...tables].sort((a, b) => (a.table < b.table ? -1 : 1))) {
    out.push(`  create_table "${t.table}", force: :cascade do |t|`);
    const body = [];
    for (const p of t.belongsTo) body.push([`${p.singular}_id`, `t.bigint "${p.singular}_id", null: false`]);
    if (t === notes) {
      body.push(["notable_type", `t.string "notable_type", null: false`], ["notable_id", `t.bigint "notable_id", null: false`], ["body", `t.text "body", null: false`]);
    }
    for (const c of t.columns) body.push([/"([^"]+)"/.exec(c)[1], c]);
    if (t.enum) body.push(["priority", `t.enum "priority", default: "normal", null: false, enum_type: "priority_level"`]);
    body.push(["created_at", `t.datetime "created_at", null: false`], ["updated_at", `t.datetime "updated_at", null: false`]);
    for (const [, line] of body) out.push(`    ${line}`);
    const indexes = [];
    for (const p of t.belongsTo) indexes.push(`t.index ["${p.singular}_id"], name: "index_${t.table}_on_${p.singular}_id"`);
    if (t === notes) indexes.push(`t.index ["notable_type", "notable_id"], name: "index_notes_on_notable"`);
    if (t.columns.some((c) => c.includes('"code"'))) indexes.push(`t.index ["code"], name: "index_${t.table}_on_code", unique: true`);
    for (const line of indexes.sort()) out.push(`    ${line}`);
    out.push("  end", "");
    for (const p of t.belongsTo) fks.push(`  add_foreign_key "${t.table}", "${p.table}"`);
  }
  out.push(...fks.sort(), "end", "");
  mkdirSync(path.join(dir, "db/migrate"), { recursive: true });
  writeFileSync(path.join(dir, "db/schema.rb"), out.join("\n"));

  // ---- db/migrate ------------------------------------------------------------
  const migrations = [];
  for (const t of tables) {
    migrations.push({ name: `create_${t.table}`, body: createMigration(t) });
    if (rnd() < 0.5 && t.columns.length > 1) {
      const col = t.columns[t.columns.length - 1];
      const [, type, name] = /^t\.(\w+) "([^"]+)"/.exec(col);
      migrations.push({ name: `add_${name}_to_${t.table}`, body: `    add_column :${t.table}, :${name}, :${type}\n` });
    }
  }
  const start = Date.UTC(2020, 0, 1);
  const end = Date.UTC(2025, 5, 30, 12, 0, 0);
  const step = Math.floor((end - start) / (migrations.length + 1) / 1000) * 1000;
  migrations.forEach((m, i) => {
    const stamp = new Date(start + step * (i + 1)).toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const klass = camel(m.name);
    writeFileSync(
      path.join(dir, "db/migrate", `${stamp}_${m.name}.rb`),
      `class ${klass} < ActiveRecord::Migration[8.0]\n  def change\n${m.body}  end\nend\n`,
    );
  });

  // ---- app/models --------------------------------------------------------------
  const models = path.join(dir, "app/models");
  mkdirSync(path.join(models, "concerns"), { recursive: true });
  writeFileSync(path.join(models, "application_record.rb"), "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n");
  writeFileSync(
    path.join(models, "concerns/archivable.rb"),
    "module Archivable\n  extend ActiveSupport::Concern\n\n  included do\n    scope :archived, -> { where.not(archived_at: nil) }\n    scope :kept, -> { where(archived_at: nil) }\n  end\n\n  def archive!\n    update!(archived_at: Time.current)\n  end\nend\n",
  );
  writeFileSync(
    path.join(models, "concerns/searchable.rb"),
    'module Searchable\n  extend ActiveSupport::Concern\n\n  class_methods do\n    def search(term)\n      where("name ILIKE ?", "%#{sanitize_sql_like(term)}%")\n    end\n  end\nend\n',
  );
  writeFileSync(
    path.join(models, "concerns/trackable.rb"),
    "module Trackable\n  extend ActiveSupport::Concern\n\n  included do\n    after_commit :track_change\n  end\n\n  def track_change\n    Rails.logger.info(\"#{self.class.name} #{id} changed\")\n  end\nend\n",
  );
  writeFileSync(
    path.join(models, "concerns/notable.rb"),
    "module Notable\n  extend ActiveSupport::Concern\n\n  included do\n    has_many :notes, as: :notable, dependent: :destroy\n  end\n\n  def pinned_notes\n    notes.order(created_at: :desc)\n  end\nend\n",
  );
  for (const t of tables) writeFileSync(path.join(models, `${t.singular}.rb`), modelSource(t, t === notes));

  const staged = tables[Math.min(n - 2, 2 + hubRefs + Math.floor((n - 2 - hubRefs) / 2))];
  return {
    tables: n,
    hub: { table: hub.table, model: `app/models/${hub.singular}.rb`, referencedBy: hubRefs },
    leaf: { table: leaf.table, neighbours: leaf.belongsTo.map((p) => p.table) },
    stagedModel: `app/models/${staged.singular}.rb`,
    files: { models: tables.length + 5, migrations: migrations.length },
    associations: tables.reduce((s, t) => s + t.belongsTo.length + t.hasMany.length, 0) + (notes ? 1 : 0),
  };
}

function createMigration(t) {
  const lines = [`    create_table :${t.table} do |t|`];
  for (const p of t.belongsTo) lines.push(`      t.references :${p.singular}, null: false, foreign_key: true`);
  for (const c of t.columns) lines.push(`      ${c.replace(/^t\.(\w+) "([^"]+)"/, "t.$1 :$2")}`);
  lines.push("", "      t.timestamps", "    end");
  return `${lines.join("\n")}\n`;
}

function modelSource(t, isNotes) {
  const lines = [`class ${t.className} < ApplicationRecord`];
  if (t.concerns.length) lines.push(...t.concerns.map((c) => `  include ${c}`), "");
  if (isNotes) lines.push("  belongs_to :notable, polymorphic: true");
  for (const p of t.belongsTo) lines.push(`  belongs_to :${p.singular}`);
  for (const c of t.hasMany) lines.push(`  has_many :${c.table}, dependent: :destroy`);
  if (t.enum) lines.push("", '  enum :priority, { low: "low", normal: "normal", high: "high", urgent: "urgent" }, default: :normal');
  lines.push("", "  validates :name, presence: true");
  if (t.columns.some((c) => c.includes('"code"'))) lines.push("  validates :code, uniqueness: true, allow_nil: true");
  lines.push("", "  scope :recent, -> { order(created_at: :desc) }", "", "  def display_name", '    "#{name} (#{id})"', "  end", "end", "");
  return lines.join("\n");
}
