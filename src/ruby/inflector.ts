/**
 * ActiveSupport's inflector (activesupport/lib/active_support/inflector/methods.rb),
 * ported method by method. It is our own rather than the `inflected` package
 * because that port differs from Rails where table and class names are made:
 * it keeps upper case inside camelized words (`foo_BAR` -> FooBAR, Rails FooBar),
 * looks acronyms up in a plain object ("constructor" camelizes to a function's
 * source), lowercases words without an ASCII capital in `underscore`, misses
 * acronyms after "::", pluralizes uncountables with punctuation or spaces,
 * and applies an app's rules grouped by kind rather than in the order written.
 * test/oracle/ compares this port with ActiveSupport itself.
 */
import { DEFAULT_INFLECTIONS } from "./default-inflections.js";
import { InflectionSet, applyInflections } from "./inflection-set.js";
import { capitalize, downcase } from "./ruby-text.js";
import type { InflectionRules } from "./types.js";

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

/** Rails' demodulize: "Admin::AuditLog" -> "AuditLog". */
export function demodulize(s: string): string {
  const i = s.lastIndexOf("::");
  return i === -1 ? s : s.slice(i + 2);
}

function camelize(set: InflectionSet, term: string): string {
  const first = term.replace(/^[a-z\d]*/, (word) => set.acronyms.get(word) ?? capitalize(word));
  const rest = first.replace(/(?:_|(\/))([a-z\d]*)/giu, (_all, slash: string | undefined, word: string) => `${slash ?? ""}${set.acronyms.get(word) ?? capitalize(word)}`);
  return rest.replace(/\//g, "::");
}

function underscore(set: InflectionSet, camelCased: string): string {
  if (!/[A-Z-]|::/.test(camelCased)) return camelCased;
  let word = camelCased.replace(/::/g, "/");
  if (set.acronymsUnderscore) word = word.replace(set.acronymsUnderscore, (_all, before: string | undefined, acronym: string) => `${before === undefined ? "" : "_"}${downcase(acronym)}`);
  word = word.replace(/([A-Z])(?=[A-Z][a-z])|([a-z\d])(?=[A-Z])/g, (_all, upper: string | undefined, lower: string | undefined) => `${upper ?? lower}_`);
  return downcase(word.replace(/-/g, "_"));
}

/** Create an inflector with the default English rules plus `rules` (from config/initializers/inflections.rb), applied in order. */
export function createInflector(rules: InflectionRules = []): Inflector {
  const set = new InflectionSet();
  for (const rule of [...DEFAULT_INFLECTIONS, ...rules]) set.apply(rule);

  // Rules are fixed per inflector, so each word is inflected once: an app of
  // 2,000 tables asks for the same few thousand words many times over.
  const memo = (inflect: (s: string) => string) => {
    const known = new Map<string, string>();
    return (s: string): string => {
      let out = known.get(s);
      if (out === undefined) {
        out = inflect(s);
        known.set(s, out);
      }
      return out;
    };
  };
  const pluralize = memo((s) => applyInflections(set, s, set.plurals));
  const singularize = memo((s) => applyInflections(set, s, set.singulars));
  const camelizeWord = memo((s) => camelize(set, s));
  const underscoreWord = memo((s) => underscore(set, s));
  return {
    pluralize,
    singularize,
    camelize: camelizeWord,
    underscore: underscoreWord,
    classify: (table) => camelizeWord(singularize(table.replace(/.*\./, ""))),
    tableize: (className) => pluralize(underscoreWord(className)),
    demodulize,
  };
}

let defaultInflector: Inflector | null = null;

/** Shared inflector with the default rules only (deterministic, independent of any app's inflections). */
export function plainInflector(): Inflector {
  return (defaultInflector ??= createInflector());
}
