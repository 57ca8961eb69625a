// Turns the parsed schema + models into what the templates need, per table.
// Part of the zero:active_models STAND-IN.
//
// What one table's view may use (and nothing else; zero-models relies on it):
//   - its create_table block, its own add_foreign_key lines, the create_enum
//     blocks its columns use;
//   - its model file(s) (base class and STI subclasses) and the concerns they include;
//   - for each table directly linked to it by an association (targets of its
//     associations, models whose associations target it, and for a polymorphic
//     belongs_to the models declaring `as:`): that table's model file(s) and
//     create_table header (primary key);
//   - the inflections, the templates and this generator's source.
import { primaryKeyOf, primaryKeyType } from "./schema_reader.mjs";
import { camelize, classify, demodulize, pluralize, singularize, underscore } from "./inflections.mjs";
import { Skip, stderrWarner } from "./warnings.mjs";

const KIND = {
  belongs_to: "belongsTo",
  has_one: "hasOne",
  has_many: "hasMany",
  has_and_belongs_to_many: "hasAndBelongsToMany",
};

const TS_TYPES = {
  string: "string",
  text: "string",
  citext: "string",
  uuid: "string",
  inet: "string",
  cidr: "string",
  macaddr: "string",
  binary: "string",
  xml: "string",
  tsvector: "string",
  interval: "string",
  date: "string",
  time: "string",
  // Zero represents timestamps as epoch milliseconds.
  datetime: "number",
  timestamp: "number",
  timestamptz: "number",
  integer: "number",
  bigint: "number",
  smallint: "number",
  float: "number",
  real: "number",
  decimal: "number",
  numeric: "number",
  serial: "number",
  bigserial: "number",
  boolean: "boolean",
  json: "unknown",
  jsonb: "unknown",
  hstore: "Record<string, string | null>",
};

const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const sortedUnique = (xs) => [...new Set(xs)].sort(byString);

export function namesFor(className) {
  const snake = underscore(className).replace(/\//g, "_");
  return {
    className,
    model: className.replace(/::/g, ""),
    snake,
    kebab: snake.replace(/_/g, "-"),
  };
}

export class AppModel {
  constructor(schema, { classes, modules }, warn = stderrWarner()) {
    this.schema = schema;
    this.warn = warn;
    this.classes = classes;
    this.modules = modules;
    this.classNames = [...classes.keys()].sort(byString);
    this.targetCache = new Map();
    // Memos: the classes never change once read, and without them a run over
    // an app of thousands of tables is quadratic (every table asks about every class).
    this.memo = { isModel: new Map(), tableName: new Map(), ownAssociations: new Map(), byTable: null, subclasses: null, referencedBy: null };
  }

  // ---- constants & classes -------------------------------------------------

  resolveConst(name, fromName, map) {
    if (name.startsWith("::")) return map.get(name.slice(2)) ?? null;
    const parts = fromName ? fromName.split("::") : [];
    for (let i = parts.length; i >= 0; i--) {
      const candidate = [...parts.slice(0, i), name].join("::");
      if (map.has(candidate)) return map.get(candidate);
    }
    return null;
  }

  superclassOf(record) {
    if (!record.superclass) return null;
    return this.resolveConst(record.superclass, record.name.split("::").slice(0, -1).join("::"), this.classes);
  }

  isModel(record, seen) {
    if (!seen) {
      if (!this.memo.isModel.has(record)) this.memo.isModel.set(record, this.isModel(record, new Set()));
      return this.memo.isModel.get(record);
    }
    if (seen.has(record.name)) return false;
    seen.add(record.name);
    if (!record.superclass) return false;
    if (/^(::)?ActiveRecord::Base$/.test(record.superclass)) return true;
    const sup = this.superclassOf(record);
    return sup ? this.isModel(sup, seen) : false;
  }

  baseClass(record) {
    let current = record;
    for (let sup = this.superclassOf(current); sup && !sup.abstract && this.isModel(sup); sup = this.superclassOf(current)) {
      current = sup;
    }
    return current;
  }

  tableNameOf(record) {
    if (!this.memo.tableName.has(record)) this.memo.tableName.set(record, this.computeTableName(record));
    return this.memo.tableName.get(record);
  }

  computeTableName(record) {
    if (!this.isModel(record) || record.abstract) return null;
    if (typeof record.tableName === "string") return record.tableName;
    const base = this.baseClass(record);
    if (base !== record) return this.tableNameOf(base);
    const parts = record.name.split("::");
    let contained = "";
    const parent = this.classes.get(parts.slice(0, -1).join("::"));
    if (parent && this.isModel(parent) && !parent.abstract) contained = `${singularize(this.tableNameOf(parent))}_`;
    let prefix = "";
    for (let i = parts.length - 1; i >= 1; i--) {
      const ns = parts.slice(0, i).join("::");
      const cls = this.classes.get(ns);
      if (cls && this.isModel(cls)) break;
      const mod = this.modules.get(ns);
      if (mod && typeof mod.tableNamePrefix === "string") {
        prefix = mod.tableNamePrefix;
        break;
      }
    }
    return `${prefix}${contained}${pluralize(underscore(demodulize(record.name)))}`;
  }

  /** Concrete model classes (base classes) mapped to `table`, sorted by name. */
  baseModelsFor(table) {
    if (!this.memo.byTable) {
      this.memo.byTable = new Map();
      for (const c of this.classNames.map((n) => this.classes.get(n))) {
        if (!(this.isModel(c) && !c.abstract && this.baseClass(c) === c)) continue;
        const t = this.tableNameOf(c);
        if (!this.memo.byTable.has(t)) this.memo.byTable.set(t, []);
        this.memo.byTable.get(t).push(c);
      }
    }
    return this.memo.byTable.get(table) ?? [];
  }

  modelRecordFor(table) {
    return this.baseModelsFor(table)[0] ?? null;
  }

  /** File naming of a table: from its model class, or classify(table) without one. */
  namesForTable(table) {
    const record = this.modelRecordFor(table);
    return { ...namesFor(record ? record.name : classify(table)), hasModelFile: Boolean(record) };
  }

  stiSubclasses(record) {
    if (!this.memo.subclasses) {
      this.memo.subclasses = new Map();
      for (const c of this.classNames.map((n) => this.classes.get(n))) {
        if (!this.isModel(c)) continue;
        const base = this.baseClass(c);
        if (base === c) continue;
        if (!this.memo.subclasses.has(base)) this.memo.subclasses.set(base, []);
        this.memo.subclasses.get(base).push(c);
      }
    }
    return this.memo.subclasses.get(record) ?? [];
  }

  // ---- associations --------------------------------------------------------

  /** Associations declared by the class itself, concerns expanded in place. */
  ownAssociations(record) {
    if (!this.memo.ownAssociations.has(record)) this.memo.ownAssociations.set(record, this.expandAssociations(record));
    return this.memo.ownAssociations.get(record);
  }

  expandAssociations(record) {
    const out = [];
    const expand = (items, fromName, seen) => {
      for (const a of items) {
        if (a.kind !== "include") {
          out.push(a);
          continue;
        }
        const mod = this.resolveConst(a.name, fromName, this.modules);
        if (!mod || seen.has(mod.name)) continue;
        expand(mod.associations, mod.name, new Set([...seen, mod.name]));
      }
    };
    expand(record.associations, record.name, new Set());
    return out;
  }

  /** Associations available on the class (its own, then inherited ones). */
  findAssociation(record, name) {
    for (let cur = record; cur; cur = this.superclassOf(cur)) {
      const found = this.ownAssociations(cur).find((a) => a.name === name);
      if (found) return found;
    }
    return null;
  }

  /**
   * Target of an association: { polymorphic: true, classNames: [...] } or
   * { classNames: [one] }, plus `through`/`source` for :through associations.
   */
  resolveTarget(assoc, owner, stack = new Set()) {
    const key = `${owner.name}#${assoc.name}`;
    if (this.targetCache.has(key)) return this.targetCache.get(key);
    if (stack.has(key)) throw new Skip(`${assoc.source}: circular :through association ${key}`);
    try {
      this.targetCache.set(key, this.computeTarget(assoc, owner, new Set([...stack, key])));
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      // Skipped where it is declared; a :through association relying on it is skipped too, saying why.
      if (stack.size > 0) throw error;
      this.warn(`${error.message}; association skipped`);
      this.targetCache.set(key, null);
    }
    return this.targetCache.get(key);
  }

  /** resolveTarget's work; throws Skip when the association cannot be followed. */
  computeTarget(assoc, owner, stack) {
    const o = assoc.options;
    let result;
    if (assoc.kind === "belongs_to" && o.polymorphic === true) {
      const ownerTable = this.tableNameOf(owner);
      const declarers = [];
      for (const name of this.classNames) {
        const cls = this.classes.get(name);
        if (!this.isModel(cls) || cls.abstract) continue;
        for (const a of this.ownAssociations(cls)) {
          if (a.options.as !== assoc.name) continue;
          const t = this.resolveTarget(a, cls, stack);
          if (t === null) continue;
          const tables = t.classNames.map((n) => this.classes.get(n)).filter(Boolean).map((c) => this.tableNameOf(c));
          if (tables.includes(ownerTable)) declarers.push(this.baseClass(cls).name);
        }
      }
      result = { polymorphic: true, classNames: sortedUnique(declarers) };
    } else if (typeof o.through === "string") {
      const throughAssoc = this.findAssociation(owner, o.through);
      if (!throughAssoc) {
        throw new Skip(`${assoc.source}: ${owner.name}#${assoc.name} goes through :${o.through}, which ${owner.name} does not declare`);
      }
      const throughTarget = this.resolveTarget(throughAssoc, owner, stack);
      const throughClass = this.classes.get(throughTarget.classNames[0] ?? "");
      if (throughTarget.polymorphic || !throughClass) {
        throw new Skip(`${assoc.source}: cannot go through :${o.through} of ${owner.name}`);
      }
      const sourceNames = typeof o.source === "string" ? [o.source] : [singularize(assoc.name), assoc.name];
      const sourceAssoc = sourceNames.map((n) => this.findAssociation(throughClass, n)).find(Boolean);
      if (!sourceAssoc) {
        throw new Skip(
          `${assoc.source}: source association ${sourceNames.map((n) => `:${n}`).join(" or ")} not found on ${throughClass.name}`,
        );
      }
      let classNames;
      if (sourceAssoc.kind === "belongs_to" && sourceAssoc.options.polymorphic === true) {
        if (typeof o.source_type !== "string") {
          throw new Skip(`${assoc.source}: ${owner.name}#${assoc.name} needs source_type: (polymorphic source)`);
        }
        classNames = [this.resolveConst(o.source_type, owner.name, this.classes)?.name ?? o.source_type];
      } else {
        classNames = this.resolveTarget(sourceAssoc, throughClass, stack).classNames;
      }
      result = { classNames, through: o.through, source: sourceAssoc.name };
    } else {
      const guess =
        typeof o.class_name === "string"
          ? o.class_name
          : assoc.kind === "has_many" || assoc.kind === "has_and_belongs_to_many"
            ? camelize(singularize(assoc.name))
            : camelize(assoc.name);
      const record = this.resolveConst(guess, owner.name, this.classes);
      result = { classNames: [record ? record.name : guess.replace(/^::/, "")] };
    }
    return result;
  }

  targetTables(target) {
    return sortedUnique(
      target.classNames
        .map((n) => this.classes.get(n))
        .filter(Boolean)
        .map((c) => this.tableNameOf(c))
        .filter(Boolean),
    );
  }

  /** Naming of the generated files that hold a target class's data type. */
  namesForClass(className) {
    const record = this.classes.get(className);
    const table = record ? this.tableNameOf(record) : null;
    if (table && this.schema.tables.has(table)) return { ...this.namesForTable(table), table };
    return { ...namesFor(className), table };
  }

  // ---- views ---------------------------------------------------------------

  tableView(tableName) {
    const table = this.schema.tables.get(tableName);
    const names = this.namesForTable(tableName);
    const record = this.modelRecordFor(tableName);
    const subclasses = record ? this.stiSubclasses(record) : [];
    const pk = primaryKeyOf(table);
    const ownFks = this.schema.foreignKeys.filter((fk) => fk.from === tableName);

    // Associations of the table's classes (base first, then STI subclasses).
    const declared = [];
    for (const cls of record ? [record, ...subclasses] : []) {
      for (const a of this.ownAssociations(cls)) declared.push({ assoc: a, owner: cls });
    }

    const imports = new Map();
    const followed = declared.filter(({ assoc, owner }) => this.resolveTarget(assoc, owner) !== null);
    const relationships = followed.map(({ assoc, owner }) => {
      const target = this.resolveTarget(assoc, owner);
      const targets = target.classNames.map((n) => this.namesForClass(n));
      for (const t of targets) if (t.model !== names.model) imports.set(t.kebab, t);
      const dataTypes = targets.map((t) => `${t.model}Data`);
      const o = assoc.options;
      let sourceField = null;
      let destField = null;
      let typeField = null;
      let typeValue = null;
      if (target.through) {
        // Resolved by following the :through association.
      } else if (assoc.kind === "belongs_to") {
        sourceField = String(o.foreign_key ?? `${assoc.name}_id`);
        typeField = target.polymorphic ? String(o.foreign_type ?? `${assoc.name}_type`) : null;
        if (o.primary_key) destField = String(o.primary_key);
        else if (target.polymorphic) destField = "id";
        else destField = this.primaryKeyOfTable(targets[0]?.table) ?? "id";
      } else if (assoc.kind === "has_and_belongs_to_many") {
        sourceField = pk[0] ?? "id";
        destField = String(o.association_foreign_key ?? `${underscore(demodulize(target.classNames[0]))}_id`);
      } else {
        sourceField = String(o.primary_key ?? pk[0] ?? "id");
        if (typeof o.as === "string") {
          destField = String(o.foreign_key ?? `${o.as}_id`);
          typeField = `${o.as}_type`;
          typeValue = this.baseClass(owner).name;
        } else {
          destField = String(o.foreign_key ?? `${underscore(demodulize(owner.name))}_id`);
        }
      }
      const union = dataTypes.length === 0 ? "never" : dataTypes.join(" | ");
      const many = assoc.kind === "has_many" || assoc.kind === "has_and_belongs_to_many";
      return {
        name: assoc.name,
        kind: KIND[assoc.kind],
        definedIn: assoc.declaredIn,
        polymorphic: Boolean(target.polymorphic),
        models: JSON.stringify(targets.map((t) => t.model)),
        tables: JSON.stringify(targets.map((t) => t.table)),
        through: target.through ? JSON.stringify(target.through) : "null",
        source: target.through ? JSON.stringify(target.source) : "null",
        sourceField: JSON.stringify(sourceField),
        destField: JSON.stringify(destField),
        typeField: JSON.stringify(typeField),
        typeValue: JSON.stringify(typeValue),
        tsType: many ? `Array<${union}>` : `${union} | null`,
      };
    });

    // Models (of any table) whose associations point at this table.
    const referencedBy = this.referencedByIndex().get(tableName) ?? [];

    // Polymorphic belongs_to: the *_type column can only hold the declarers.
    const typeUnions = new Map();
    for (const { assoc, owner } of followed) {
      const target = this.resolveTarget(assoc, owner);
      if (target.polymorphic && target.classNames.length > 0) {
        typeUnions.set(String(assoc.options.foreign_type ?? `${assoc.name}_type`), target.classNames);
      }
    }
    if (record) {
      const stiColumn = record.inheritanceColumn ?? "type";
      if (table.columns.some((c) => c.name === stiColumn)) {
        typeUnions.set(stiColumn, [record.name, ...subclasses.map((c) => c.name)]);
      }
    }

    const columns = [];
    if (pk.length === 1 && !table.columns.some((c) => c.name === pk[0])) {
      columns.push({
        name: pk[0],
        key: safeKey(pk[0]),
        tsType: TS_TYPES[primaryKeyType(table)] ?? "string",
        comment: "primary key",
      });
    }
    for (const col of table.columns) {
      let tsType;
      if (typeUnions.has(col.name)) {
        tsType = typeUnions.get(col.name).map((v) => JSON.stringify(v)).join(" | ");
      } else if (col.type === "enum") {
        const values = this.schema.enums.get(String(col.options.enum_type).replace(/^public\./, ""));
        if (!values) this.warn(`db/schema.rb: ${tableName}.${col.name} uses enum ${col.options.enum_type}, which no create_enum defines; typed as string`);
        tsType = values ? values.map((v) => JSON.stringify(v)).join(" | ") : "string";
      } else {
        tsType = TS_TYPES[col.type] ?? "unknown";
      }
      if (col.options.array === true) tsType = `Array<${tsType}>`;
      const nullable = col.options.null !== false && !pk.includes(col.name);
      if (nullable) tsType = `${tsType} | null`;
      const comments = [];
      if (pk.includes(col.name)) comments.push("primary key");
      for (const fk of ownFks) {
        const column = String(fk.options.column ?? `${singularize(fk.to)}_id`);
        if (column === col.name) comments.push(`references ${fk.to}.${fk.options.primary_key ?? "id"}`);
      }
      if (col.type === "enum") comments.push(`enum ${col.options.enum_type}`);
      columns.push({ name: col.name, key: safeKey(col.name), tsType, comment: comments.join("; ") });
    }

    return {
      ...names,
      table: tableName,
      primaryKey: JSON.stringify(pk.length === 1 ? pk[0] : pk),
      columns,
      imports: [...imports.values()].sort((a, b) => byString(a.kebab, b.kebab)),
      relationships,
      hasRelationships: relationships.length > 0,
      referencedBy,
      subclasses: subclasses.map((c) => ({ name: c.name, json: JSON.stringify(c.name) })),
    };
  }

  /** table -> the associations (of any model) pointing at it, in class then declaration order. */
  referencedByIndex() {
    if (this.memo.referencedBy) return this.memo.referencedBy;
    const index = new Map();
    for (const name of this.classNames) {
      const cls = this.classes.get(name);
      if (!this.isModel(cls) || cls.abstract) continue;
      for (const a of this.ownAssociations(cls)) {
        const target = this.resolveTarget(a, cls);
        if (target === null) continue;
        for (const table of this.targetTables(target)) {
          if (!index.has(table)) index.set(table, []);
          index.get(table).push({
            model: namesFor(name).model,
            className: name,
            association: a.name,
            kind: KIND[a.kind],
            through: target.through ? JSON.stringify(target.through) : "null",
          });
        }
      }
    }
    this.memo.referencedBy = index;
    return index;
  }

  primaryKeyOfTable(table) {
    const t = table ? this.schema.tables.get(table) : null;
    return t ? (primaryKeyOf(t)[0] ?? null) : null;
  }

  sharedView(tableNames) {
    const models = tableNames.map((t) => ({ ...this.namesForTable(t), table: t }));
    return {
      models: [...models].sort((a, b) => byString(a.kebab, b.kebab)),
      loggable: models.filter((m) => m.hasModelFile).sort((a, b) => byString(a.model, b.model)),
    };
  }
}

function safeKey(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
