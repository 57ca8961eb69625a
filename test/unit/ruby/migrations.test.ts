import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/common/errors.js";
import { joinTableName, parseMigration } from "../../../src/ruby/migrations.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ruby/migrations/${name}`, import.meta.url), "utf8");

const parse = (name: string) => parseMigration(fixture(name), `db/migrate/${name}`);

describe("parseMigration", () => {
  it("reads the version from the file name and the tables from the statements", async () => {
    expect(await parse("20240501120000_add_due_at_to_jobs.rb")).toEqual({
      version: "20240501120000",
      tables: ["jobs"], // deduplicated; the commented-out add_column :ghosts is ignored
      unknown: false,
    });
  });

  it("gives identical facts with CRLF line endings", async () => {
    const name = "20240502090000_create_people_and_tags.rb";
    const lf = await parseMigration(fixture(name), name);
    const crlf = await parseMigration(fixture(name).replace(/\n/g, "\r\n"), name);
    expect(crlf).toEqual(lf);
  });

  it("handles create_table blocks, join tables, change_table, foreign keys and renames", async () => {
    expect(await parse("20240502090000_create_people_and_tags.rb")).toEqual({
      version: "20240502090000",
      // t.references / t.remove_index inside blocks do not add tables
      tables: ["people", "people_tags", "tags", "accounts", "widgets", "gadgets"],
      unknown: false,
    });
  });

  it("looks inside up/down, reversible and say_with_time blocks", async () => {
    expect(await parse("20240503000000_reversible_things.rb")).toEqual({
      version: "20240503000000",
      tables: [
        "users",
        "orders",
        "comments",
        "admin_user_roles",
        "admin_users",
        "admin_roles",
        "sessions",
        "people_tags",
        "people",
        "tags",
      ],
      unknown: false,
    });
  });

  it("is unknown when model code runs", async () => {
    expect(await parse("20240504000000_backfill_roles.rb")).toEqual({
      version: "20240504000000",
      tables: ["users"],
      unknown: true,
    });
  });

  it("is unknown for execute, whatever the heredoc says", async () => {
    expect(await parse("20240505000000_raw_sql.rb")).toEqual({ version: "20240505000000", tables: [], unknown: true });
  });

  it("is unknown for a non-literal table name but keeps the literal ones", async () => {
    expect(await parse("20240506000000_dynamic_names.rb")).toEqual({
      version: "20240506000000",
      tables: ["archives"],
      unknown: true,
    });
  });

  it("reads known statements via connection and flags unknown schema statements", async () => {
    expect(await parse("20240507000000_connection_calls.rb")).toEqual({
      version: "20240507000000",
      tables: ["audits"],
      unknown: true, // connection.create_hypertable
    });
    const known = "class A < ActiveRecord::Migration[7.1]\n  def up\n    connection.add_column 'audits', :ip, :inet if connection.table_exists?(:audits)\n  end\nend\n";
    expect(await parseMigration(known, "x.rb")).toEqual({ version: null, tables: ["audits"], unknown: false });
  });

  it("accepts a Windows path and strings or symbols", async () => {
    const text = 'class A < ActiveRecord::Migration[7.1]\n  def change\n    drop_table "a", :b\n    remove_foreign_key :c, :d\n    remove_foreign_key :e, column: :x_id\n  end\nend\n';
    expect(await parseMigration(text, "db\\migrate\\20250101000000_a.rb")).toEqual({
      version: "20250101000000",
      tables: ["a", "b", "c", "d", "e"],
      unknown: false,
    });
  });

  it("reports syntax errors with file and line", async () => {
    const text = "class A < ActiveRecord::Migration[7.1]\n  def change\n    add_column :a, :b, :string\n";
    const err = await parseMigration(text, "db/migrate/1_a.rb").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe("db/migrate/1_a.rb");
    expect((err as InputError).line).toBe(3);
    expect((err as InputError).message).toMatch(/^db\/migrate\/1_a\.rb:3: Ruby syntax error: unexpected end of file/);
  });
});

describe("joinTableName", () => {
  it("follows Rails' find_join_table_name", () => {
    expect(joinTableName("tags", "people")).toBe("people_tags");
    expect(joinTableName("people", "tags")).toBe("people_tags");
    // shared prefix collapsed, as Rails does
    expect(joinTableName("music_artists", "music_records")).toBe("music_artists_records");
  });
});
