/**
 * db/schema.rb -> per-table source slices and cross-table facts.
 *
 * Works on the Prism AST, so comments, heredocs and formatting cannot confuse
 * it. Each create_table statement becomes a table whose `source` is the exact
 * statement text plus every later top-level statement naming that table
 * (add_index, add_foreign_key, add_check_constraint, ...).
 *
 * Each statement inside the define block is reduced to plain facts
 * (StatementFacts), then the facts are assembled. With a cache, a schema in
 * the dumper's layout is split into its statements (schema-split.ts) and only
 * statements not seen before are parsed: after a one-column change, Prism
 * parses one create_table block instead of the whole file. Any doubt about the
 * split (a piece that is not exactly one statement alone, or that assigns a
 * local variable) falls back to parsing the whole file, which gives the same
 * facts.
 */
import { InputError } from "../common/errors.js";
import { sha256 } from "../common/hash.js";
import { plainInflector } from "./inflector.js";
import {
  constantName,
  hashEntries,
  is,
  keywordOptions,
  kindOf,
  literalString,
  normalizeNewlines,
  parseRubySource,
  positionalArgs,
  statementsOf,
  walk,
  type Node,
  type NodeOf,
  type RubySource,
} from "./prism.js";
import { canonical, canonicalText } from "./canonical.js";
import { splitSchema } from "./schema-split.js";
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

/**
 * What one statement of the define block contributes, as plain JSON (cached by
 * the statement's text). `line` is 1-based within the text that was parsed.
 */
export type StatementFacts =
  | { kind: "table"; name: string | null; line: number; text: string; canon: string; foreignKeys: string[]; idColumns: string[]; enumTypes: string[] }
  | { kind: "call"; name: string; line: number; text: string; canon: string; first: string | null; second: string | null; toTable: string | null; enumType: string | null }
  | { kind: "other"; line: number; text: string; canon: string };

/** Where parsed facts are kept between runs (the ParseCache). */
export interface FactCache {
  get<T>(kind: string, hash: string, produce: () => Promise<T>): Promise<T>;
}

function pushUnique(set: Set<string>, value: string | null): void {
  if (value !== null && value !== "") set.add(value);
}

/** Facts from the body of a create_table block: _id columns, t.references foreign keys, enum types. */
function collectColumns(call: NodeOf<"CallNode">, fk: Set<string>, ids: Set<string>, enumTypes: Set<string>): void {
  const block = call.block;
  if (!is(block, "BlockNode")) return;
  walk(block.body, (node) => {
    if (!is(node, "CallNode")) return;
    const { options } = keywordOptions(node);
    const enumType = literalString(options.get("enum_type"));
    pushUnique(enumTypes, enumType);
    if (!node.receiver || !is(node.receiver, "LocalVariableReadNode")) return;
    if (NON_COLUMN_METHODS.has(node.name)) {
      if (node.name === "foreign_key") pushUnique(fk, literalString(positionalArgs(node)[0]));
      return;
    }
    const args = positionalArgs(node);
    if (node.name === "references" || node.name === "belongs_to") {
      for (const arg of args) {
        const ref = literalString(arg);
        if (ref === null) continue;
        pushUnique(ids, `${ref}_id`);
        const fkOption = options.get("foreign_key");
        if (!fkOption || is(fkOption, "FalseNode") || is(fkOption, "NilNode")) continue;
        const target = literalString(hashEntries(fkOption)?.get("to_table")) ?? plainInflector().pluralize(ref);
        pushUnique(fk, target);
      }
      return;
    }
    const names = node.name === "column" ? args.slice(0, 1) : args;
    for (const arg of names) {
      const col = literalString(arg);
      if (col !== null && col.endsWith("_id")) pushUnique(ids, col);
    }
  });
}

function statementFacts(node: Node, source: RubySource): StatementFacts {
  const line = source.line(node);
  const text = source.nodeText(node);
  // What the statement says, without comments, blank lines or layout: a table's component (`fingerprint: declarations`).
  const canon = sha256(canonicalText(canonical(node)));
  if (!is(node, "CallNode") || node.receiver) return { kind: "other", line, text, canon };
  const args = positionalArgs(node);
  if (node.name === "create_table") {
    const fk = new Set<string>();
    const ids = new Set<string>();
    const enumTypes = new Set<string>();
    collectColumns(node, fk, ids, enumTypes);
    return { kind: "table", name: literalString(args[0]), line, text, canon, foreignKeys: [...fk], idColumns: [...ids], enumTypes: [...enumTypes] };
  }
  const { options } = keywordOptions(node);
  return {
    kind: "call",
    name: node.name,
    line,
    text,
    canon,
    first: literalString(args[0]),
    second: literalString(args[1]),
    toTable: literalString(options.get("to_table")),
    enumType: literalString(options.get("enum_type")),
  };
}

interface Located {
  facts: StatementFacts;
  /** Added to facts.line to get the line in the schema file. */
  lineOffset: number;
}

/**
 * Assembles tables, enums and preamble from the statements in file order.
 * `before` and `after` are top-level statements outside the define block:
 * those before it are attributed like the block's own, those after it are preamble.
 */
function assemble(file: string, version: string | null, body: Located[], before: StatementFacts[], after: string[]): ParsedSchema {
  const tables = new Map<string, { table: SchemaTable; parts: string[]; canons: string[]; fk: Set<string>; ids: Set<string>; enumTypes: Set<string> }>();
  for (const { facts, lineOffset } of body) {
    if (facts.kind !== "table") continue;
    const line = facts.line + lineOffset;
    if (facts.name === null) {
      throw new InputError(
        `${file}:${line}: create_table without a literal table name: ${EXPECTED_DEFINE} (create_table "name", ... do |t| ... end)`,
        file,
        line,
      );
    }
    if (tables.has(facts.name)) {
      throw new InputError(`${file}:${line}: table "${facts.name}" is created twice: ${EXPECTED_DEFINE}`, file, line);
    }
    tables.set(facts.name, {
      table: { name: facts.name, source: "", declarations: "", line, foreignKeys: [], idColumns: [], enumTypes: [] },
      parts: [facts.text],
      canons: [facts.canon],
      fk: new Set(facts.foreignKeys),
      ids: new Set(facts.idColumns),
      enumTypes: new Set(facts.enumTypes),
    });
  }

  const enums: Record<string, string> = {};
  const preamble: string[] = [];
  for (const facts of [...before, ...body.map((b) => b.facts)]) {
    if (facts.kind === "table") continue;
    if (facts.kind === "call") {
      if (facts.name === "create_enum" && facts.first !== null) {
        enums[facts.first] = facts.text;
        continue;
      }
      const owner = facts.first === null ? undefined : tables.get(facts.first);
      if (owner) {
        owner.parts.push(facts.text);
        owner.canons.push(facts.canon);
        if (facts.name === "add_foreign_key") pushUnique(owner.fk, facts.second ?? facts.toTable);
        if ((facts.name === "add_reference" || facts.name === "add_belongs_to") && facts.second !== null) pushUnique(owner.ids, `${facts.second}_id`);
        if (facts.name === "add_column") {
          if (facts.second !== null && facts.second.endsWith("_id")) pushUnique(owner.ids, facts.second);
          pushUnique(owner.enumTypes, facts.enumType);
        }
        continue;
      }
    }
    preamble.push(facts.text);
  }
  preamble.push(...after);

  const out: SchemaTable[] = [];
  for (const b of tables.values()) {
    b.table.source = b.parts.join("\n");
    b.table.declarations = sha256(`declarations\0${b.canons.join("\n")}`);
    b.table.foreignKeys = [...b.fk];
    b.table.idColumns = [...b.ids];
    b.table.enumTypes = [...b.enumTypes];
    out.push(b.table);
  }
  return { version, tables: out, enums, preamble: preamble.join("\n") };
}

/** Parses the whole file at once: the reference behaviour, and the fallback of parseSchema. */
export async function parseWholeSchema(text: string, file: string): Promise<ParsedSchema> {
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
  const body: Located[] = [];
  const before: StatementFacts[] = [];
  const after: string[] = [];
  for (const stmt of top) {
    if (isDefineCall(stmt)) {
      const block = stmt.block;
      if (is(block, "BlockNode")) for (const inner of statementsOf(block.body)) body.push({ facts: statementFacts(inner, source), lineOffset: 0 });
    } else {
      if (stmt.location.startOffset < first.location.startOffset) before.push(statementFacts(stmt, source));
      else after.push(source.nodeText(stmt));
    }
  }
  return assemble(file, version, body, before, after);
}

/**
 * The facts of one statement parsed alone, or null when the text is not
 * exactly one statement starting on its first line (the split was wrong).
 */
async function chunkFacts(text: string, file: string): Promise<StatementFacts | null> {
  let parsed;
  try {
    parsed = await parseRubySource(text, file);
  } catch (error) {
    // Only a syntax error means the split was wrong; anything else (Prism failing to load) is
    // not a fact about this text and must not be cached as one.
    if (error instanceof InputError) return null;
    throw error;
  }
  const statements = statementsOf(parsed.program.statements);
  if (statements.length !== 1 || parsed.source.line(statements[0]!) !== 1 || assignsLocal(statements[0]!)) return null;
  return statementFacts(statements[0]!, parsed.source);
}

// A local variable assigned in one statement makes a later `x <<~SQL` or `x /2/`
// parse differently in the whole file than alone: such a schema is parsed whole.
const LOCAL_WRITES = new Set([
  "LocalVariableWriteNode",
  "LocalVariableOperatorWriteNode",
  "LocalVariableAndWriteNode",
  "LocalVariableOrWriteNode",
  "LocalVariableTargetNode",
  "MatchWriteNode",
]);

function assignsLocal(node: Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    found = LOCAL_WRITES.has(kindOf(n) ?? "");
    return !found;
  });
  return found;
}

/**
 * db/schema.rb's facts. With a cache, only statements whose text was not seen
 * before are parsed; without one, or when the file is not in the dumper's
 * layout, the whole file is parsed.
 */
export async function parseSchema(text: string, file: string, cache?: FactCache): Promise<ParsedSchema> {
  const split = cache ? splitSchema(normalizeNewlines(text)) : null;
  if (split && cache) {
    const body: Located[] = [];
    for (const chunk of split.chunks) {
      const facts = await cache.get("schema-statement", sha256(chunk.text), () => chunkFacts(chunk.text, file));
      if (!facts) return parseWholeSchema(text, file);
      body.push({ facts, lineOffset: chunk.line - 1 });
    }
    return assemble(file, split.version, body, [], []);
  }
  return parseWholeSchema(text, file);
}
