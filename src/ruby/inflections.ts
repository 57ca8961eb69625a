/**
 * config/initializers/inflections.rb -> InflectionRules (JS regex terms).
 *
 * Reads `ActiveSupport::Inflector.inflections(:en) do |inflect| ... end`
 * blocks (and the locale-less form). Other locales are ignored. Anything that
 * cannot be evaluated statically (computed words, interpolated regexes,
 * Ruby-only regex syntax) is an InputError rather than a silent mismatch.
 */
import { InputError } from "../common/errors.js";
import {
  constantName,
  is,
  literalString,
  parseRubySource,
  positionalArgs,
  walk,
  type Node,
  type NodeOf,
  type RubySource,
} from "./prism.js";
import type { InflectionRules } from "./types.js";

const POSIX_CLASSES: Record<string, string> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: "\\s",
  word: "\\w",
  xdigit: "0-9a-fA-F",
  punct: "!-\\/:-@\\[-`{-~",
};

/**
 * Convert a Ruby regex (source as written between the delimiters, plus Ruby
 * flags) to a JS RegExp source and flags. Throws Error with a reason when the
 * pattern uses Ruby-only syntax we cannot translate.
 */
export function rubyRegexToJs(rubySource: string, rubyFlags: { i: boolean; m: boolean; x: boolean }): [string, string] {
  let out = "";
  let inClass = 0;
  const src = rubySource;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\") {
      const n = src[i + 1];
      if (n === undefined) throw new Error("trailing backslash");
      i++;
      if (inClass === 0) {
        if (n === "A") {
          out += "^";
          continue;
        }
        if (n === "z") {
          out += "$";
          continue;
        }
        if (n === "Z") {
          out += "(?=\\n?$)";
          continue;
        }
        if (n === "G" || n === "K" || n === "R" || n === "X") throw new Error(`\\${n} has no JavaScript equivalent`);
      }
      if (n === "h") {
        out += inClass ? "0-9a-fA-F" : "[0-9a-fA-F]";
        continue;
      }
      if (n === "H") {
        if (inClass) throw new Error("\\H inside a character class has no JavaScript equivalent");
        out += "[^0-9a-fA-F]";
        continue;
      }
      if (n === "p" || n === "P") throw new Error(`\\${n}{...} property classes are not supported`);
      if (rubyFlags.x && /\s/.test(n)) {
        out += n === " " ? " " : `\\${n}`;
        continue;
      }
      out += `\\${n}`;
      continue;
    }
    if (c === "[") {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
      if (posix && inClass > 0) {
        const body = POSIX_CLASSES[posix[2]!];
        if (!body || posix[1]) throw new Error(`POSIX class ${posix[0]} is not supported`);
        out += body;
        i += posix[0].length - 1;
        continue;
      }
      if (inClass > 0) {
        // Ruby allows nested classes / set operations; JS (without v flag) does not.
        throw new Error("nested character classes are not supported");
      }
      inClass++;
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
    if (c === "]" && inClass > 0) {
      inClass--;
      out += c;
      continue;
    }
    if (inClass === 0) {
      if (c === "&" && src[i + 1] === "&") throw new Error("class intersection (&&) is not supported");
      if (c === "(" && src[i + 1] === "?") {
        const rest = src.slice(i + 2);
        if (rest.startsWith(">")) throw new Error("atomic groups (?>...) are not supported");
        if (rest.startsWith("#")) {
          // (?# comment)
          const close = src.indexOf(")", i);
          if (close === -1) throw new Error("unterminated (?# comment");
          i = close;
          continue;
        }
        if (/^[imx-]+[:)]/.test(rest)) throw new Error("inline flag groups like (?i) are not supported");
        // (?:...), (?=...), (?!...), (?<=...), (?<!...), (?<name>...) are the same in JS.
      }
      if (c === "+" && i > 0 && /[*+?]/.test(src[i - 1]!) && src[i - 2] !== "\\") {
        throw new Error("possessive quantifiers are not supported");
      }
      if (rubyFlags.x) {
        if (/\s/.test(c)) continue;
        if (c === "#") {
          const nl = src.indexOf("\n", i);
          i = nl === -1 ? src.length : nl;
          continue;
        }
      }
    }
    out += c;
  }
  if (inClass > 0) throw new Error("unterminated character class");
  let flags = "";
  if (rubyFlags.i) flags += "i";
  // Ruby /m: dot matches newline = JS dotAll.
  if (rubyFlags.m) flags += "s";
  new RegExp(out, flags); // throws SyntaxError if the translation is not valid JS
  return [out, flags];
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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function isInflectionsCall(node: Node): node is NodeOf<"CallNode"> {
  if (!is(node, "CallNode") || node.name !== "inflections" || !is(node.block, "BlockNode")) return false;
  const recv = constantName(node.receiver)?.replace(/^::/, "");
  return recv === "ActiveSupport::Inflector" || recv === "Inflector";
}

export async function parseInflections(text: string, file: string): Promise<InflectionRules> {
  const { program, source } = await parseRubySource(text, file);
  const rules: InflectionRules = { plural: [], singular: [], irregular: [], uncountable: [], acronym: [] };

  const fail = (node: Node | { location: NodeOf<"CallNode">["location"] }, what: string): never => {
    const line = source.lineAt(node.location.startOffset);
    throw new InputError(
      `${file}:${line}: cannot read inflection rule: ${what}; write it with literal strings, symbols, %w() or regex literals`,
      file,
      line,
    );
  };

  walk(program, (node) => {
    if (!isInflectionsCall(node)) return;
    const locale = positionalArgs(node)[0];
    if (locale) {
      const value = literalString(locale);
      if (value === null) fail(node, "the locale passed to inflections is not a literal");
      if (value !== "en") return false;
    }
    const block = node.block as NodeOf<"BlockNode">;
    walk(block.body, (inner) => {
      if (!is(inner, "CallNode") || !inner.receiver) return;
      const recv = inner.receiver;
      if (!is(recv, "LocalVariableReadNode") && !is(recv, "ItLocalVariableReadNode")) return;
      readRule(inner, rules, source, fail);
    });
    return false;
  });
  return rules;
}

type Fail = (node: Node, what: string) => never;

function regexOrString(node: Node | undefined, source: RubySource, fail: Fail, call: Node): [string, string] {
  if (!node) return fail(call, "missing rule");
  if (is(node, "RegularExpressionNode")) {
    try {
      return rubyRegexToJs(source.slice(node.contentLoc), {
        i: node.isIgnoreCase(),
        m: node.isMultiLine(),
        x: node.isExtended(),
      });
    } catch (err) {
      return fail(node, `regex ${source.slice(node.location)} cannot be translated to JavaScript (${(err as Error).message})`);
    }
  }
  if (is(node, "InterpolatedRegularExpressionNode")) return fail(node, "interpolated regex");
  const literal = literalString(node);
  if (literal === null) return fail(node, `${source.slice(node.location)} is not a literal`);
  // Ruby's String#sub with a String pattern matches it literally.
  return [escapeRegExp(literal), ""];
}

function words(node: Node, fail: Fail): string[] {
  if (is(node, "ArrayNode")) return node.elements.flatMap((el) => words(el, fail));
  if (is(node, "SplatNode") && node.expression) return words(node.expression, fail);
  const value = literalString(node);
  if (value === null) return fail(node, "word is not a literal");
  return [value];
}

function readRule(call: NodeOf<"CallNode">, rules: InflectionRules, source: RubySource, fail: Fail): void {
  const args = positionalArgs(call);
  const str = (node: Node | undefined): string => {
    const value = literalString(node);
    if (value === null) return fail(node ?? call, `argument of inflect.${call.name} is not a literal`);
    return value;
  };
  switch (call.name) {
    case "plural":
    case "singular": {
      const [pattern, flags] = regexOrString(args[0], source, fail, call);
      const replacement = rubyReplacementToJs(str(args[1]));
      (call.name === "plural" ? rules.plural : rules.singular).push([pattern, flags, replacement]);
      return;
    }
    case "irregular":
      rules.irregular.push([str(args[0]), str(args[1])]);
      return;
    case "uncountable":
      for (const arg of args) rules.uncountable.push(...words(arg, fail));
      return;
    case "acronym":
      rules.acronym.push(str(args[0]));
      return;
    case "human":
      return; // humanize only; does not affect table or class names
    case "clear":
      fail(call, "inflect.clear (dropping the default rules) is not supported");
      return;
    default:
      return;
  }
}
