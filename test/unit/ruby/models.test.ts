import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/common/errors.js";
import { parseModelFile } from "../../../src/ruby/models.js";
import type { Association } from "../../../src/ruby/types.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ruby/models/${name}`, import.meta.url), "utf8");

const parse = (name: string) => parseModelFile(fixture(name), `app/models/${name}`);

/** Compact view of an association: kind name -> target-deciding options. */
function brief(a: Association): string {
  const opts = [
    a.className !== null && `class_name=${a.className}`,
    a.through !== null && `through=${a.through}`,
    a.source !== null && `source=${a.source}`,
    a.as !== null && `as=${a.as}`,
    a.joinTable !== null && `join_table=${a.joinTable}`,
    a.polymorphic && "polymorphic",
    a.dynamic && "DYNAMIC",
  ].filter(Boolean);
  return `${a.line} ${a.kind} ${a.name}${opts.length ? ` ${opts.join(" ")}` : ""}`;
}

describe("parseModelFile", () => {
  it("reads associations, ignoring comments, heredocs, =begin blocks, strings and method bodies", async () => {
    const facts = await parse("person.rb");
    expect(facts.modules).toEqual([]);
    expect(facts.classes).toHaveLength(1);
    const person = facts.classes[0]!;
    expect(person).toMatchObject({
      name: "Person",
      nesting: ["Person"],
      superclass: "ApplicationRecord",
      tableName: null,
      abstract: false,
      tableNamePrefix: null,
      line: 4,
      includes: ["Notable", "Searchable", "Admin::Trackable"],
    });
    expect(person.associations.map(brief)).toEqual([
      "18 belongs_to account",
      "19 belongs_to manager class_name=Person", // odd spacing, no space after colon
      "20 has_many reports class_name=Person", // parentheses, trailing comma
      "21 has_many jobs class_name=Job", // scope lambda + multi-line options
      "27 has_many job_accounts through=jobs source=account",
      "30 has_one avatar as=attachable",
      "31 has_and_belongs_to_many tags join_table=people_tags",
      "32 has_many favorite_things class_name=Favorite::Thing", // constant
      "39 has_many sessions", // with_options block variable
      '40 has_many api_tokens class_name=ApiToken', // bare call in with_options, "x".freeze
      "49 has_one profile class_name=UserProfile", // after private
    ]);
  });

  it("gives identical facts for the same file with CRLF line endings", async () => {
    const lf = await parseModelFile(fixture("person.rb"), "app/models/person.rb");
    const crlf = await parseModelFile(fixture("person.rb").replace(/\n/g, "\r\n"), "app/models/person.rb");
    expect(crlf).toEqual(lf);
  });

  it("reads an STI subclass with polymorphic and dynamic associations", async () => {
    const { classes } = await parse("employee.rb");
    expect(classes.map((c) => [c.name, c.superclass])).toEqual([["Employee", "Person"]]);
    expect(classes[0]!.associations.map(brief)).toEqual([
      "2 belongs_to department class_name=Org::Department",
      "3 has_many widgets DYNAMIC",
      "4 belongs_to subject polymorphic",
    ]);
  });

  it("marks the abstract base class", async () => {
    const { classes } = await parse("application_record.rb");
    expect(classes).toEqual([
      {
        name: "ApplicationRecord",
        nesting: ["ApplicationRecord"],
        includes: [],
        associations: [],
        tableNamePrefix: null,
        tableNameSuffix: null,
        pluralizeTableNames: null,
        dynamicSettings: [],
        line: 1,
        superclass: "ActiveRecord::Base",
        tableName: null,
        tableNameMethod: null,
        abstract: true,
      },
    ]);
  });

  it("reads a namespace module's table_name_prefix", async () => {
    const { modules, classes } = await parse("admin.rb");
    expect(classes).toEqual([]);
    expect(modules).toEqual([
      {
        name: "Admin",
        nesting: ["Admin"],
        includes: [],
        associations: [],
        tableNamePrefix: "admin_",
        tableNameSuffix: null,
        pluralizeTableNames: null,
        dynamicSettings: [],
        line: 1,
        isConcern: false,
      },
    ]);
  });

  it("qualifies classes by lexical nesting; nested classes are separate entries", async () => {
    const { classes, modules } = await parse("admin/audit_log.rb");
    expect(modules.map((m) => [m.name, m.line])).toEqual([
      ["Admin", 1],
      ["Admin::Reports", 13],
    ]);
    expect(classes.map((c) => [c.name, c.superclass, c.line])).toEqual([
      ["Admin::AuditLog", "ApplicationRecord", 2],
      ["Admin::AuditLog::Entry", "ApplicationRecord", 7],
      ["Admin::Reports::Daily", "::ActiveRecord::Base", 14],
    ]);
    const [log, entry, daily] = classes;
    expect(log!.tableName).toBe("audit_entries"); // symbol
    expect(log!.nesting).toEqual(["Admin::AuditLog", "Admin"]);
    expect(log!.associations.map(brief)).toEqual(["5 belongs_to user class_name=::User"]);
    expect(entry!.nesting).toEqual(["Admin::AuditLog::Entry", "Admin::AuditLog", "Admin"]);
    expect(entry!.tableNamePrefix).toBe("log_");
    expect(entry!.associations.map(brief)).toEqual(["9 belongs_to audit_log class_name=AuditLog"]); // AuditLog.name
    expect(daily!.abstract).toBe(true);
    expect(daily!.nesting).toEqual(["Admin::Reports::Daily", "Admin::Reports", "Admin"]);
  });

  it("reads compact class paths and ::TopLevel paths", async () => {
    const { classes, modules } = await parse("admin/report.rb");
    expect(modules).toEqual([]);
    expect(classes.map((c) => [c.name, c.nesting, c.superclass])).toEqual([
      ["Admin::Report", ["Admin::Report"], "::ActiveRecord::Base"],
      ["TopLevelThing", ["TopLevelThing"], "Admin::Report"],
    ]);
    expect(classes[0]!.associations.map(brief)).toEqual(["2 has_many rows class_name=Admin::ReportRow"]);
  });

  it("reads a concern's included block", async () => {
    const { modules, classes } = await parse("concerns/notable.rb");
    expect(classes).toEqual([]);
    expect(modules).toHaveLength(1);
    expect(modules[0]).toMatchObject({ name: "Notable", isConcern: true, line: 1 });
    expect(modules[0]!.associations.map(brief)).toEqual([
      "5 has_many notes as=notable",
      "6 belongs_to author class_name=Person",
    ]);
  });

  it("handles inline edge cases: interpolated class_name, string through, splat options", async () => {
    const text = [
      "class Widget < ApplicationRecord",
      '  has_many :parts, class_name: "#{name}Part"',
      '  has_many :owners, through: "parts"',
      "  has_many :others, **OPTIONS",
      "  has_one :thing, -> (w) { where(kind: w.kind) }, class_name: 'Thing', inverse_of: false",
      "  class_methods do",
      '    has_many :from_class_methods, class_name: "X"',
      "  end",
      "end",
    ].join("\n");
    const { classes } = await parseModelFile(text, "app/models/widget.rb");
    expect(classes[0]!.associations.map(brief)).toEqual([
      "2 has_many parts DYNAMIC",
      "3 has_many owners through=parts",
      "4 has_many others DYNAMIC",
      "5 has_one thing class_name=Thing",
      "7 has_many from_class_methods class_name=X",
    ]);
  });

  it("reads every setting ActiveRecord makes a table name from, as assignment or as method", async () => {
    const text = [
      "class Legacy < ApplicationRecord",
      '  self.table_name = "old_things"',
      '  self.table_name_suffix = "_v1"',
      "  self.pluralize_table_names = false",
      "  class << self",
      "    def table_name_prefix",
      '      "app_"',
      "    end",
      "  end",
      "end",
      "class Modern < ApplicationRecord",
      "  def self.table_name",
      '    "things"',
      "  end",
      "end",
    ].join("\n");
    const [legacy, modern] = (await parseModelFile(text, "app/models/legacy.rb")).classes;
    expect(legacy).toMatchObject({ tableName: "old_things", tableNameMethod: null, tableNamePrefix: "app_", tableNameSuffix: "_v1", pluralizeTableNames: false, dynamicSettings: [] });
    expect(modern).toMatchObject({ tableName: null, tableNameMethod: "things" });
  });

  it("names the settings Ruby computes at run time", async () => {
    const text = [
      "class Tenanted < ApplicationRecord",
      '  self.table_name = ENV.fetch("TABLE")',
      "  self.pluralize_table_names = Rails.env.test?",
      "  def self.table_name_prefix",
      '    "#{Current.tenant}_"',
      "  end",
      "end",
    ].join("\n");
    const [tenanted] = (await parseModelFile(text, "app/models/tenanted.rb")).classes;
    expect(tenanted!.dynamicSettings).toEqual(["table_name", "pluralize_table_names", "table_name_prefix"]);
    expect(tenanted!.tableName).toBeNull();
  });

  it("marks the table-name settings a concern makes for its includers", async () => {
    const text = 'module Archived\n  extend ActiveSupport::Concern\n  included do\n    self.table_name = "archives"\n  end\nend\n';
    const [archived] = (await parseModelFile(text, "app/models/concerns/archived.rb")).modules;
    expect(archived!.dynamicSettings).toEqual(["includer table_name"]);
    expect(archived!.tableNamePrefix).toBeNull();
  });

  it("reads source_type: on a through association", async () => {
    const text = 'class Tag < ApplicationRecord\n  has_many :books, through: :taggings, source: :taggable, source_type: "Book"\nend\n';
    const [tag] = (await parseModelFile(text, "app/models/tag.rb")).classes;
    expect(tag!.associations[0]).toMatchObject({ through: "taggings", source: "taggable", sourceType: "Book", dynamic: false });
  });

  it("merges a class reopened in the same file", async () => {
    const text = "class A < B\n  has_many :x\nend\nclass A\n  has_many :y\nend\n";
    const { classes } = await parseModelFile(text, "a.rb");
    expect(classes.map((c) => [c.name, c.superclass, c.line, c.associations.map((a) => a.name)])).toEqual([
      ["A", "B", 1, ["x", "y"]],
    ]);
  });

  it("reports syntax errors with file and line", async () => {
    const text = "class A < B\n  has_many :x,\nend\n";
    const err = await parseModelFile(text, "app/models/a.rb").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe("app/models/a.rb");
    // the first error by offset: the dangling comma on line 2
    expect((err as InputError).line).toBe(2);
    expect((err as InputError).message).toMatch(/^app\/models\/a\.rb:2: Ruby syntax error: .*expected an argument/);
  });
});
