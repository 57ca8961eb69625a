/**
 * What ActiveRecord answers about the model classes, from their parsed
 * sources: `table_name`, `abstract_class?` and, for each association, the
 * class and table it leads to and the join table. Each rule is ActiveRecord's
 * (activerecord/lib/active_record/model_schema.rb, inheritance.rb,
 * reflection.rb), and test/oracle/ compares the answers with ActiveRecord's own.
 *
 * Where Ruby computes a setting at run time (`self.table_name = ENV[...]`) the
 * answer is UNKNOWN, and the app model counts such a class for every table.
 */
import type { Inflector } from "../ruby/inflector.js";
import type { Association, AssociationKind, ClassFacts, ModuleFacts, RubyFileFacts } from "../ruby/types.js";

export const AR_BASE = "ActiveRecord::Base";
export const UNKNOWN = Symbol("computed at run time");
export type TableName = string | null | typeof UNKNOWN;

export interface Reflection {
  association: Association;
  /** The class whose body (or included concern) declared it: ActiveRecord resolves class names from there. */
  declaring: string;
}

export interface ResolvedAssociation {
  kind: AssociationKind;
  /** The class it leads to; null when polymorphic or when no known class has that name. */
  className: string | null;
  /** That class's table; null when className is null or is not a model. */
  table: TableName;
  /** has_and_belongs_to_many only. */
  joinTable: TableName;
  /** The class names ActiveRecord would try, in order (the fallback when none is known). */
  candidates: string[];
  reflection: Reflection;
}

export interface RecordClass {
  name: string;
  abstract: boolean;
  table: TableName;
  /** Superclass when it is a model too (abstract or not), else null. */
  superclass: string | null;
  /** Superclasses that are models, nearest first. */
  ancestors: string[];
  /** Modules it includes, transitively. */
  concerns: string[];
  associations: Map<string, ResolvedAssociation>;
}

export interface Constants {
  classes: Map<string, ClassFacts>;
  modules: Map<string, ModuleFacts>;
  /** Class -> files that define or reopen it. */
  filesOfClass: Map<string, string[]>;
  moduleFile: Map<string, string>;
}

/** Every class and module of the sources; a class reopened in several files gets the facts of all of them. */
export function collectConstants(sources: Map<string, RubyFileFacts>): Constants {
  const classes = new Map<string, ClassFacts>();
  const modules = new Map<string, ModuleFacts>();
  const filesOfClass = new Map<string, string[]>();
  const moduleFile = new Map<string, string>();
  for (const file of [...sources.keys()].sort()) {
    const facts = sources.get(file)!;
    for (const c of facts.classes) {
      const existing = classes.get(c.name);
      classes.set(c.name, existing ? mergeClass(existing, c) : { ...c });
      filesOfClass.set(c.name, [...(filesOfClass.get(c.name) ?? []), file]);
    }
    for (const m of facts.modules) {
      const existing = modules.get(m.name);
      modules.set(m.name, existing ? { ...mergeScope(existing, m), isConcern: existing.isConcern || m.isConcern } : { ...m });
      if (!moduleFile.has(m.name)) moduleFile.set(m.name, file);
    }
  }
  return { classes, modules, filesOfClass, moduleFile };
}

function mergeScope<T extends ClassFacts | ModuleFacts>(a: T, b: T): T {
  return {
    ...a,
    includes: [...a.includes, ...b.includes],
    associations: [...a.associations, ...b.associations],
    tableNamePrefix: b.tableNamePrefix ?? a.tableNamePrefix,
    tableNameSuffix: b.tableNameSuffix ?? a.tableNameSuffix,
    pluralizeTableNames: b.pluralizeTableNames ?? a.pluralizeTableNames,
    dynamicSettings: [...a.dynamicSettings, ...b.dynamicSettings],
  };
}

function mergeClass(a: ClassFacts, b: ClassFacts): ClassFacts {
  return {
    ...mergeScope(a, b),
    superclass: a.superclass ?? b.superclass,
    tableName: b.tableName ?? a.tableName,
    tableNameMethod: b.tableNameMethod ?? a.tableNameMethod,
    abstract: a.abstract || b.abstract,
  };
}

/** "A::B::C" -> ["A::B", "A"] (Ruby's module_parents, without Object). */
export function moduleParents(name: string): string[] {
  const parts = name.split("::");
  const out: string[] = [];
  for (let i = parts.length - 1; i > 0; i--) out.push(parts.slice(0, i).join("::"));
  return out;
}

/**
 * ActiveRecord's view of the record classes: every class that descends from
 * ActiveRecord::Base through classes the sources define.
 */
export function recordClasses(constants: Constants, inflector: Inflector): Map<string, RecordClass> {
  const { classes, modules } = constants;

  const known = (name: string) => classes.has(name) || modules.has(name);

  /** Ruby's lexical lookup of a constant written in a scope nested as `nesting` (innermost first). */
  const resolve = (ref: string, nesting: string[]): string | null => {
    if (ref.startsWith("::")) return known(ref.slice(2)) ? ref.slice(2) : null;
    for (const scope of nesting) if (known(`${scope}::${ref}`)) return `${scope}::${ref}`;
    return known(ref) ? ref : null;
  };

  const superOf = memo((name: string): string | null => {
    const c = classes.get(name);
    if (!c?.superclass) return null;
    const written = c.superclass.replace(/^::/, "");
    if (written === AR_BASE) return AR_BASE;
    // The superclass is read where `class` is written: outside the class's own body.
    const found = resolve(c.superclass, c.nesting.slice(1));
    return found && classes.has(found) ? found : null;
  });

  const ancestorsOf = memo((name: string): string[] => {
    const out: string[] = [];
    for (let sup = superOf(name); sup && sup !== AR_BASE && !out.includes(sup) && sup !== name; sup = superOf(sup)) out.push(sup);
    return out;
  });

  const isRecord = memo((name: string): boolean => {
    const chain = [name, ...ancestorsOf(name)];
    return superOf(chain[chain.length - 1]!) === AR_BASE;
  });

  const isAbstract = (name: string) => classes.get(name)?.abstract === true;

  /** Superclass unless it is ActiveRecord::Base. */
  const parentRecord = (name: string): string | null => {
    const sup = superOf(name);
    return sup && sup !== AR_BASE ? sup : null;
  };

  /** ActiveRecord's base_class: the class under ActiveRecord::Base or under an abstract class. */
  const baseClassOf = memo(
    (name: string): string => {
      const sup = parentRecord(name);
      return sup === null || isAbstract(sup) ? name : baseClassOf(sup);
    },
    (name) => name,
  );

  const dynamic = (name: string, setting: string) => (classes.get(name) ?? modules.get(name))?.dynamicSettings.includes(setting) === true;

  /** A class_attribute (table_name_prefix, ...): the nearest class in the chain that sets it, as assignment or method. */
  const classAttribute = <T>(name: string, setting: string, read: (c: ClassFacts) => T | null): T | null | typeof UNKNOWN => {
    for (const k of [name, ...ancestorsOf(name)]) {
      if (dynamic(k, setting)) return UNKNOWN;
      const value = read(classes.get(k)!);
      if (value !== null) return value;
    }
    return null;
  };

  const pluralizes = (name: string): boolean | typeof UNKNOWN => classAttribute(name, "pluralize_table_names", (c) => c.pluralizeTableNames) ?? true;

  /**
   * full_table_name_prefix / _suffix: the innermost enclosing namespace that
   * responds to it (a model always does, with its class attribute; a module
   * when it defines it), else the class's own.
   */
  const affix = (name: string, setting: "table_name_prefix" | "table_name_suffix"): string | typeof UNKNOWN => {
    const read = (f: ClassFacts | ModuleFacts) => (setting === "table_name_prefix" ? f.tableNamePrefix : f.tableNameSuffix);
    for (const parent of moduleParents(name)) {
      if (classes.has(parent) && isRecord(parent)) return classAttribute(parent, setting, read) ?? "";
      if (dynamic(parent, setting)) return UNKNOWN;
      const f = modules.get(parent) ?? classes.get(parent);
      const value = f ? read(f) : null;
      if (value !== null) return value;
    }
    return classAttribute(name, setting, read) ?? "";
  };

  /** A concern the class includes sets a table-name setting on it (in `included do`): not followed, so the table is unknown. */
  const settingFromConcern = (name: string): boolean => {
    const c = classes.get(name)!;
    return concernsOf(c.includes, c.nesting).some((m) => modules.get(m)!.dynamicSettings.some((s) => s.startsWith("includer ")));
  };

  const tableNameOf: (name: string) => TableName = memo(
    (name: string): TableName => {
      // A `def self.table_name` in the class or an ancestor is found before ActiveRecord's own method.
      for (const k of [name, ...ancestorsOf(name)]) {
        if (dynamic(k, "table_name") || dynamic(k, "abstract_class") || settingFromConcern(k)) return UNKNOWN;
        const method = classes.get(k)!.tableNameMethod;
        if (method !== null) return method;
      }
      const own = classes.get(name)!.tableName;
      if (own !== null) return own;
      // reset_table_name
      const sup = parentRecord(name);
      if (isAbstract(name)) return sup === null ? null : tableNameOf(sup);
      if (sup !== null && isAbstract(sup)) return tableNameOf(sup) ?? computeTableName(name);
      return computeTableName(name);
    },
    () => UNKNOWN,
  );

  const computeTableName = (name: string): TableName => {
    const base = baseClassOf(name);
    if (base !== name) return tableNameOf(base);
    // Nested classes are prefixed with the singular table name of the model they are nested in.
    let contained = "";
    const parent = moduleParents(name)[0];
    if (parent && classes.has(parent) && isRecord(parent) && !isAbstract(parent)) {
      const parentTable = tableNameOf(parent);
      const plural = pluralizes(parent);
      if (parentTable === UNKNOWN || plural === UNKNOWN) return UNKNOWN;
      contained = `${plural ? inflector.singularize(parentTable ?? "") : parentTable}_`;
    }
    const prefix = affix(name, "table_name_prefix");
    const suffix = affix(name, "table_name_suffix");
    const plural = pluralizes(name);
    if (prefix === UNKNOWN || suffix === UNKNOWN || plural === UNKNOWN) return UNKNOWN;
    const undecorated = inflector.underscore(inflector.demodulize(name));
    return `${prefix}${contained}${plural ? inflector.pluralize(undecorated) : undecorated}${suffix}`;
  };

  /** Concern modules a scope includes, transitively, resolved from the includer's nesting. */
  const concernsOf = (includes: string[], nesting: string[], seen = new Set<string>()): string[] => {
    for (const ref of includes) {
      const target = resolve(ref, nesting);
      if (!target || seen.has(target) || !modules.has(target)) continue;
      seen.add(target);
      const m = modules.get(target)!;
      concernsOf(m.includes, m.nesting, seen);
    }
    return [...seen];
  };

  /** The class's reflections by name: inherited ones, then those of its concerns, then its own; a later one replaces an earlier. */
  const reflectionsOf = memo(
    (name: string): Map<string, Reflection> => {
      const sup = parentRecord(name);
      const out = new Map(sup ? reflectionsOf(sup) : []);
      const c = classes.get(name)!;
      for (const concern of concernsOf(c.includes, c.nesting)) {
        for (const association of modules.get(concern)!.associations) out.set(association.name, { association, declaring: name });
      }
      for (const association of c.associations) out.set(association.name, { association, declaring: name });
      return out;
    },
    () => new Map(),
  );

  /** compute_type: "X" from Billing::Invoice is Billing::Invoice::X, else Billing::X, else X; "::X" is X only. */
  const candidatesFor = (declaring: string, typeName: string): string[] => {
    if (typeName.startsWith("::")) return [typeName.slice(2)];
    return [[declaring, ...moduleParents(declaring)].map((scope) => `${scope}::${typeName}`), typeName].flat();
  };
  const computeType = (declaring: string, typeName: string): string | null => candidatesFor(declaring, typeName).find(known) ?? null;

  const isModel = (name: string | null): name is string => name !== null && classes.has(name) && isRecord(name);

  /** The class name a reflection stands for, as ActiveRecord derives it (null when it cannot: a through chain that breaks). */
  const classNameOf = (reflection: Reflection, depth = 0): string | null => {
    const a = reflection.association;
    if (a.className !== null) return a.className;
    if (a.through === null) return inflector.camelize(a.kind === "has_many" || a.kind === "has_and_belongs_to_many" ? inflector.singularize(a.name) : a.name);
    if (a.sourceType !== null) return a.sourceType;
    const source = sourceReflection(reflection, depth);
    return source ? classNameOf(source, depth + 1) : null;
  };

  /** The association a through association reaches its records by, on the through association's class. */
  const sourceReflection = (reflection: Reflection, depth: number): Reflection | null => {
    const a = reflection.association;
    if (depth > 20) return null;
    const through = reflectionsOf(reflection.declaring).get(a.through!);
    if (!through) return null;
    const throughName = classNameOf(through, depth + 1);
    const throughClass = throughName === null ? null : computeType(through.declaring, throughName);
    if (!isModel(throughClass)) return null;
    const onThrough = reflectionsOf(throughClass);
    const names = a.source !== null ? [a.source] : [...new Set([inflector.singularize(a.name), a.name])].filter((n) => onThrough.has(n));
    // Both the singular and the plural name exist: ActiveRecord refuses to guess.
    if (names.length !== 1) return null;
    return onThrough.get(names[0]!) ?? null;
  };

  const tableOf = (name: string | null): TableName => (isModel(name) ? tableNameOf(name) : null);

  // An inherited reflection is the same object in every subclass (an STI family of hundreds): resolved once.
  const resolved = new WeakMap<Reflection, ResolvedAssociation>();
  const resolveAssociation = (reflection: Reflection): ResolvedAssociation => {
    const cached = resolved.get(reflection);
    if (cached) return cached;
    const a = reflection.association;
    const typeName = a.polymorphic ? null : classNameOf(reflection);
    const candidates = typeName === null ? [] : candidatesFor(reflection.declaring, typeName);
    const className = typeName === null ? null : computeType(reflection.declaring, typeName);
    const table = tableOf(className);
    let joinTable: TableName = null;
    if (a.kind === "has_and_belongs_to_many") {
      const ownTable = tableNameOf(reflection.declaring);
      if (a.joinTable !== null) joinTable = a.joinTable;
      else if (ownTable === UNKNOWN || table === UNKNOWN) joinTable = UNKNOWN;
      else if (typeof ownTable === "string" && typeof table === "string") joinTable = deriveJoinTableName(ownTable, table);
    }
    const answer: ResolvedAssociation = { kind: a.kind, className, table, joinTable, candidates, reflection };
    resolved.set(reflection, answer);
    return answer;
  };

  const out = new Map<string, RecordClass>();
  for (const name of [...classes.keys()].sort()) {
    if (!isRecord(name)) continue;
    const associations = new Map<string, ResolvedAssociation>();
    for (const [assocName, reflection] of reflectionsOf(name)) associations.set(assocName, resolveAssociation(reflection));
    const c = classes.get(name)!;
    out.set(name, {
      name,
      abstract: isAbstract(name),
      table: tableNameOf(name),
      superclass: parentRecord(name),
      ancestors: ancestorsOf(name),
      concerns: concernsOf(c.includes, c.nesting),
      associations,
    });
  }
  return out;
}

/** ActiveRecord's derive_join_table_name: sorted, joined by "_", a common prefix written once ("music_artists", "music_records" -> "music_artists_records"). */
export function deriveJoinTableName(first: string, second: string): string {
  return [first, second]
    .sort()
    .join("\0")
    .replace(/^(.*_)(.+)\0\1(.+)/, "$1$2_$3")
    .replace(/\0/g, "_");
}

/** Memoize a function of a name; while a name is being computed, a call for it again (a cycle in bad input) answers `onCycle(name)`. */
function memo<R>(fn: (name: string) => R, onCycle?: (name: string) => R): (name: string) => R {
  const cache = new Map<string, R>();
  const busy = new Set<string>();
  return (name) => {
    if (cache.has(name)) return cache.get(name)!;
    if (busy.has(name) && onCycle) return onCycle(name);
    busy.add(name);
    try {
      const value = fn(name);
      cache.set(name, value);
      return value;
    } finally {
      busy.delete(name);
    }
  };
}
