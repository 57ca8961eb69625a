/**
 * What of a model or concern file class-level introspection can see, as one
 * hash: the file's canonical AST (canonical.ts: no comments, blank lines or
 * layout) with the body of every instance method left out. Its name and
 * whole parameter list stay (`respond_to?`, `instance_method(:x).arity`, a
 * default argument's code); class methods, `class << self`, `class_methods`
 * and every class-level call stay whole, blocks and lambdas included.
 *
 * Why an instance method body is not an input: Ruby runs it only when the
 * method is called on an instance, and the generator (the assumption the
 * `fingerprint: declarations` setting rests on) introspects classes and
 * the database without instantiating models or calling their methods. That
 * covers `initialize` and callbacks declared by name (`after_initialize
 * :set_defaults`): the declaration is class-level and stays in, the body runs
 * per instance.
 *
 * Bodies are left out only where a `def` certainly defines an instance
 * method of a model: directly in a class body (also under `private`, `if`,
 * `begin`), in the body of a module that extends ActiveSupport::Concern, in
 * its `included` / `prepended` blocks and in `concerning` blocks. A plain
 * module's methods may become class methods (`extend Helpers`), so its
 * bodies stay; so do those of a concern some file extends, and those of a
 * class some code instantiates as the class loads (`LIMIT = Settings.new.max`;
 * a receiverless `new` there counts the file byte for byte): staleness/
 * declared.ts checks `extends` and `instantiates` against `stripped` across
 * files, through includes and superclasses.
 *
 * Class-level metaprogramming can turn text or instance methods into
 * class-level behaviour (`class_eval <<~RUBY`, `define_method(:x,
 * instance_method(:y))`, `send`, `module_function`, `extend self`), or ask
 * for line numbers (`__LINE__`, `caller`, `source_location`): a file with any
 * of it outside an instance method body counts byte for byte (`fallback`
 * says why).
 */
import { canonical, canonicalText, canonicalValue, type Override } from "./canonical.js";
import { constantName, is, parseRubySource, statementsOf, type Node, type NodeOf } from "./prism.js";
import { sha256 } from "../common/hash.js";

export interface Declarations {
  /** SHA-256 of the canonical form; null when the file counts byte for byte. */
  hash: string | null;
  /** Why the file counts byte for byte ("define_method at line 12"). */
  fallback: string | null;
  /** Constants passed to `extend` (or included into a singleton class): their instance methods become class methods. */
  extends: string[];
  /** Constants instantiated (`Money.new`) by code that runs when the class loads: their instance methods may run then. */
  instantiates: string[];
  /** Classes and modules whose instance method bodies were left out. */
  stripped: string[];
}

/** Calls that can make source text, or an instance method, part of what a class does when it loads. */
const METAPROGRAMMING = new Set([
  "define_method",
  "define_singleton_method",
  "class_eval",
  "module_eval",
  "class_exec",
  "module_exec",
  "instance_eval",
  "instance_exec",
  "send",
  "public_send",
  "__send__",
  "eval",
  "instance_method",
  "public_instance_method",
  "module_function",
  "singleton_class",
  "binding",
  // Line numbers: a comment or blank line above would change what these return.
  "caller",
  "caller_locations",
  "source_location",
]);

/** Blocks of a concern whose `def`s define instance methods of each including class. */
const INCLUDER_BLOCKS = new Set(["included", "prepended"]);

interface Scope {
  /** At the body level of a class or module (not inside a block, lambda or method). */
  body: boolean;
  /** A receiverless `def` here is an instance method whose body can be left out. */
  strips: boolean;
  /** Inside an ActiveSupport::Concern module's body. */
  concern: boolean;
  /** Inside `class << self` or `class_methods do`: `include` there adds class methods. */
  singleton: boolean;
  /** Inside a method body or a lambda: runs when called, not when the class loads. */
  method: boolean;
}

const BODY: Scope = { body: true, strips: true, concern: false, singleton: false, method: false };

/** The scope of code nested in `scope` that is no class body (a block, a method's parameters). */
const code = (scope: Scope): Scope => ({ body: false, strips: false, concern: false, singleton: scope.singleton, method: scope.method });

/** Calls that make an instance, so that its methods can run when the class loads (`LIMIT = Settings.new.limit`). */
const INSTANTIATION = new Set(["new", "allocate"]);

class Fallback extends Error {}

export async function declarationsOf(text: string, file: string): Promise<Declarations> {
  const { program, source, magicComments } = await parseRubySource(text, file);
  const extended = new Set<string>();
  const instantiated = new Set<string>();
  const stripped = new Set<string>();

  const fallback = (node: Node, what: string): never => {
    throw new Fallback(`${what} at line ${source.line(node)}`);
  };

  const overrideFor = (scope: Scope): Override => {
    const self: Override = (parent, field, child) => {
      if (is(parent, "ClassNode") && field === "body") {
        stripped.add(lastSegment(constantName(parent.constantPath)));
        return write(child, BODY);
      }
      if (is(parent, "ModuleNode") && field === "body") {
        const concern = extendsConcern(parent.body);
        if (concern) stripped.add(lastSegment(constantName(parent.constantPath)));
        return write(child, { ...BODY, strips: concern, concern });
      }
      if (is(parent, "SingletonClassNode") && field === "body") return write(child, { ...code(scope), singleton: true, method: false });
      if (is(parent, "DefNode")) {
        const instance = !parent.receiver && scope.body && scope.strips;
        if (instance && (field === "body" || field === "locals")) return field === "body" && parent.body ? "instance method body" : null;
        return write(child, { ...code(scope), method: true });
      }
      // A block's scope is its call's (blockScope); a lambda's body runs when it is called.
      if (is(parent, "LambdaNode")) return write(child, { ...code(scope), method: true });
      if (is(parent, "CallNode")) {
        if (field === "name") call(parent, scope);
        if (field === "block") return write(child, blockScope(parent, scope));
      } else if (field === "block") return write(child, code(scope));
      if (is(parent, "SourceLineNode") || is(child, "SourceLineNode")) fallback(parent, "__LINE__");
      return undefined;
    };
    return self;
  };

  /** The scope of a call's block body: a concern's `included do` and `concerning` are class bodies, `class_methods do` a singleton class. */
  const blockScope = (node: NodeOf<"CallNode">, scope: Scope): Scope => {
    if (node.receiver || !scope.body) return code(scope);
    if (INCLUDER_BLOCKS.has(node.name) && scope.concern) return { ...BODY, concern: true };
    if (node.name === "concerning") return { ...BODY, concern: true };
    if (node.name === "class_methods" && scope.concern) return { ...code(scope), singleton: true };
    return code(scope);
  };

  const call = (node: NodeOf<"CallNode">, scope: Scope): void => {
    if (METAPROGRAMMING.has(node.name)) fallback(node, node.name);
    if (INSTANTIATION.has(node.name) && !scope.method) {
      const made = node.receiver ? constantName(node.receiver) : null;
      if (made !== null) instantiated.add(lastSegment(made));
      else fallback(node, `${node.name} when the class loads`);
    }
    const addsClassMethods = node.name === "extend" || (node.name === "include" && scope.singleton);
    if (!addsClassMethods) return;
    for (const arg of node.arguments_?.arguments_ ?? []) {
      const name = constantName(arg);
      if (name === null) fallback(node, `${node.name} of something other than a constant`);
      else if (!isActiveSupportConcern(name)) extended.add(lastSegment(name));
    }
  };

  const write = (child: unknown, scope: Scope): unknown => canonicalValue(child, overrideFor(scope));

  try {
    // Line endings are read before parsing (CRLF -> LF), and Ruby may keep a \r in a multi-line literal: converting them is a change.
    const form = { crlf: text.includes("\r\n"), magic: magicComments, program: canonical(program, overrideFor({ ...BODY, strips: false })) };
    const sorted = (set: Set<string>) => [...set].sort();
    return { hash: sha256(`declarations\0${canonicalText(form)}`), fallback: null, extends: sorted(extended), instantiates: sorted(instantiated), stripped: sorted(stripped) };
  } catch (error) {
    if (!(error instanceof Fallback)) throw error;
    return { hash: null, fallback: error.message, extends: [], instantiates: [], stripped: [] };
  }
}

function isActiveSupportConcern(name: string): boolean {
  return name === "ActiveSupport::Concern" || name === "::ActiveSupport::Concern";
}

/** Whether a module body says `extend ActiveSupport::Concern` at its own level. */
function extendsConcern(body: Node | null): boolean {
  return statementsOf(body).some(
    (s) => is(s, "CallNode") && s.name === "extend" && !s.receiver && (s.arguments_?.arguments_ ?? []).some((a) => isActiveSupportConcern(constantName(a) ?? "")),
  );
}

/** "Admin::Trackable" -> "Trackable": modules are matched across files by their last name, which can only match too often. */
export function lastSegment(name: string | null): string {
  if (name === null) return "";
  return name.slice(name.lastIndexOf(":") + 1);
}
