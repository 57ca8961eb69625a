/**
 * Ruby's string and regex semantics, where they differ from JavaScript's, for
 * the inflector: what ActiveSupport computes with Ruby's regexes and case
 * mapping is what the tool must compute.
 *
 * Every regex made here has the `u` flag: it is what gives `\p{...}` classes
 * and, with `i`, Ruby's simple case folding (`/s/i` matches "ſ" in both).
 * Multi-character foldings (Ruby's `/ss/i` matches "ß") have no JavaScript
 * equivalent; words with them can inflect differently (see docs/rails-fidelity.md).
 */

/** A word character for Ruby's `\b`, which (unlike Ruby's ASCII-only `\w`) counts every letter, mark, digit and connector. */
const WORD = "[\\p{L}\\p{M}\\p{Nd}\\p{Pc}]";
/** Ruby's `\b` on a UTF-8 string. */
export const WORD_BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const NOT_WORD_BOUNDARY = `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;
/** Ruby's `\Z`: the end, or before a final line feed. */
export const END_OR_FINAL_NEWLINE = "(?=\\n?$)";

/** Characters that mean something in a regex; escaped with a backslash in `u` mode. */
const SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);

/** Characters that make a word a regex when ActiveSupport interpolates it unescaped (irregulars, acronyms). */
export const REGEX_CHARACTERS = /[\^$\\.*+?()[\]{}|/]/;

const POSIX_CLASSES: Record<string, string> = {
  alpha: "\\p{Alphabetic}",
  alnum: "\\p{Alphabetic}\\p{Nd}",
  digit: "\\p{Nd}",
  upper: "\\p{Uppercase}",
  lower: "\\p{Lowercase}",
  space: "\\p{White_Space}",
  blank: "\\p{Zs}\\t",
  word: "\\p{L}\\p{M}\\p{Nd}\\p{Pc}",
  xdigit: "0-9A-Fa-f",
  cntrl: "\\p{Cc}",
  punct: "\\p{P}$+<=>^`|~",
};

/** Escapes JavaScript accepts in `u` mode with the meaning Ruby gives them. */
const SAME_ESCAPES = new Set([..."dDwWfnrtv0123456789ckxu"]);

/** Escape `text` for a `u`-mode RegExp, so it matches itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\^$\\.*+?()[\]{}|/]/g, "\\$&");
}

/** Ruby's String#downcase: full Unicode lower case, but Σ is always σ (JavaScript writes ς at the end of a word). */
export function downcase(text: string): string {
  return text.replace(/Σ/g, "σ").toLowerCase();
}

/** Ruby's String#upcase. */
export function upcase(text: string): string {
  return text.toUpperCase();
}

/** Ruby's String#capitalize for the ASCII-like words camelize gives it: first character upper case, the rest lower case. */
export function capitalize(text: string): string {
  const first = String.fromCodePoint(text.codePointAt(0) ?? 0);
  return text === "" ? "" : upcase(first) + downcase(text.slice(first.length));
}

/** `text` split at its first code point (Ruby's `word[0]` and `word[1..-1]`). */
export function firstAndRest(text: string): [string, string] {
  const first = text === "" ? "" : String.fromCodePoint(text.codePointAt(0)!);
  return [first, text.slice(first.length)];
}

/**
 * Convert a Ruby regex (source as written between the delimiters, plus Ruby
 * flags) to a JS RegExp source and flags (always with `u`). Throws Error with
 * a reason when the pattern uses Ruby-only syntax we cannot translate.
 */
export function rubyRegexToJs(rubySource: string, rubyFlags: { i: boolean; m: boolean; x: boolean }): [string, string] {
  let out = "";
  let inClass = false;
  const src = rubySource;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\") {
      const n = src[i + 1];
      if (n === undefined) throw new Error("trailing backslash");
      i++;
      out += inClass ? classEscape(n) : escape(n, rubyFlags.x);
      continue;
    }
    if (inClass) {
      if (c === "[") {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
        const body = posix ? POSIX_CLASSES[posix[2]!] : undefined;
        if (!posix) throw new Error("nested character classes are not supported");
        if (!body || posix[1]) throw new Error(`POSIX class ${posix[0]} is not supported`);
        out += body;
        i += posix[0].length - 1;
        continue;
      }
      if (c === "&" && src[i + 1] === "&") throw new Error("class intersection (&&) is not supported");
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A leading ] or ^] is literal in Ruby classes.
      if (src[i + 1] === "^") {
        out += "^";
        i++;
      }
      if (src[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && src[i + 1] === "?") {
      const rest = src.slice(i + 2);
      if (rest.startsWith(">")) throw new Error("atomic groups (?>...) are not supported");
      if (rest.startsWith("#")) {
        const close = src.indexOf(")", i);
        if (close === -1) throw new Error("unterminated (?# comment");
        i = close;
        continue;
      }
      if (/^[imx-]+[:)]/.test(rest)) throw new Error("inline flag groups like (?i) are not supported");
    }
    if (c === "+" && i > 0 && /[*+?]/.test(src[i - 1]!) && src[i - 2] !== "\\") throw new Error("possessive quantifiers are not supported");
    if (c === "{") {
      const quantifier = /^\{(\d*)(,?)(\d*)\}/.exec(src.slice(i));
      if (quantifier && (quantifier[1] || quantifier[3])) {
        // Ruby's {,n} is {0,n}; anything else that is not a quantifier is a literal brace.
        out += `{${quantifier[1] || "0"}${quantifier[2]}${quantifier[3]}}`;
        i += quantifier[0].length - 1;
      } else out += "\\{";
      continue;
    }
    if (c === "}" || c === "]") {
      out += `\\${c}`;
      continue;
    }
    if (rubyFlags.x && /\s/.test(c)) continue;
    if (rubyFlags.x && c === "#") {
      const nl = src.indexOf("\n", i);
      i = nl === -1 ? src.length : nl;
      continue;
    }
    out += c;
  }
  if (inClass) throw new Error("unterminated character class");
  const flags = `${rubyFlags.i ? "i" : ""}${rubyFlags.m ? "s" : ""}u`; // Ruby's /m is JavaScript's dotAll
  new RegExp(out, flags); // throws SyntaxError if the translation is not valid JS
  return [out, flags];
}

/** A backslash escape outside a character class. */
function escape(n: string, extended: boolean): string {
  switch (n) {
    case "A":
      return "^";
    case "z":
      return "$";
    case "Z":
      return END_OR_FINAL_NEWLINE;
    case "b":
      return WORD_BOUNDARY;
    case "B":
      return NOT_WORD_BOUNDARY;
    case "h":
      return "[0-9a-fA-F]";
    case "H":
      return "[^0-9a-fA-F]";
    case "s":
      return "[\\t\\n\\v\\f\\r ]"; // Ruby's \s is ASCII only
    case "S":
      return "[^\\t\\n\\v\\f\\r ]";
    case "-":
      return "-";
  }
  if (extended && /\s/.test(n)) return n === " " ? " " : `\\${n}`;
  return commonEscape(n);
}

/** A backslash escape inside a character class. */
function classEscape(n: string): string {
  if (n === "h") return "0-9a-fA-F";
  if (n === "-" || n === "b") return `\\${n}`;
  if (n === "s") return "\\t\\n\\v\\f\\r ";
  if (n === "H" || n === "S") throw new Error(`\\${n} inside a character class has no JavaScript equivalent`);
  return commonEscape(n);
}

function commonEscape(n: string): string {
  if (n === "e") return "\\u{1b}";
  if (n === "a") return "\\u{7}";
  if (n === "p" || n === "P") throw new Error(`\\${n}{...} property classes are not supported`);
  if (SAME_ESCAPES.has(n) || SYNTAX.has(n)) return `\\${n}`;
  if (/[A-Za-z]/.test(n)) throw new Error(`\\${n} has no JavaScript equivalent`);
  return `\\u{${n.codePointAt(0)!.toString(16)}}`;
}

/** Ruby sub() replacement ("\\1en") -> JS replacement ("$1en"). */
export function rubyReplacementToJs(replacement: string): string {
  let out = "";
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === "$") {
      out += "$$";
      continue;
    }
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = replacement[i + 1];
    if (n === undefined) {
      out += "\\";
      continue;
    }
    i++;
    if (/\d/.test(n)) out += n === "0" ? "$&" : `$${n}`;
    else if (n === "&") out += "$&";
    else if (n === "`") out += "$`";
    else if (n === "'") out += "$'";
    else if (n === "\\") out += "\\";
    else if (n === "k" && replacement[i + 1] === "<") {
      const close = replacement.indexOf(">", i);
      out += `$<${replacement.slice(i + 2, close)}>`;
      i = close;
    } else out += `\\${n}`;
  }
  return out;
}
