/**
 * config/initializers/inflections.rb -> InflectionRules (JS regex terms), in
 * the order written: ActiveSupport applies each statement in turn, and a later
 * one can undo an earlier one.
 *
 * Reads `ActiveSupport::Inflector.inflections(:en) do |inflect| ... end`
 * blocks (and the locale-less form). Other locales are ignored. Anything that
 * cannot be evaluated statically (computed words, interpolated regexes,
 * Ruby-only regex syntax) is an InputError rather than a silent mismatch.
 */
import { InputError } from "../common/errors.js";
import * as msg from "../common/messages.js";
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
import { REGEX_CHARACTERS, escapeRegExp, rubyRegexToJs, rubyReplacementToJs } from "./ruby-text.js";
import type { ClearScope, InflectionRules } from "./types.js";

const CLEAR_SCOPES = new Set<string>(["all", "plurals", "singulars", "uncountables", "humans", "acronyms"]);

function isInflectionsCall(node: Node): node is NodeOf<"CallNode"> {
  if (!is(node, "CallNode") || node.name !== "inflections" || !is(node.block, "BlockNode")) return false;
  const recv = constantName(node.receiver)?.replace(/^::/, "");
  return recv === "ActiveSupport::Inflector" || recv === "Inflector";
}

export async function parseInflections(text: string, file: string): Promise<InflectionRules> {
  const { program, source } = await parseRubySource(text, file);
  const rules: InflectionRules = [];

  const fail = (node: Node, what: string): never => {
    const line = source.lineAt(node.location.startOffset);
    throw new InputError(msg.inflectionUnreadable(file, line, what), file, line);
  };

  walk(program, (node) => {
    if (!isInflectionsCall(node)) return;
    const locale = positionalArgs(node)[0];
    if (locale) {
      const value = literalString(locale);
      if (value === null) fail(node, msg.inflection.localeNotLiteral);
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
  if (!node) return fail(call, msg.inflection.missingRule);
  if (is(node, "RegularExpressionNode")) {
    try {
      return rubyRegexToJs(source.slice(node.contentLoc), {
        i: node.isIgnoreCase(),
        m: node.isMultiLine(),
        x: node.isExtended(),
      });
    } catch (err) {
      return fail(node, msg.inflection.untranslatable(source.slice(node.location), (err as Error).message));
    }
  }
  if (is(node, "InterpolatedRegularExpressionNode")) return fail(node, msg.inflection.interpolatedRegex);
  const literal = literalString(node);
  if (literal === null) return fail(node, msg.inflection.notLiteral(source.slice(node.location)));
  // Ruby's String#sub with a String pattern matches it literally.
  return [escapeRegExp(literal), "u"];
}

function words(node: Node, fail: Fail): string[] {
  if (is(node, "ArrayNode")) return node.elements.flatMap((el) => words(el, fail));
  if (is(node, "SplatNode") && node.expression) return words(node.expression, fail);
  const value = literalString(node);
  if (value === null) return fail(node, msg.inflection.wordNotLiteral);
  return [value];
}

function readRule(call: NodeOf<"CallNode">, rules: InflectionRules, source: RubySource, fail: Fail): void {
  const args = positionalArgs(call);
  const str = (node: Node | undefined): string => {
    const value = literalString(node);
    if (value === null) return fail(node ?? call, msg.inflection.argumentNotLiteral(call.name));
    return value;
  };
  // ActiveSupport builds regexes from irregular words and acronyms without escaping them.
  const plainWord = (node: Node | undefined): string => {
    const value = str(node);
    if (REGEX_CHARACTERS.test(value)) fail(node ?? call, msg.inflection.regexCharacters(call.name, value));
    return value;
  };
  switch (call.name) {
    case "plural":
    case "singular": {
      const [pattern, flags] = regexOrString(args[0], source, fail, call);
      const replacement = str(args[1]);
      // ActiveSupport: `@uncountables.delete(rule) if rule.is_a?(String)`, then `@uncountables.delete(replacement)`.
      const deletes = is(args[0], "StringNode") || is(args[0], "InterpolatedStringNode") ? [str(args[0]), replacement] : [replacement];
      rules.push({ kind: call.name, pattern, flags, replacement: rubyReplacementToJs(replacement), deletes });
      return;
    }
    case "irregular":
      rules.push({ kind: "irregular", singular: plainWord(args[0]), plural: plainWord(args[1]) });
      return;
    case "uncountable":
      rules.push({ kind: "uncountable", words: args.flatMap((arg) => words(arg, fail)) });
      return;
    case "acronym":
      rules.push({ kind: "acronym", word: plainWord(args[0]) });
      return;
    case "clear":
      rules.push({ kind: "clear", scope: clearScope(args[0], source, fail, call) });
      return;
    default:
      return; // human (humanize only) and anything else that does not change table or class names
  }
}

function clearScope(node: Node | undefined, source: RubySource, fail: Fail, call: Node): ClearScope {
  if (!node) return "all";
  const value = is(node, "SymbolNode") ? node.unescaped.value : null;
  if (value === null || !CLEAR_SCOPES.has(value)) return fail(node ?? call, msg.inflection.clearScope(source.slice(node.location)));
  return value as ClearScope;
}
