/**
 * Rails-compatible inflector built on `inflected` (a port of ActiveSupport's
 * inflector).
 *
 * `inflected` keeps its rules in process-global state. Each Inflector created
 * here owns a rule set; before every call it makes sure the global "en" rules
 * are exactly the defaults plus its own rules (re-applying them when another
 * inflector was used in between). So several inflectors with different rules
 * can coexist in one process without leaking rules into each other.
 */
// `inflected` ships no type declarations; the shape we use is declared below.
// @ts-ignore -- untyped package (UMD main, ESM "module"); both expose these named exports.
import * as inflectedModule from "inflected";
import type { InflectionRules } from "./types.js";

type Rule = [RegExp | string, string];

interface InflectedInflections {
  plurals: Rule[];
  singulars: Rule[];
  uncountables: string[];
  humans: Rule[];
  acronyms: Record<string, string>;
  acronymRegex: RegExp;
  plural(rule: RegExp | string, replacement: string): void;
  singular(rule: RegExp | string, replacement: string): void;
  irregular(singular: string, plural: string): void;
  uncountable(...words: string[]): void;
  acronym(word: string): void;
}

interface InflectedApi {
  pluralize(word: string, locale?: string): string;
  singularize(word: string, locale?: string): string;
  camelize(term: string, uppercaseFirstLetter?: boolean): string;
  underscore(word: string): string;
  inflections(locale: string): InflectedInflections;
}

const inflected = inflectedModule as unknown as InflectedApi;

export interface Inflector {
  pluralize(s: string): string;
  singularize(s: string): string;
  /** "admin/audit_log" -> "Admin::AuditLog" (Rails' camelize). */
  camelize(s: string): string;
  /** "Admin::AuditLog" -> "admin/audit_log" (Rails' underscore). */
  underscore(s: string): string;
  /** "audit_logs" -> "AuditLog"; "admin/audit_logs" -> "Admin::AuditLog". */
  classify(table: string): string;
  /** "Person" -> "people"; "Admin::AuditLog" -> "admin/audit_logs" (Rails' tableize). */
  tableize(className: string): string;
  /** "Admin::AuditLog" -> "AuditLog" (same as the exported demodulize). */
  demodulize(s: string): string;
}

type Rules = Pick<InflectedInflections, "plurals" | "singulars" | "uncountables" | "humans" | "acronyms" | "acronymRegex">;

function copyRules(inf: InflectedInflections): Rules {
  return {
    plurals: inf.plurals.slice(),
    singulars: inf.singulars.slice(),
    uncountables: inf.uncountables.slice(),
    humans: inf.humans.slice(),
    acronyms: { ...inf.acronyms },
    acronymRegex: inf.acronymRegex,
  };
}

function restore(inf: InflectedInflections, s: Rules): void {
  inf.plurals = s.plurals.slice();
  inf.singulars = s.singulars.slice();
  inf.uncountables = s.uncountables.slice();
  inf.humans = s.humans.slice();
  inf.acronyms = { ...s.acronyms };
  inf.acronymRegex = s.acronymRegex;
}

/** The defaults as shipped by `inflected`, captured before anyone changes them. */
const DEFAULTS: Rules = copyRules(inflected.inflections("en"));

/** Token of the inflector whose rules are currently installed in `inflected`. */
let active: object | null = null;

function install(rules: InflectionRules | undefined): void {
  const inf = inflected.inflections("en");
  restore(inf, DEFAULTS);
  if (!rules) return;
  // ActiveSupport prepends each plural/singular rule, so later declarations win;
  // inflected mirrors that, so applying in declaration order is faithful.
  // Grouped order (plural, singular, irregular, uncountable, acronym) is the
  // conventional order of config/initializers/inflections.rb.
  for (const [source, flags, replacement] of rules.plural) inf.plural(new RegExp(source, flags), replacement);
  for (const [source, flags, replacement] of rules.singular) inf.singular(new RegExp(source, flags), replacement);
  for (const [singular, plural] of rules.irregular) inf.irregular(singular, plural);
  if (rules.uncountable.length > 0) inf.uncountable(...rules.uncountable.map((w) => w.toLowerCase()));
  for (const word of rules.acronym) inf.acronym(word);
}

/** Rails' demodulize: "Admin::AuditLog" -> "AuditLog". */
export function demodulize(s: string): string {
  const i = s.lastIndexOf("::");
  return i === -1 ? s : s.slice(i + 2);
}

/** Create an inflector with the default English rules plus `rules` (from config/initializers/inflections.rb). */
export function createInflector(rules?: InflectionRules): Inflector {
  const token = {};
  const activate = (): void => {
    if (active !== token) {
      install(rules);
      active = token;
    }
  };

  // Rules are fixed per inflector, so each word is inflected once: an app of
  // 2,000 tables asks for the same few thousand words many times over.
  const memo = (inflect: (s: string) => string) => {
    const known = new Map<string, string>();
    return (s: string): string => {
      let out = known.get(s);
      if (out === undefined) {
        activate();
        out = inflect(s);
        known.set(s, out);
      }
      return out;
    };
  };
  const pluralize = memo((s) => inflected.pluralize(s));
  const singularize = memo((s) => inflected.singularize(s));
  const camelize = memo((s) => inflected.camelize(s).replace(/\//g, "::"));
  const underscore = memo((s) => inflected.underscore(s.replace(/::/g, "/")));
  return {
    pluralize,
    singularize,
    camelize,
    underscore,
    classify: (table) => camelize(singularize(table.replace(/.*\./, ""))),
    tableize: (className) => pluralize(underscore(className)),
    demodulize,
  };
}

let defaultInflector: Inflector | null = null;

/** Shared inflector with the default rules only (deterministic, independent of any app's inflections). */
export function plainInflector(): Inflector {
  return (defaultInflector ??= createInflector());
}
