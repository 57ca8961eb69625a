import type { Inflector } from "../ruby/inflector.js";
import type { Association, ClassFacts, ModuleFacts, ParsedSchema, RubyFileFacts } from "../ruby/types.js";

/**
 * What Rails would make of the parsed sources: which model class maps to
 * which table, which files a table's model is made of (its model files, STI
 * subclasses, abstract ancestors, included concerns), and which tables are
 * neighbours (linked by an association or a foreign key).
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
}

export type Cascade = "associations" | "foreign-keys" | "none";

interface Defined<F> {
  facts: F;
  file: string;
}

const AR_BASE = "ActiveRecord::Base";

export function buildAppModel(
  schema: ParsedSchema,
  sources: Map<string, RubyFileFacts>,
  inflector: Inflector,
  cascade: Cascade,
): AppModel {
  const tableNames = new Set(schema.tables.map((t) => t.name));
  const classes = new Map<string, Defined<ClassFacts>>();
  const modules = new Map<string, Defined<ModuleFacts>>();
  for (const file of [...sources.keys()].sort()) {
    const facts = sources.get(file)!;
    for (const c of facts.classes) if (!classes.has(c.name)) classes.set(c.name, { facts: c, file });
    for (const m of facts.modules) if (!modules.has(m.name)) modules.set(m.name, { facts: m, file });
  }
  // Classes reopened in several files: every file counts as part of the model.
  const filesOfClass = new Map<string, Set<string>>();
  for (const [file, facts] of sources) {
    for (const c of facts.classes) add(filesOfClass, c.name, file);
  }
  const notes: string[] = [];

  const resolve = (ref: string, nesting: string[]): string | null => {
    if (ref.startsWith("::")) ref = ref.slice(2);
    for (const scope of nesting) {
      const candidate = `${scope}::${ref}`;
      if (classes.has(candidate) || modules.has(candidate)) return candidate;
    }
    return classes.has(ref) || modules.has(ref) ? ref : null;
  };

  const superOf = (name: string): string | null => {
    const c = classes.get(name)?.facts;
    if (!c?.superclass) return null;
    const sup = c.superclass.replace(/^::/, "");
    if (sup === AR_BASE) return AR_BASE;
    return resolve(sup, enclosing(c));
  };

  const isRecord = memo((name: string): boolean => {
    const chain = [name, ...ancestorsOf(name)];
    return superOf(chain[chain.length - 1]!) === AR_BASE;
  });

  const isAbstract = (name: string) => classes.get(name)?.facts.abstract === true;

  /** The class whose table an STI subclass shares: the topmost non-abstract record class. */
  const baseOf = memo((name: string): string => {
    let current = name;
    for (let i = 0; i < 100; i++) {
      const sup = superOf(current);
      if (!sup || sup === AR_BASE || !classes.has(sup) || isAbstract(sup)) return current;
      current = sup;
    }
    return current;
  });

  const ancestorsOf = (name: string): string[] => {
    const out: string[] = [];
    let sup = superOf(name);
    while (sup && sup !== AR_BASE && classes.has(sup) && !out.includes(sup)) {
      out.push(sup);
      sup = superOf(sup);
    }
    return out;
  };

  const tableNameOf = memo((name: string): string => {
    const base = baseOf(name);
    if (base !== name) return tableNameOf(base);
    const c = classes.get(name)!.facts;
    if (c.tableName) return c.tableName;
    for (const a of ancestorsOf(name)) {
      const t = classes.get(a)!.facts.tableName;
      if (t && !isAbstract(a)) return t;
    }
    const prefix = tableNamePrefix(name);
    const parent = c.nesting[1] ?? parentScope(name);
    let contained = "";
    if (parent && classes.has(parent) && isRecord(parent) && !isAbstract(parent)) {
      contained = `${inflector.singularize(tableNameOf(parent))}_`;
    }
    return `${prefix}${contained}${inflector.pluralize(inflector.underscore(inflector.demodulize(name)))}`;
  });

  /** Rails: the innermost enclosing module that defines table_name_prefix, else the class chain's own. */
  const tableNamePrefix = (name: string): string => {
    let scope = parentScope(name);
    while (scope) {
      const m = modules.get(scope)?.facts.tableNamePrefix ?? classes.get(scope)?.facts.tableNamePrefix;
      if (m != null) return m;
      scope = parentScope(scope);
    }
    for (const a of [name, ...ancestorsOf(name)]) {
      const p = classes.get(a)?.facts.tableNamePrefix;
      if (p != null) return p;
    }
    return "";
  };

  /** Concern modules a scope includes, transitively, resolved from the includer's nesting. */
  const concernsOf = (includes: string[], nesting: string[], seen = new Set<string>()): string[] => {
    for (const ref of includes) {
      const target = resolve(ref, nesting);
      if (!target || seen.has(target) || !modules.has(target)) continue;
      seen.add(target);
      const m = modules.get(target)!.facts;
      concernsOf(m.includes, enclosing(m), seen);
    }
    return [...seen];
  };

  // Tables of record classes, with every file that goes into their model.
  const modelOf = new Map<string, string>();
  const filesOf = new Map<string, Set<string>>();
  const classesOfTable = new Map<string, Set<string>>();
  for (const name of [...classes.keys()].sort()) {
    if (!isRecord(name) || isAbstract(name)) continue;
    const table = tableNameOf(name);
    add(classesOfTable, table, name);
    const base = baseOf(name);
    if (base === name && !modelOf.has(table)) modelOf.set(table, name);
    const files = filesOf.get(table) ?? new Set<string>();
    filesOf.set(table, files);
    for (const owner of [name, ...ancestorsOf(name)]) {
      for (const f of filesOfClass.get(owner) ?? []) files.add(f);
      const c = classes.get(owner)!.facts;
      for (const concern of concernsOf(c.includes, enclosing(c))) files.add(modules.get(concern)!.file);
    }
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
    // Each association of a record class, including those its ancestors and concerns declare.
    const associationsOf = (name: string): Array<{ a: Association; nesting: string[] }> => {
      const out: Array<{ a: Association; nesting: string[] }> = [];
      for (const owner of [name, ...ancestorsOf(name)]) {
        const c = classes.get(owner)!.facts;
        for (const a of c.associations) out.push({ a, nesting: enclosing(c) });
        for (const concern of concernsOf(c.includes, enclosing(c))) {
          const m = modules.get(concern)!.facts;
          for (const a of m.associations) out.push({ a, nesting: enclosing(c) });
        }
      }
      return out;
    };
    const targetTable = (ref: string, nesting: string[]): string | null => {
      const cls = resolve(ref, nesting);
      if (cls && classes.has(cls) && isRecord(cls)) return tableNameOf(cls);
      const guess = inflector.tableize(ref.replace(/^::/, "")).replace(/\//g, "_");
      return tableNames.has(guess) ? guess : null;
    };
    for (const [table, names] of classesOfTable) {
      for (const name of names) {
        const all = associationsOf(name);
        const byName = new Map(all.map(({ a }) => [a.name, a]));
        for (const { a, nesting } of all) {
          if (a.dynamic) {
            notes.push(`${name}.${a.kind} :${a.name} names its class dynamically (line ${a.line}); every table counts as its neighbour`);
            for (const other of tableNames) link(table, other);
            continue;
          }
          if (a.polymorphic) continue; // linked from the other side, by the `as:` declarers
          const inferred = a.kind === "has_many" || a.kind === "has_and_belongs_to_many" ? inflector.singularize(a.name) : a.name;
          const targets = [a.className ?? inflector.camelize(a.source ? inflector.singularize(a.source) : inferred)];
          if (a.through) {
            const through = byName.get(a.through);
            if (through?.className) targets.push(through.className);
            else targets.push(inflector.camelize(inflector.singularize(a.through)));
          }
          let resolved = false;
          for (const ref of targets) {
            const target = targetTable(ref, nesting);
            if (target) {
              link(table, target);
              resolved = true;
            }
          }
          if (!resolved) notes.push(`${name}.${a.kind} :${a.name}: no table found for ${targets.join(" or ")}`);
          if (a.kind === "has_and_belongs_to_many") {
            const other = targetTable(targets[0]!, nesting);
            const joinTable = a.joinTable ?? (other ? [table, other].sort().join("_") : null);
            if (joinTable) link(table, joinTable);
          }
        }
      }
    }
  }

  return {
    modelOf,
    filesOf: new Map([...filesOf].map(([t, files]) => [t, [...files].sort()])),
    neighbours: new Map([...neighbours].map(([t, set]) => [t, [...set].sort()])),
    strangers: new Map([...strangers].map(([t, set]) => [t, [...set].sort()])),
    notes,
  };
}

/** Lexical scopes for constant lookup from inside a class or module body. */
function enclosing(facts: { name: string; nesting: string[] }): string[] {
  return facts.nesting.length ? facts.nesting : [facts.name];
}

function parentScope(name: string): string | null {
  const i = name.lastIndexOf("::");
  return i > 0 ? name.slice(0, i) : null;
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const existing = map.get(key);
  if (existing) existing.add(value);
  else map.set(key, new Set([value]));
}

function memo<R>(fn: (name: string) => R): (name: string) => R {
  const cache = new Map<string, R>();
  return (name) => {
    if (!cache.has(name)) cache.set(name, fn(name));
    return cache.get(name)!;
  };
}
