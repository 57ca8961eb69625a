/**
 * db/schema.rb -> per-table source slices and cross-table facts.
 *
 * Works on the Prism AST, so comments, heredocs and formatting cannot confuse
 * it. Each create_table statement becomes a table whose `source` is the exact
 * statement text plus every later top-level statement naming that table
 * (add_index, add_foreign_key, add_check_constraint, ...).
 */
import { InputError } from "../errors.js";
import { plainInflector } from "../inflector.js";
import {
  constantName,
  hashEntries,
  is,
  keywordOptions,
  literalString,
  parseRubySource,
  positionalArgs,
  statementsOf,
  walk,
  type Node,
  type NodeOf,
  type RubySource,
} from "./prism.js";
import type { ParsedSchema, SchemaTable } from "./types.js";

const EXPECTED_DEFINE =
  "expected `ActiveRecord::Schema[x.y].define(version: ...) do ... end` as written by bin/rails db:schema:dump";

/** Methods on the create_table block variable that do not declare a column. */
const NON_COLUMN_METHODS = new Set([
  "index",
  "check_constraint",
  "exclusion_constraint",
  "unique_constraint",
  "timestamps",
  "foreign_key",
  "remove",
  "rename",
  "remove_index",
]);

/** `ActiveRecord::Schema.define(...)` or `ActiveRecord::Schema[8.0].define(...)` with a block. */
function isDefineCall(node: Node): node is NodeOf<"CallNode"> {
  if (!is(node, "CallNode") || node.name !== "define" || !node.block) return false;
  let receiver = node.receiver;
  if (is(receiver, "CallNode") && receiver.name === "[]") receiver = receiver.receiver;
  const name = constantName(receiver);
  return name === "ActiveRecord::Schema" || name === "::ActiveRecord::Schema";
}

function defineVersion(call: NodeOf<"CallNode">, source: RubySource): string | null {
  const version = keywordOptions(call).options.get("version");
  if (!version) return null;
  const literal = literalString(version);
  const raw = literal ?? source.slice(version.location);
  const digits = raw.replace(/_/g, "");
  return /^\d+$/.test(digits) ? digits : null;
}

interface TableBuilder {
  table: SchemaTable;
  parts: string[];
  fk: Set<string>;
  ids: Set<string>;
  enumTypes: Set<string>;
}

function pushUnique(set: Set<string>, value: string | null): void {
  if (value !== null && value !== "") set.add(value);
}

/** Facts from the body of a create_table block: _id columns, t.references foreign keys, enum types. */
function collectColumns(call: NodeOf<"CallNode">, b: TableBuilder): void {
  const block = call.block;
  if (!is(block, "BlockNode")) return;
  walk(block.body, (node) => {
    if (!is(node, "CallNode")) return;
    const { options } = keywordOptions(node);
    const enumType = literalString(options.get("enum_type"));
    pushUnique(b.enumTypes, enumType);
    if (!node.receiver || !is(node.receiver, "LocalVariableReadNode")) return;
    if (NON_COLUMN_METHODS.has(node.name)) {
      if (node.name === "foreign_key") pushUnique(b.fk, literalString(positionalArgs(node)[0]));
      return;
    }
    const args = positionalArgs(node);
    if (node.name === "references" || node.name === "belongs_to") {
      for (const arg of args) {
        const ref = literalString(arg);
        if (ref === null) continue;
        pushUnique(b.ids, `${ref}_id`);
        const fk = options.get("foreign_key");
        if (!fk || is(fk, "FalseNode") || is(fk, "NilNode")) continue;
        const target = literalString(hashEntries(fk)?.get("to_table")) ?? plainInflector().pluralize(ref);
        pushUnique(b.fk, target);
      }
      return;
    }
    const names = node.name === "column" ? args.slice(0, 1) : args;
    for (const arg of names) {
      const col = literalString(arg);
      if (col !== null && col.endsWith("_id")) pushUnique(b.ids, col);
    }
  });
}

export async function parseSchema(text: string, file: string): Promise<ParsedSchema> {
  const { program, source } = await parseRubySource(text, file);
  const top = statementsOf(program.statements);

  const defines = top.filter(isDefineCall);
  const first = defines[0];
  if (!first) {
    const line = top[0] ? source.line(top[0]) : 1;
    throw new InputError(`${file}:${line}: not a Rails schema file: ${EXPECTED_DEFINE}`, file, line);
  }
  const version = defineVersion(first, source);

  // Statements inside the define block(s), in order; anything else at top level is preamble.
  const body: Node[] = [];
  const outside: Node[] = [];
  for (const stmt of top) {
    if (isDefineCall(stmt)) {
      const block = stmt.block;
      if (is(block, "BlockNode")) body.push(...statementsOf(block.body));
    } else {
      outside.push(stmt);
    }
  }

  // Pass 1: tables.
  const tables = new Map<string, TableBuilder>();
  for (const node of body) {
    const stmt = is(node, "CallNode") ? node : null;
    if (!stmt || stmt.receiver || stmt.name !== "create_table") continue;
    const name = literalString(positionalArgs(stmt)[0]);
    const line = source.line(stmt);
    if (name === null) {
      throw new InputError(
        `${file}:${line}: create_table without a literal table name: ${EXPECTED_DEFINE} (create_table "name", ... do |t| ... end)`,
        file,
        line,
      );
    }
    if (tables.has(name)) {
      throw new InputError(`${file}:${line}: table "${name}" is created twice: ${EXPECTED_DEFINE}`, file, line);
    }
    const b: TableBuilder = {
      table: { name, source: "", line, foreignKeys: [], idColumns: [], enumTypes: [] },
      parts: [source.nodeText(stmt)],
      fk: new Set(),
      ids: new Set(),
      enumTypes: new Set(),
    };
    collectColumns(stmt, b);
    tables.set(name, b);
  }

  // Pass 2: everything else, in file order.
  const enums: Record<string, string> = {};
  const preamble: string[] = [];
  for (const stmt of [...outside.filter((n) => n.location.startOffset < first.location.startOffset), ...body]) {
    if (is(stmt, "CallNode") && !stmt.receiver && stmt.name === "create_table") continue;
    if (is(stmt, "CallNode") && !stmt.receiver) {
      const args = positionalArgs(stmt);
      const firstArg = literalString(args[0]);
      if (stmt.name === "create_enum" && firstArg !== null) {
        enums[firstArg] = source.nodeText(stmt);
        continue;
      }
      const owner = firstArg === null ? undefined : tables.get(firstArg);
      if (owner) {
        owner.parts.push(source.nodeText(stmt));
        if (stmt.name === "add_foreign_key") {
          const target = literalString(args[1]) ?? literalString(keywordOptions(stmt).options.get("to_table"));
          pushUnique(owner.fk, target);
        }
        if (stmt.name === "add_reference" || stmt.name === "add_belongs_to") {
          const ref = literalString(args[1]);
          if (ref !== null) pushUnique(owner.ids, `${ref}_id`);
        }
        if (stmt.name === "add_column") {
          const col = literalString(args[1]);
          if (col !== null && col.endsWith("_id")) pushUnique(owner.ids, col);
          pushUnique(owner.enumTypes, literalString(keywordOptions(stmt).options.get("enum_type")));
        }
        continue;
      }
    }
    preamble.push(source.nodeText(stmt));
  }
  for (const stmt of outside) {
    if (stmt.location.startOffset > first.location.startOffset) preamble.push(source.nodeText(stmt));
  }

  const out: SchemaTable[] = [];
  for (const b of tables.values()) {
    b.table.source = b.parts.join("\n");
    b.table.foreignKeys = [...b.fk];
    b.table.idColumns = [...b.ids];
    b.table.enumTypes = [...b.enumTypes];
    out.push(b.table);
  }
  return { version, tables: out, enums, preamble: preamble.join("\n") };
}
