import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/common/errors.js";
import { parseSchema } from "../../../src/ruby/schema.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ruby/schema/${name}`, import.meta.url), "utf8");

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error("expected an InputError");
}

describe("parseSchema", () => {
  it("reads version, tables, enums and preamble of a Rails 8 schema", async () => {
    const schema = await parseSchema(fixture("schema.rb"), "db/schema.rb");
    expect(schema.version).toBe("20240501120000");
    expect(schema.tables.map((t) => t.name)).toEqual(["accounts", "jobs", "users"]);
    expect(schema.tables.map((t) => t.line)).toEqual([23, 29, 43]);
    expect(Object.keys(schema.enums)).toEqual(["job_status", "priority"]);
    expect(schema.enums["job_status"]).toBe('create_enum "job_status", ["pending", "running", "done"]');
    expect(schema.preamble).toBe('enable_extension "pg_catalog.plpgsql"\nenable_extension "pgcrypto"');
    expect(schema.preamble).not.toContain("define");
  });

  it("slices each create_table exactly, non-ASCII comments included", async () => {
    const schema = await parseSchema(fixture("schema.rb"), "db/schema.rb");
    const accounts = schema.tables[0]!;
    expect(accounts.source).toBe(
      [
        'create_table "accounts", force: :cascade do |t|',
        '    t.string "name", null: false, comment: "Nom de l\'entreprise — café ☕"',
        '    t.datetime "created_at", null: false',
        '    t.datetime "updated_at", null: false',
        "  end",
        // top-level statements naming the table follow, in file order
      ].join("\n"),
    );
  });

  it("appends top-level add_index/add_foreign_key/add_check_constraint to the first-argument table", async () => {
    const schema = await parseSchema(fixture("schema.rb"), "db/schema.rb");
    const [, jobs, users] = schema.tables;
    expect(jobs!.source.startsWith('create_table "jobs", force: :cascade do |t|\n')).toBe(true);
    expect(jobs!.source.endsWith(
      '  end\nadd_foreign_key "jobs", "accounts"\nadd_foreign_key "jobs", "users", column: "owner_id"',
    )).toBe(true);
    expect(users!.source.split("\n").slice(-3)).toEqual([
      'add_index "users", ["email"], name: "index_users_on_email", unique: true',
      "add_check_constraint \"users\", \"email <> ''\", name: \"email_present\"",
      'add_foreign_key "users", "accounts", on_delete: :cascade',
    ]);
    // accounts is only a target: nothing is appended to it
    expect(schema.tables[0]!.source).not.toContain("add_foreign_key");
  });

  it("collects foreign keys, _id columns and enum types", async () => {
    const schema = await parseSchema(fixture("schema.rb"), "db/schema.rb");
    const [accounts, jobs, users] = schema.tables;
    expect(accounts!.foreignKeys).toEqual([]);
    expect(accounts!.idColumns).toEqual([]);
    // t.references :owner, foreign_key: { to_table: :users }; :reviewer, foreign_key: true -> pluralized;
    // :subject polymorphic (no FK); then top-level add_foreign_key in file order.
    expect(jobs!.foreignKeys).toEqual(["users", "reviewers", "accounts"]);
    expect(jobs!.idColumns).toEqual(["account_id", "owner_id", "reviewer_id", "subject_id"]);
    expect(jobs!.enumTypes).toEqual(["job_status", "priority"]);
    expect(users!.idColumns).toEqual(["account_id", "external_id"]);
    expect(users!.foreignKeys).toEqual(["accounts"]);
  });

  it("gives identical facts and sources for a CRLF checkout", async () => {
    const lf = await parseSchema(fixture("schema.rb"), "db/schema.rb");
    const crlf = await parseSchema(fixture("schema.rb").replace(/\n/g, "\r\n"), "db/schema.rb");
    expect(crlf).toEqual(lf);
    expect(crlf.tables[1]!.source).not.toContain("\r");
  });

  it("reads the pre-Rails-7 define form", async () => {
    const schema = await parseSchema(fixture("schema_rails6.rb"), "db/schema.rb");
    expect(schema.version).toBe("20190102030405");
    expect(schema.tables.map((t) => [t.name, t.line, t.idColumns])).toEqual([
      ["widgets", 3, ["gadget_id"]],
      ["gadgets", 8, []],
    ]);
    expect(schema.preamble).toBe("");
  });

  it("is not fooled by comments and heredocs that mention create_table", async () => {
    const text = [
      "ActiveRecord::Schema[7.2].define(version: 1) do",
      '  # create_table "ghosts" do |t| end',
      "=begin",
      'create_table "phantoms"',
      "=end",
      '  execute <<~SQL',
      '    CREATE TABLE spooks (id int); -- create_table "spooks"',
      "  SQL",
      '  create_table "real", force: :cascade do |t|',
      '    t.string "x"',
      "  end",
      "end",
      "",
    ].join("\n");
    const schema = await parseSchema(text, "db/schema.rb");
    expect(schema.version).toBe("1");
    expect(schema.tables.map((t) => t.name)).toEqual(["real"]);
    // the heredoc body belongs to the execute statement, which is preamble
    expect(schema.preamble).toBe(
      'execute <<~SQL\n    CREATE TABLE spooks (id int); -- create_table "spooks"\n  SQL\n',
    );
  });

  it("reports merge-conflict markers with file and line", async () => {
    const err = await inputError(parseSchema(fixture("merge_conflict.rb"), "db/schema.rb"));
    expect(err.file).toBe("db/schema.rb");
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^db\/schema\.rb:3: .*merge conflict/);
  });

  it("reports a truncated file with file and line", async () => {
    const err = await inputError(parseSchema(fixture("truncated.rb"), "db/schema.rb"));
    expect(err.file).toBe("db/schema.rb");
    expect(err.line).toBe(7);
    expect(err.message).toMatch(/^db\/schema\.rb:7: Ruby syntax error: unexpected end of file/);
    // names the innermost unclosed block (create_table "posts" ... do, line 6)
    expect(err.message).toContain("at line 6; is the file truncated?");
    expect(err.message).toContain("run again");
  });

  it("rejects Ruby that is not a schema dump", async () => {
    const err = await inputError(parseSchema(fixture("not_a_schema.rb"), "db/schema.rb"));
    expect(err.line).toBe(2);
    expect(err.message).toContain("db/schema.rb:2:");
    expect(err.message).toContain("bin/rails db:schema:dump");
  });

  it("rejects create_table with a non-literal name", async () => {
    const err = await inputError(parseSchema(fixture("dynamic_table.rb"), "db/schema.rb"));
    expect(err.line).toBe(10);
    expect(err.message).toMatch(/^db\/schema\.rb:10: create_table without a literal table name/);
  });
});
