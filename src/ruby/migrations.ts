/**
 * db/migrate/*.rb -> which tables a migration touches.
 *
 * Conservative: anything we cannot name statically (SQL via execute, computed
 * table names, model/data code, schema statements we do not know) sets
 * `unknown`, and the caller treats the migration as touching everything.
 */
import {
  constantName,
  is,
  keywordOptions,
  literalString,
  parseRubySource,
  positionalArgs,
  walk,
  type Node,
  type NodeOf,
} from "./prism.js";
import type { MigrationFacts } from "./types.js";

/** Schema statements whose first argument is the table. */
const FIRST_ARG_TABLE = new Set([
  "create_table",
  "change_table",
  "add_column",
  "remove_column",
  "remove_columns",
  "rename_column",
  "change_column",
  "change_column_default",
  "change_column_null",
  "change_column_comment",
  "change_table_comment",
  "add_reference",
  "add_belongs_to",
  "remove_reference",
  "remove_belongs_to",
  "add_index",
  "remove_index",
  "rename_index",
  "add_timestamps",
  "remove_timestamps",
  "add_check_constraint",
  "remove_check_constraint",
  "add_exclusion_constraint",
  "remove_exclusion_constraint",
  "add_unique_constraint",
  "remove_unique_constraint",
]);

/** Statements where every positional argument is a table. */
const ALL_ARGS_TABLES = new Set(["drop_table", "rename_table"]);

const JOIN_TABLE = new Set(["create_join_table", "drop_join_table"]);

const FOREIGN_KEY = new Set(["add_foreign_key", "remove_foreign_key"]);

/** Raw SQL or query execution: the tables cannot be known. */
const SQL_CALLS = new Set([
  "execute",
  "exec_query",
  "exec_update",
  "exec_delete",
  "exec_insert",
  "exec_insert_all",
  "insert",
  "update",
  "delete",
  "select_all",
  "select_one",
  "select_value",
  "select_values",
  "select_rows",
  "query",
  "truncate",
  "truncate_tables",
]);

/** Schema statements that change no table definition (or only the preamble). */
const HARMLESS_SCHEMA = new Set([
  "enable_extension",
  "disable_extension",
  "create_enum",
  "create_schema",
  "drop_schema",
  "create_virtual_table",
]);

/** Enum changes rewrite every table using the type; we cannot tell which from here. */
const ENUM_CHANGES = new Set(["drop_enum", "rename_enum", "add_enum_value", "rename_enum_value"]);

/** Constants that are safe to call methods on (not models). */
const SAFE_CONSTANTS = new Set([
  "Rails",
  "ENV",
  "Time",
  "Date",
  "DateTime",
  "Integer",
  "Float",
  "String",
  "Array",
  "Hash",
  "Kernel",
  "Math",
  "JSON",
  "SecureRandom",
  "Logger",
  "BigDecimal",
  "Set",
  "File",
  "Dir",
  "Pathname",
  "ActiveRecord::Migration",
  "ActiveRecord::Schema",
]);

const SCHEMA_LIKE = /^(create|drop|add|remove|change|rename|alter|update|validate)_/;

function isConnection(node: Node | null): boolean {
  return is(node, "CallNode") && (node.name === "connection" || node.name === "lease_connection");
}

/** Version from a migration file name: leading digits of the basename. */
export function migrationVersion(file: string): string | null {
  const base = file.split(/[\\/]/).pop() ?? "";
  const m = /^(\d+)/.exec(base);
  return m ? m[1]! : null;
}

export async function parseMigration(text: string, file: string): Promise<MigrationFacts> {
  const { program } = await parseRubySource(text, file);
  const tables: string[] = [];
  const seen = new Set<string>();
  let unknown = false;

  const addName = (name: string): void => {
    if (!seen.has(name)) {
      seen.add(name);
      tables.push(name);
    }
  };
  const add = (node: Node | null | undefined): void => {
    const name = literalString(node);
    if (name === null) {
      unknown = true;
      return;
    }
    addName(name);
  };
  const addIfLiteral = (node: Node | null | undefined): void => {
    if (node && literalString(node) !== null) add(node);
  };

  const schemaStatement = (call: NodeOf<"CallNode">): boolean => {
    const name = call.name;
    const args = positionalArgs(call);
    const options = (): Map<string, Node> => keywordOptions(call).options;
    if (FIRST_ARG_TABLE.has(name)) {
      add(args[0]);
      return true;
    }
    if (ALL_ARGS_TABLES.has(name)) {
      if (args.length === 0) unknown = true;
      for (const arg of args) add(arg);
      return true;
    }
    if (JOIN_TABLE.has(name)) {
      const a = literalString(args[0]);
      const b = literalString(args[1]);
      const explicit = options().get("table_name");
      if (explicit) add(explicit);
      else if (a !== null && b !== null) addName(joinTableName(a, b));
      else unknown = true;
      add(args[0]);
      add(args[1]);
      return true;
    }
    if (FOREIGN_KEY.has(name)) {
      add(args[0]);
      if (name === "add_foreign_key") add(args[1]);
      else {
        addIfLiteral(args[1]);
        addIfLiteral(options().get("to_table"));
      }
      return true;
    }
    if (HARMLESS_SCHEMA.has(name)) return true;
    if (ENUM_CHANGES.has(name)) {
      unknown = true;
      return true;
    }
    return false;
  };

  walk(program, visitor);

  function visitor(node: Node): boolean | void {
    // `class AddX < ActiveRecord::Migration[8.0]`: skip the superclass expression.
    if (is(node, "ClassNode")) {
      walk(node.body, visitor);
      return false;
    }
    if (!is(node, "CallNode")) return;
    const recv = node.receiver;
    const name = node.name;
    if (SQL_CALLS.has(name) && (!recv || isConnection(recv) || is(recv, "SelfNode") || name === "execute" || name === "exec_query")) {
      unknown = true;
      return;
    }
    if (!recv || is(recv, "SelfNode") || isConnection(recv)) {
      if (schemaStatement(node)) return;
      if (name === "revert" && positionalArgs(node).length > 0) unknown = true;
      else if (SCHEMA_LIKE.test(name) && (isConnection(recv) || positionalArgs(node).length > 0)) unknown = true;
      return;
    }
    // Model or data code: User.update_all, Admin::Job.find_each, ...
    if (is(recv, "ConstantReadNode") || is(recv, "ConstantPathNode")) {
      const constant = (constantName(recv) ?? "").replace(/^::/, "");
      if (name !== "connection" && name !== "lease_connection" && !SAFE_CONSTANTS.has(constant)) unknown = true;
    }
  }

  return { version: migrationVersion(file), tables, unknown };
}

/** Rails' default join table name: both names sorted, joined by "_" (with a shared prefix collapsed). */
export function joinTableName(a: string, b: string): string {
  // ActiveRecord::ConnectionAdapters::SchemaStatements#find_join_table_name:
  // [table_1.to_s, table_2.to_s].sort.join("\0").gsub(/^(.*_)(.+)\0\1(.+)/, '\1\2_\3').tr("\0", "_")
  const joined = [a, b].sort().join("\0");
  return joined.replace(/^(.*_)(.+)\0\1(.+)/, "$1$2_$3").replace(/\0/g, "_");
}
