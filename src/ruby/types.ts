/**
 * Facts extracted from Ruby sources. Plain JSON data: they are cached in
 * cacheDir by content hash, so a file is parsed once per content.
 */

/** One table of db/schema.rb: its create_table block plus the top-level statements that name it. */
export interface SchemaTable {
  name: string;
  /** Source of the create_table statement, then each top-level statement attributed to it (add_foreign_key, add_index, ...), LF line endings, joined by "\n". */
  source: string;
  /** SHA-256 of the same statements' canonical form (canonical.ts): what they say, without comments, blank lines or layout. */
  declarations: string;
  /** 1-based line of `create_table`. */
  line: number;
  /** Tables this one points at: add_foreign_key "this", "other" and t.references ..., foreign_key: true / { to_table: }. */
  foreignKeys: string[];
  /** Column names ending in `_id` (for cascade "foreign-keys" inference). */
  idColumns: string[];
  /** Enum types (create_enum names) its columns use via `enum_type:`. */
  enumTypes: string[];
}

export interface ParsedSchema {
  /** The `define(version: ...)` value with underscores removed, e.g. "20240105120000", or null. */
  version: string | null;
  tables: SchemaTable[];
  /** create_enum "name", [...] statements: name -> source. */
  enums: Record<string, string>;
  /** Every other top-level statement (enable_extension, execute, create_schema, ...), LF, joined by "\n". Not the define/version line. */
  preamble: string;
}

export type AssociationKind = "belongs_to" | "has_many" | "has_one" | "has_and_belongs_to_many";

export interface Association {
  kind: AssociationKind;
  name: string;
  /** class_name: as written (string or constant), or null when not given. */
  className: string | null;
  through: string | null;
  source: string | null;
  polymorphic: boolean;
  /** as: :notable */
  as: string | null;
  joinTable: string | null;
  /** source_type: on a through association whose source is polymorphic. */
  sourceType: string | null;
  /** true when a target-deciding option is not a literal (class_name: some_call), so the target cannot be known statically. */
  dynamic: boolean;
  line: number;
}

interface ScopeFacts {
  /** Fully qualified constant name from lexical nesting and compact paths, e.g. "Admin::AuditLog". */
  name: string;
  /** Lexical scopes for constant lookup, innermost first, e.g. ["Admin::AuditLog", "Admin"]; empty at top level. */
  nesting: string[];
  /** Constants passed to `include`, as written ("Notable", "Admin::Trackable"). */
  includes: string[];
  associations: Association[];
  /** `def self.table_name_prefix; "admin_"; end` or `self.table_name_prefix = "admin_"`. */
  tableNamePrefix: string | null;
  /** `def self.table_name_suffix; "_v2"; end` or `self.table_name_suffix = "_v2"`. */
  tableNameSuffix: string | null;
  /** `self.pluralize_table_names = false` (or true, or the same as a method). */
  pluralizeTableNames: boolean | null;
  /** Settings that decide table names but are computed at run time (`self.table_name = name_from_env`): "table_name", "table_name_prefix", ... */
  dynamicSettings: string[];
  line: number;
}

export interface ClassFacts extends ScopeFacts {
  /** Superclass as written ("ApplicationRecord", "::ActiveRecord::Base", "Person"), null when none. */
  superclass: string | null;
  /** `self.table_name = "x"` (string or symbol literal): this class's own table. */
  tableName: string | null;
  /** `def self.table_name; "x"; end`: a method, so subclasses answer the same unless they define their own. */
  tableNameMethod: string | null;
  /** `self.abstract_class = true` or `primary_abstract_class`. */
  abstract: boolean;
}

export interface ModuleFacts extends ScopeFacts {
  /** `extend ActiveSupport::Concern` */
  isConcern: boolean;
}

export interface RubyFileFacts {
  classes: ClassFacts[];
  modules: ModuleFacts[];
}

export interface MigrationFacts {
  /** Leading digits of the file name (Rails migration version), or null. */
  version: string | null;
  /** Tables the migration creates, changes, renames (both names) or drops. */
  tables: string[];
  /** true when it may touch tables we cannot name (execute, non-literal table names, unknown schema statements). */
  unknown: boolean;
}

/**
 * One statement of config/initializers/inflections.rb, in the order written:
 * ActiveSupport applies them one after the other to the default rules, and a
 * later statement can undo an earlier one (an irregular after an uncountable).
 */
export type InflectionRule =
  | {
      kind: "plural" | "singular";
      /** JS RegExp source and flags (a String rule is escaped: Ruby matches it literally). */
      pattern: string;
      flags: string;
      /** JS replacement, $1-style groups. */
      replacement: string;
      /** Uncountables the rule removes, as ActiveSupport does: the rule when written as a String, and the replacement as written. */
      deletes: string[];
    }
  | { kind: "irregular"; singular: string; plural: string }
  | { kind: "uncountable"; words: string[] }
  | { kind: "acronym"; word: string }
  | { kind: "clear"; scope: ClearScope };

export type ClearScope = "all" | "plurals" | "singulars" | "uncountables" | "humans" | "acronyms";

export type InflectionRules = InflectionRule[];
