import * as msg from "../common/messages.js";
import type { Inflector } from "../ruby/inflector.js";
import type { ParsedSchema, RubyFileFacts } from "../ruby/types.js";
import { UNKNOWN, collectConstants, deriveJoinTableName, recordClasses, type RecordClass, type ResolvedAssociation, type TableName } from "./active-record.js";

/**
 * What Rails would make of the parsed sources: which model class maps to
 * which table, which files a table's model is made of (its model files, STI
 * subclasses, abstract ancestors, included concerns), and which tables are
 * neighbours (linked by an association or a foreign key).
 *
 * What cannot be followed statically (a table name or an association's class
 * computed at run time) makes more tables stale, never fewer: such a class
 * counts for every table, such an association links every table.
 */
export interface AppModel {
  /** Table -> model class name used for output paths. */
  modelOf: Map<string, string>;
  /** Table -> repo-relative files its model is made of, sorted. */
  filesOf: Map<string, string[]>;
  /** Table -> neighbouring tables, sorted, never itself. */
  neighbours: Map<string, string[]>;
  /** Table -> files of models without a table in the schema that name this table in an association, sorted. */
  strangers: Map<string, string[]>;
  /** Human-readable notes on what could not be resolved statically (shown by --debug). */
  notes: string[];
  /** Every model class as ActiveRecord sees it (test/oracle/ compares these with ActiveRecord's own answers). */
  classes: Map<string, RecordClass>;
}

export type Cascade = "associations" | "foreign-keys" | "none";

export function buildAppModel(
  schema: ParsedSchema,
  sources: Map<string, RubyFileFacts>,
  inflector: Inflector,
  cascade: Cascade,
): AppModel {
  const tableNames = new Set(schema.tables.map((t) => t.name));
  const constants = collectConstants(sources);
  const classes = recordClasses(constants, inflector);
  const notes: string[] = [];
  /** The tables a class or an association stands for: every table when its name is computed at run time. */
  const tablesOf = (table: TableName): string[] => (table === UNKNOWN ? [...tableNames] : table === null ? [] : [table]);

  const models = [...classes.values()].filter((c) => !c.abstract);
  const modelFiles = (c: RecordClass): string[] =>
    [c.name, ...c.ancestors].flatMap((owner) => [
      ...(constants.filesOfClass.get(owner) ?? []),
      ...classes.get(owner)!.concerns.map((m) => constants.moduleFile.get(m)!),
    ]);

  // Tables of record classes, with every file that goes into their model.
  const filesOf = new Map<string, Set<string>>();
  for (const c of models) {
    if (c.table === UNKNOWN) notes.push(msg.modelNote.tableComputed(c.name));
    for (const table of tablesOf(c.table)) for (const file of modelFiles(c)) add(filesOf, table, file);
  }
  const modelOf = new Map<string, string>();
  for (const c of models) {
    if (typeof c.table !== "string" || modelOf.has(c.table)) continue;
    // The topmost class of a table names its model: an STI subclass shares its base class's table and name.
    const parent = c.superclass ? classes.get(c.superclass) : undefined;
    if (parent && !parent.abstract && parent.table === c.table) continue;
    modelOf.set(c.table, c.name);
  }
  for (const table of tableNames) {
    if (!modelOf.has(table)) modelOf.set(table, inflector.classify(table));
  }

  const neighbours = new Map<string, Set<string>>();
  const strangers = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (a === b) return;
    const [hasA, hasB] = [tableNames.has(a), tableNames.has(b)];
    if (hasA && hasB) {
      add(neighbours, a, b);
      add(neighbours, b, a);
      return;
    }
    // A model whose table is not in the schema (renamed, dropped) is still a
    // class the generator can read: a polymorphic `as:` it declares shows up in
    // the other table's files. Its files count as inputs of the tables it names.
    if (hasA) for (const f of filesOf.get(b) ?? []) add(strangers, a, f);
    if (hasB) for (const f of filesOf.get(a) ?? []) add(strangers, b, f);
  };

  if (cascade === "foreign-keys") {
    for (const t of schema.tables) {
      for (const target of t.foreignKeys) link(t.name, target);
      for (const column of t.idColumns) {
        const stem = column.replace(/_id$/, "");
        for (const candidate of [inflector.pluralize(stem), stem]) if (tableNames.has(candidate)) link(t.name, candidate);
      }
    }
  }

  if (cascade === "associations") {
    /** Tables an association leads to (its through table too); when its class is none of the models, the tables its candidate names would have. */
    const targetsOf = (owner: RecordClass, r: ResolvedAssociation): string[] => {
      const a = r.reflection.association;
      const targets = [...tablesOf(r.table), ...tablesOf(r.joinTable)];
      if (a.through !== null) targets.push(...tablesOf(owner.associations.get(a.through)?.table ?? null));
      if (r.table !== null) return targets;
      const names = r.candidates.length > 0 ? r.candidates : [inflector.camelize(inflector.singularize(a.source ?? a.name))];
      const guesses = names.map((n) => inflector.tableize(n.replace(/^::/, "")).replace(/\//g, "_")).filter((t) => tableNames.has(t));
      if (guesses.length === 0) notes.push(msg.modelNote.noTable(owner.name, a.kind, a.name, names));
      const joins = a.kind === "has_and_belongs_to_many" && a.joinTable === null && typeof owner.table === "string" ? guesses.map((g) => deriveJoinTableName(owner.table as string, g)) : [];
      return [...targets, ...guesses, ...joins];
    };
    for (const c of models) {
      const own = tablesOf(c.table);
      for (const r of c.associations.values()) {
        const a = r.reflection.association;
        if (a.dynamic) {
          notes.push(msg.modelNote.dynamicAssociation(c.name, a.kind, a.name, a.line));
          for (const table of own) for (const other of tableNames) link(table, other);
          continue;
        }
        if (a.polymorphic) continue; // linked from the other side, by the `as:` declarers
        for (const target of targetsOf(c, r)) for (const table of own) link(table, target);
      }
    }
  }

  return {
    modelOf,
    filesOf: new Map([...filesOf].map(([t, files]) => [t, [...files].sort()])),
    neighbours: new Map([...neighbours].map(([t, set]) => [t, [...set].sort()])),
    strangers: new Map([...strangers].map(([t, set]) => [t, [...set].sort()])),
    notes,
    classes,
  };
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const existing = map.get(key);
  if (existing) existing.add(value);
  else map.set(key, new Set([value]));
}
