import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createInflector } from "../../../src/ruby/inflector.js";
import { buildAppModel, type Cascade } from "../../../src/rails/app-model.js";
import { parseInflections } from "../../../src/ruby/inflections.js";
import { parseModelFile } from "../../../src/ruby/models.js";
import { parseSchema } from "../../../src/ruby/schema.js";
import type { RubyFileFacts } from "../../../src/ruby/types.js";
import { EXAMPLE } from "../../helpers/repo.js";

const read = (file: string) => readFileSync(path.join(EXAMPLE, file), "utf8");

function modelFiles(dir = "app/models"): string[] {
  return readdirSync(path.join(EXAMPLE, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modelFiles(`${dir}/${e.name}`) : e.name.endsWith(".rb") ? [`${dir}/${e.name}`] : [],
  );
}

async function exampleApp(cascade: Cascade, override: Record<string, string> = {}) {
  const source = (file: string) => override[file] ?? read(file);
  const schema = await parseSchema(source("db/schema.rb"), "db/schema.rb");
  const sources = new Map<string, RubyFileFacts>();
  for (const file of modelFiles()) sources.set(file, await parseModelFile(source(file), file));
  const inflector = createInflector(await parseInflections(read("config/initializers/inflections.rb"), "config/initializers/inflections.rb"));
  return buildAppModel(schema, sources, inflector, cascade);
}

describe("buildAppModel on the example app", () => {
  it("maps every model class to its table the way Rails does", async () => {
    const app = await exampleApp("associations");
    expect(Object.fromEntries(app.modelOf)).toEqual({
      activity_events: "ActivityEvent", // no model file: classify(table)
      admin_audit_logs: "Admin::AuditLog", // module table_name_prefix
      cacti: "Cactus", // custom irregular from inflections.rb
      clients: "Client",
      equipment: "Equipment", // uncountable
      job_assignments: "JobAssignment", // STI base, not LeadAssignment
      jobs: "Job",
      notes: "Note",
      people: "Person", // built-in irregular
      taggings: "Tagging",
      tags: "Tag",
    });
  });

  it("counts STI subclasses, abstract ancestors, namespaces and concerns as part of a model", async () => {
    const app = await exampleApp("associations");
    expect(app.filesOf.get("job_assignments")).toEqual([
      "app/models/application_record.rb",
      "app/models/job_assignment.rb",
      "app/models/lead_assignment.rb",
    ]);
    expect(app.filesOf.get("people")).toEqual(["app/models/application_record.rb", "app/models/concerns/notable.rb", "app/models/person.rb"]);
    expect(app.filesOf.get("admin_audit_logs")).toEqual(["app/models/admin/audit_log.rb", "app/models/application_record.rb"]);
    expect(app.filesOf.has("activity_events")).toBe(false);
  });

  it("links tables by associations in both directions, through source:, class_name: and polymorphic as:", async () => {
    const app = await exampleApp("associations");
    expect(app.neighbours.get("people")).toEqual(["admin_audit_logs", "job_assignments", "jobs", "notes"]);
    expect(app.neighbours.get("notes")).toEqual(["jobs", "people"]);
    expect(app.neighbours.get("tags")).toEqual(["jobs", "taggings"]);
    expect(app.neighbours.has("cacti")).toBe(false);
  });

  it("follows a new `as:` declaration to the polymorphic target", async () => {
    const client = read("app/models/client.rb").replace(/^class Client < ApplicationRecord\n/m, "class Client < ApplicationRecord\n  has_many :notes, as: :notable\n");
    const app = await exampleApp("associations", { "app/models/client.rb": client });
    expect(app.neighbours.get("notes")).toEqual(["clients", "jobs", "people"]);
  });

  it("counts the files of a model whose table left the schema for the tables its associations name", async () => {
    // Found by the differential test (seed 20240601, history 114): the equipment table renamed without
    // self.table_name, then `include Notable` added to Equipment; the generator lists Equipment in
    // Note's polymorphic notable_type, so equipment.rb is an input of notes although it has no table.
    const schema = read("db/schema.rb").replaceAll('"equipment"', '"sprockets"');
    const equipment = read("app/models/equipment.rb").replace(/^class Equipment < ApplicationRecord\n/m, "class Equipment < ApplicationRecord\n  include Notable\n");
    const app = await exampleApp("associations", { "db/schema.rb": schema, "app/models/equipment.rb": equipment });
    expect(app.strangers.get("notes")).toEqual(["app/models/application_record.rb", "app/models/concerns/notable.rb", "app/models/equipment.rb"]);
    expect(app.neighbours.get("notes")).toEqual(["jobs", "people"]);
    expect(app.strangers.has("sprockets")).toBe(false);
  });

  it("with cascade foreign-keys, links by add_foreign_key and *_id columns only", async () => {
    const app = await exampleApp("foreign-keys");
    expect(app.neighbours.get("people")).toEqual(["admin_audit_logs", "job_assignments"]);
    expect(app.neighbours.get("notes")).toBeUndefined();
  });

  it("with cascade none, has no neighbours", async () => {
    expect((await exampleApp("none")).neighbours.size).toBe(0);
  });

  it("makes every table a neighbour of an association it cannot resolve statically", async () => {
    const tag = read("app/models/tag.rb").replace(/^class Tag < ApplicationRecord\n/m, "class Tag < ApplicationRecord\n  has_many :things, class_name: ENV.fetch(\"THING\")\n");
    const app = await exampleApp("associations", { "app/models/tag.rb": tag });
    expect(app.neighbours.get("tags")).toHaveLength(10);
    expect(app.notes.some((n) => n.includes("Tag.has_many :things names its class dynamically"))).toBe(true);
  });
});

/** An app from model sources and the names of its schema's tables. */
async function smallApp(files: Record<string, string>, tables: string[]) {
  const schemaText = `ActiveRecord::Schema[8.0].define(version: 1) do\n${tables.map((t) => `  create_table "${t}" do |t|\n  end\n`).join("")}end\n`;
  const schema = await parseSchema(schemaText, "db/schema.rb");
  const sources = new Map<string, RubyFileFacts>();
  const all = { "app/models/application_record.rb": "class ApplicationRecord < ActiveRecord::Base\n  self.abstract_class = true\nend\n", ...files };
  for (const [file, text] of Object.entries(all)) sources.set(file, await parseModelFile(text, file));
  return buildAppModel(schema, sources, createInflector(), "associations");
}

describe("buildAppModel maps classes and associations as ActiveRecord does", () => {
  it("counts an STI subclass with its own table_name for that table, not its base class's", async () => {
    const app = await smallApp(
      {
        "app/models/vehicle.rb": "class Vehicle < ApplicationRecord\nend\n",
        "app/models/truck.rb": 'class Truck < Vehicle\n  self.table_name = "trucks"\nend\n',
      },
      ["trucks", "vehicles"],
    );
    expect(app.modelOf.get("trucks")).toBe("Truck");
    expect(app.filesOf.get("trucks")).toEqual(["app/models/application_record.rb", "app/models/truck.rb", "app/models/vehicle.rb"]);
    expect(app.filesOf.get("vehicles")).toEqual(["app/models/application_record.rb", "app/models/vehicle.rb"]);
  });

  it("links the class a namespaced model's association finds in its own namespace, not the top-level one", async () => {
    const app = await smallApp(
      {
        "app/models/billing.rb": 'module Billing\n  def self.table_name_prefix\n    "billing_"\n  end\nend\n',
        "app/models/billing/invoice.rb": "class Billing::Invoice < ApplicationRecord\n  has_many :discounts\n  has_and_belongs_to_many :promotions, class_name: \"Discount\"\nend\n",
        "app/models/billing/discount.rb": "class Billing::Discount < ApplicationRecord\nend\n",
        "app/models/discount.rb": "class Discount < ApplicationRecord\nend\n",
      },
      ["billing_discounts", "billing_discounts_invoices", "billing_invoices", "discounts"],
    );
    expect(app.neighbours.get("billing_invoices")).toEqual(["billing_discounts", "billing_discounts_invoices"]);
    expect(app.neighbours.get("discounts")).toBeUndefined();
  });

  it("links a has_and_belongs_to_many join table named with the common prefix written once", async () => {
    const app = await smallApp(
      {
        "app/models/user_group.rb": "class UserGroup < ApplicationRecord\n  has_and_belongs_to_many :user_roles\nend\n",
        "app/models/user_role.rb": "class UserRole < ApplicationRecord\nend\n",
      },
      ["user_groups", "user_groups_roles", "user_roles"],
    );
    expect(app.neighbours.get("user_groups")).toEqual(["user_groups_roles", "user_roles"]);
  });

  it("counts a model whose table name is computed at run time for every table", async () => {
    const app = await smallApp(
      {
        "app/models/legacy.rb": 'class Legacy < ApplicationRecord\n  self.table_name = ENV.fetch("LEGACY_TABLE")\n  has_many :notes\nend\n',
        "app/models/note.rb": "class Note < ApplicationRecord\nend\n",
      },
      ["notes", "widgets"],
    );
    expect(app.filesOf.get("widgets")).toEqual(["app/models/application_record.rb", "app/models/legacy.rb"]);
    expect(app.filesOf.get("notes")).toContain("app/models/legacy.rb");
    expect(app.neighbours.get("widgets")).toEqual(["notes"]);
    expect(app.notes).toContain("Legacy: its table name is computed at run time; its files count for every table");
  });

  it("links every table an association could mean when its class is none of the models", async () => {
    const app = await smallApp(
      { "app/models/billing/invoice.rb": "class Billing::Invoice < ApplicationRecord\n  belongs_to :customer\nend\n" },
      ["billing_customers", "customers", "invoices"],
    );
    expect(app.neighbours.get("invoices")).toEqual(["billing_customers", "customers"]);
  });
});
