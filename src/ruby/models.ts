/**
 * app/models/**.rb (and concerns) -> classes, modules and their associations.
 *
 * A lexical walk of the Prism AST: comments, heredocs, strings and =begin
 * blocks are never code, so they cannot be mistaken for associations.
 */
import {
  constantName,
  is,
  keywordOptions,
  literalString,
  parseRubySource,
  positionalArgs,
  statementsOf,
  type Node,
  type NodeOf,
  type RubySource,
} from "./prism.js";
import type { Association, AssociationKind, ClassFacts, ModuleFacts, RubyFileFacts } from "./types.js";

const ASSOCIATIONS = new Set<string>(["belongs_to", "has_many", "has_one", "has_and_belongs_to_many"]);

/** Class-level settings ActiveRecord makes table names from. */
const TABLE_SETTINGS = new Set(["table_name", "table_name_prefix", "table_name_suffix", "pluralize_table_names"]);

/** Blocks of a module whose body runs in, or defines methods of, each class that includes it. */
const INCLUDER_BLOCKS = new Set(["included", "prepended", "class_methods"]);

/** Receiverless calls whose block body runs in (or defines things for) the enclosing class. */
const BLOCK_SCOPES = new Set(["included", "class_methods", "prepended", "concerning", "class_eval", "instance_eval"]);

type Enclosing = ClassFacts | ModuleFacts;

interface Context {
  scope: Enclosing | null;
  /** Lexical nesting, innermost first. */
  nesting: string[];
  /** Local names bound to the class inside `with_options ... do |o|` (calls on them count as receiverless). */
  proxies: Set<string>;
  /** Options merged in by enclosing with_options. */
  inherited: Map<string, Node>;
  /** Inside `class << self` / `class_methods do`: `def table_name_prefix` counts. */
  singleton: boolean;
  /** Inside a module's `included`, `prepended` or `class_methods` block: what it sets, it sets on each class that includes the module. */
  forIncluder: boolean;
}

/** A fresh context for the body of a class or module (`scope: null` for the top level). */
function scopeContext(scope: Enclosing | null, name: string | null, outer: Context | null): Context {
  return {
    scope,
    nesting: name === null ? [] : [name, ...(outer?.nesting ?? [])],
    proxies: new Set(),
    inherited: new Map(),
    singleton: false,
    forIncluder: false,
  };
}

class Collector {
  readonly classes: ClassFacts[] = [];
  readonly modules: ModuleFacts[] = [];
  private readonly byName = new Map<string, Enclosing>();

  constructor(private readonly source: RubySource) {}

  body(nodes: Node[], ctx: Context): void {
    for (const node of nodes) this.statement(node, ctx);
  }

  private qualify(pathNode: Node, nesting: string[]): string {
    const written = constantName(pathNode) ?? this.source.slice(pathNode.location);
    if (written.startsWith("::")) return written.slice(2);
    const outer = nesting[0];
    return outer ? `${outer}::${written}` : written;
  }

  private statement(node: Node, ctx: Context): void {
    if (is(node, "ClassNode")) {
      const name = this.qualify(node.constantPath, ctx.nesting);
      const superclass = node.superclass
        ? (constantName(node.superclass) ?? this.source.slice(node.superclass.location))
        : null;
      const facts = this.scopeFor(name, "class", ctx.nesting, this.source.line(node.classKeywordLoc)) as ClassFacts;
      if (facts.superclass === null) facts.superclass = superclass;
      this.body(statementsOf(node.body), scopeContext(facts, name, ctx));
      return;
    }
    if (is(node, "ModuleNode")) {
      const name = this.qualify(node.constantPath, ctx.nesting);
      const facts = this.scopeFor(name, "module", ctx.nesting, this.source.line(node.moduleKeywordLoc));
      this.body(statementsOf(node.body), scopeContext(facts, name, ctx));
      return;
    }
    if (is(node, "SingletonClassNode")) {
      if (is(node.expression, "SelfNode")) this.body(statementsOf(node.body), { ...ctx, singleton: true });
      return;
    }
    if (is(node, "DefNode")) {
      this.def(node, ctx);
      return;
    }
    if (is(node, "IfNode") || is(node, "UnlessNode")) {
      this.body(statementsOf(node.statements), ctx);
      const other = is(node, "IfNode") ? node.subsequent : node.elseClause;
      if (other) this.statement(other, ctx);
      return;
    }
    if (is(node, "ElseNode")) {
      this.body(statementsOf(node.statements), ctx);
      return;
    }
    if (is(node, "BeginNode") || is(node, "ParenthesesNode")) {
      this.body(statementsOf(node), ctx);
      return;
    }
    if (is(node, "CallNode")) this.call(node, ctx);
  }

  private scopeFor(name: string, kind: "class" | "module", outer: string[], line: number): Enclosing {
    const existing = this.byName.get(`${kind} ${name}`);
    if (existing) return existing;
    const base = {
      name,
      nesting: [name, ...outer],
      includes: [],
      associations: [],
      tableNamePrefix: null,
      tableNameSuffix: null,
      pluralizeTableNames: null,
      dynamicSettings: [],
      line,
    };
    let facts: Enclosing;
    if (kind === "class") {
      const c: ClassFacts = { ...base, superclass: null, tableName: null, tableNameMethod: null, abstract: false };
      this.classes.push(c);
      facts = c;
    } else {
      const m: ModuleFacts = { ...base, isConcern: false };
      this.modules.push(m);
      facts = m;
    }
    this.byName.set(`${kind} ${name}`, facts);
    return facts;
  }

  private def(node: NodeOf<"DefNode">, ctx: Context): void {
    const scope = ctx.scope;
    if (!scope) return;
    const onSelf = is(node.receiver, "SelfNode") || (ctx.singleton && !node.receiver);
    if (!onSelf || !TABLE_SETTINGS.has(node.name)) return;
    const stmts = statementsOf(node.body);
    const last = stmts[stmts.length - 1];
    const value = is(last, "ReturnNode") ? last.arguments_?.arguments_[0] : last;
    this.setting(scope, node.name, value, "method", ctx.forIncluder);
  }

  /**
   * Records `self.<name> = value` or `def self.<name>; value; end` when it
   * decides table names. One a concern makes for the classes that include it
   * is recorded as "includer <name>": the app model does not follow it into
   * those classes, and counts them for every table instead.
   */
  private setting(scope: Enclosing, name: string, value: Node | undefined, how: "assigned" | "method", forIncluder: boolean): void {
    if (forIncluder) {
      scope.dynamicSettings.push(`includer ${name}`);
      return;
    }
    if (name === "pluralize_table_names" || name === "abstract_class") {
      const flag = is(value, "TrueNode") ? true : is(value, "FalseNode") ? false : null;
      if (flag === null) scope.dynamicSettings.push(name);
      else if (name === "pluralize_table_names") scope.pluralizeTableNames = flag;
      else if ("abstract" in scope) scope.abstract = flag;
      return;
    }
    const literal = literalString(value);
    if (literal === null) {
      scope.dynamicSettings.push(name);
      return;
    }
    if (name === "table_name_prefix") scope.tableNamePrefix = literal;
    else if (name === "table_name_suffix") scope.tableNameSuffix = literal;
    else if ("tableName" in scope) {
      if (how === "method") scope.tableNameMethod = literal;
      else scope.tableName = literal;
    }
  }

  private call(node: NodeOf<"CallNode">, ctx: Context): void {
    const scope = ctx.scope;
    const recv = node.receiver;
    const viaProxy = is(recv, "LocalVariableReadNode") && ctx.proxies.has(recv.name);
    const receiverless = !recv || viaProxy;
    const name = node.name;

    if (scope && is(recv, "SelfNode")) {
      const setting = name.endsWith("=") ? name.slice(0, -1) : null;
      if (setting && (TABLE_SETTINGS.has(setting) || setting === "abstract_class")) this.setting(scope, setting, positionalArgs(node)[0], "assigned", ctx.forIncluder);
      return;
    }
    if (!receiverless) return;

    if (scope && ASSOCIATIONS.has(name)) {
      scope.associations.push(this.association(node, name as AssociationKind, ctx));
      return;
    }
    if (scope && (name === "include" || name === "extend")) {
      for (const arg of positionalArgs(node)) {
        const constant = constantName(arg);
        if (constant === null) continue;
        if (name === "include") scope.includes.push(constant);
        else if ((constant === "ActiveSupport::Concern" || constant === "::ActiveSupport::Concern") && "isConcern" in scope)
          scope.isConcern = true;
      }
      return;
    }
    if (scope && name === "primary_abstract_class" && "abstract" in scope) {
      scope.abstract = true;
      return;
    }
    const block = node.block;
    if (!is(block, "BlockNode")) return;
    if (name === "with_options") {
      const proxies = new Set(ctx.proxies);
      const params = block.parameters;
      if (is(params, "BlockParametersNode") && params.parameters) {
        for (const p of params.parameters.requireds) if (is(p, "RequiredParameterNode")) proxies.add(p.name);
      }
      const inherited = new Map(ctx.inherited);
      for (const [k, v] of keywordOptions(node).options) inherited.set(k, v);
      this.body(statementsOf(block.body), { ...ctx, proxies, inherited });
      return;
    }
    if (BLOCK_SCOPES.has(name)) {
      const forIncluder = ctx.forIncluder || (INCLUDER_BLOCKS.has(name) && scope !== null && "isConcern" in scope);
      this.body(statementsOf(block.body), { ...ctx, singleton: ctx.singleton || name === "class_methods", forIncluder });
    }
  }

  private association(node: NodeOf<"CallNode">, kind: AssociationKind, ctx: Context): Association {
    const args = positionalArgs(node);
    const { options: own, hasSplat } = keywordOptions(node);
    const options = new Map([...ctx.inherited, ...own]);
    let dynamic = hasSplat;

    const nameLiteral = literalString(args[0]);
    if (nameLiteral === null) dynamic = true;
    const name = nameLiteral ?? (args[0] ? this.source.slice(args[0].location) : "");

    const literalOption = (key: string): string | null => {
      const value = options.get(key);
      if (!value || is(value, "NilNode")) return null;
      const literal = literalString(value);
      if (literal === null) dynamic = true;
      return literal;
    };

    let className: string | null = null;
    const classValue = options.get("class_name");
    if (classValue && !is(classValue, "NilNode")) {
      className = literalString(classValue) ?? constantName(classValue);
      // `class_name: User.name` / `User.to_s`
      if (
        className === null &&
        is(classValue, "CallNode") &&
        (classValue.name === "name" || classValue.name === "to_s") &&
        !classValue.arguments_
      ) {
        className = constantName(classValue.receiver);
      }
      if (className === null) dynamic = true;
    }
    const through = literalOption("through");
    const source = literalOption("source");
    const as = literalOption("as");
    const joinTable = literalOption("join_table");
    const sourceType = literalOption("source_type");
    const polymorphicValue = options.get("polymorphic");
    const polymorphic = !!polymorphicValue && is(polymorphicValue, "TrueNode");

    return {
      kind,
      name,
      className,
      through,
      source,
      polymorphic,
      as,
      joinTable,
      sourceType,
      dynamic,
      line: this.source.line(node.messageLoc ?? node.location),
    };
  }
}

export async function parseModelFile(text: string, file: string): Promise<RubyFileFacts> {
  const { program, source } = await parseRubySource(text, file);
  const collector = new Collector(source);
  collector.body(statementsOf(program.statements), scopeContext(null, null, null));
  return { classes: collector.classes, modules: collector.modules };
}
