/**
 * ActiveSupport's Inflections object (activesupport/lib/active_support/inflector/inflections.rb):
 * the rules a statement of inflections.rb adds, removes or clears, kept the way
 * ActiveSupport keeps them, so that pluralize and the others find the same rule.
 */
import { END_OR_FINAL_NEWLINE, WORD_BOUNDARY, downcase, escapeRegExp, firstAndRest, upcase } from "./ruby-text.js";
import type { ClearScope, InflectionRule } from "./types.js";

export interface Replacement {
  regex: RegExp;
  /** JS replacement string. */
  replacement: string;
  /** Set for irregulars whose first letter differs in case between forms: the match must start with exactly this (Ruby's `/P(?i)erson$/`). */
  exactFirst?: string;
}

export class InflectionSet {
  /** Newest first, as ActiveSupport prepends: the first that matches wins. */
  plurals: Replacement[] = [];
  singulars: Replacement[] = [];
  /** Downcased, as ActiveSupport keeps them; each matches as /\b<word>\Z/i. */
  uncountables: string[] = [];
  /** All of them in one regex (as Rails 7.1 does), made when first needed. */
  private uncountable: RegExp | null = null;
  /** Downcased word -> acronym as written. A Map: a plain object would answer for "constructor". */
  acronyms = new Map<string, string>();
  /** ActiveSupport's acronyms_underscore_regex, rebuilt when an acronym is added; null while there are none (its /(?=a)b/ never matches). */
  acronymsUnderscore: RegExp | null = null;

  apply(rule: InflectionRule): void {
    switch (rule.kind) {
      case "plural":
      case "singular":
        this.add(rule.kind, { regex: new RegExp(rule.pattern, rule.flags), replacement: rule.replacement }, rule.deletes);
        return;
      case "irregular":
        this.irregular(rule.singular, rule.plural);
        return;
      case "uncountable":
        for (const word of rule.words) this.addUncountable(word);
        return;
      case "acronym":
        this.acronym(rule.word);
        return;
      case "clear":
        this.clear(rule.scope);
        return;
    }
  }

  isUncountable(word: string): boolean {
    if (this.uncountables.length === 0) return false;
    this.uncountable ??= new RegExp(`${WORD_BOUNDARY}(?:${this.uncountables.map(escapeRegExp).join("|")})${END_OR_FINAL_NEWLINE}`, "iu");
    return this.uncountable.test(word);
  }

  private add(kind: "plural" | "singular", replacement: Replacement, deletes: string[]): void {
    for (const word of deletes) this.deleteUncountable(word);
    (kind === "plural" ? this.plurals : this.singulars).unshift(replacement);
  }

  private deleteUncountable(word: string): void {
    this.uncountables = this.uncountables.filter((u) => u !== word);
    this.uncountable = null;
  }

  private irregular(singular: string, plural: string): void {
    this.deleteUncountable(singular);
    this.deleteUncountable(plural);
    const [s0, srest] = firstAndRest(singular);
    const [p0, prest] = firstAndRest(plural);
    const s = escapeRegExp(srest);
    const p = escapeRegExp(prest);
    const literal = (text: string) => text.replace(/\$/g, "$$$$");
    if (upcase(s0) === upcase(p0)) {
      this.add("plural", { regex: new RegExp(`(${escapeRegExp(s0)})${s}$`, "iu"), replacement: `$1${literal(prest)}` }, [`\\1${prest}`]);
      this.add("plural", { regex: new RegExp(`(${escapeRegExp(p0)})${p}$`, "iu"), replacement: `$1${literal(prest)}` }, [`\\1${prest}`]);
      this.add("singular", { regex: new RegExp(`(${escapeRegExp(s0)})${s}$`, "iu"), replacement: `$1${literal(srest)}` }, [`\\1${srest}`]);
      this.add("singular", { regex: new RegExp(`(${escapeRegExp(p0)})${p}$`, "iu"), replacement: `$1${literal(srest)}` }, [`\\1${srest}`]);
      return;
    }
    // Ruby's /S(?i)ingular$/: the first letter as given, the rest in any case.
    const firstExactly = (kind: "plural" | "singular", first: string, rest: string, to: string) =>
      this.add(kind, { regex: new RegExp(`(${escapeRegExp(first)})${rest}$`, "iu"), replacement: literal(to), exactFirst: first }, [to]);
    firstExactly("plural", upcase(s0), s, upcase(p0) + prest);
    firstExactly("plural", downcase(s0), s, downcase(p0) + prest);
    firstExactly("plural", upcase(p0), p, upcase(p0) + prest);
    firstExactly("plural", downcase(p0), p, downcase(p0) + prest);
    firstExactly("singular", upcase(s0), s, upcase(s0) + srest);
    firstExactly("singular", downcase(s0), s, downcase(s0) + srest);
    firstExactly("singular", upcase(p0), p, upcase(s0) + srest);
    firstExactly("singular", downcase(p0), p, downcase(s0) + srest);
  }

  private addUncountable(word: string): void {
    this.uncountables.push(downcase(word));
    this.uncountable = null;
  }

  private acronym(word: string): void {
    this.acronyms.set(downcase(word), word);
    const alternatives = [...this.acronyms.values()].map(escapeRegExp).join("|");
    this.acronymsUnderscore = new RegExp(`(?:(?<=([A-Za-z\\d]))|${WORD_BOUNDARY})(${alternatives})(?=${WORD_BOUNDARY}|[^a-z])`, "gu");
  }

  /** Rails 7.0 and later: `clear` and `clear :all` also drop the acronyms (6.1 kept them). */
  private clear(scope: ClearScope): void {
    if (scope === "all" || scope === "plurals") this.plurals = [];
    if (scope === "all" || scope === "singulars") this.singulars = [];
    if (scope === "all" || scope === "uncountables") {
      this.uncountables = [];
      this.uncountable = null;
    }
    if (scope === "all" || scope === "acronyms") {
      this.acronyms = new Map();
      this.acronymsUnderscore = null;
    }
  }
}

/** ActiveSupport's apply_inflections: the word as is when empty or uncountable, else the first rule that matches, applied once. */
export function applyInflections(set: InflectionSet, word: string, rules: Replacement[]): string {
  if (word === "" || set.isUncountable(word)) return word;
  for (const rule of rules) {
    const match = rule.regex.exec(word);
    if (!match || (rule.exactFirst !== undefined && match[1] !== rule.exactFirst)) continue;
    return word.replace(rule.regex, rule.replacement);
  }
  return word;
}
