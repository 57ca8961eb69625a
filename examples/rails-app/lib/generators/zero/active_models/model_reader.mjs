// Reads app/models/**/*.rb (classes, modules, concerns, associations).
// Part of the zero:active_models STAND-IN. It parses with Prism, Ruby's own
// parser (the @ruby/prism package zero-models depends on), so any Ruby Prism
// parses is read: what it does not understand it warns about and skips.
//
// It reads class and module bodies only, the way Rails evaluates them when a
// model loads: method bodies are never read (a method runs later, if ever, and
// cannot change what is generated). The one exception is a module's
// `def self.table_name_prefix`, whose body Rails calls to name tables.
// Blocks are followed only where Rails runs them in the class: `included`,
// `class_methods`, `prepended`, `concerning`, `class_eval`, `with_options`.
import { setFlagsFromString } from "node:v8";
import { stderrWarner } from "./warnings.mjs";

const ASSOCIATIONS = new Set(["belongs_to", "has_many", "has_one", "has_and_belongs_to_many"]);
const BLOCK_SCOPES = new Set(["included", "class_methods", "prepended", "concerning", "class_eval", "instance_eval"]);

const parse = await loadQuietly();

/** Prism's parse function, loaded without Node 20's "WASI is an experimental feature" warning on the generator's stderr. */
async function loadQuietly() {
  // Baseline-compiled WASM only: one run parses a few files, and optimizing
  // Prism in the background costs more than it saves (as zero-models does).
  setFlagsFromString("--liftoff-only");
  const emit = process.emitWarning;
  process.emitWarning = (warning, ...rest) => (/WASI/.test(String(warning?.message ?? warning)) ? undefined : emit.call(process, warning, ...rest));
  try {
    // Imported here, not at the top: Node warns when @ruby/prism's module loads `wasi`.
    const { loadPrism } = await import("@ruby/prism");
    return await loadPrism();
  } finally {
    process.emitWarning = emit;
  }
}

const kind = (node) => node?.constructor?.name ?? null;

/** The statements a body holds: a StatementsNode's list, a begin/rescue body's statements, or nothing. */
function statementsOf(node) {
  if (!node) return [];
  if (kind(node) === "StatementsNode") return node.body;
  if (kind(node) === "BeginNode") return statementsOf(node.statements);
  return [node];
}

export function readModels(files, warn = stderrWarner()) {
  const classes = new Map();
  const modules = new Map();
  for (const file of files) readFile(file, { classes, modules }, warn);
  return { classes, modules };
}

function readFile({ path, text }, found, warn) {
  const bytes = Buffer.from(text.replace(/\r\n/g, "\n"), "utf8");
  let result;
  try {
    result = parse(bytes.toString("utf8"));
  } catch (error) {
    warn(`${path}: could not be parsed (${error.message}); skipped`);
    return;
  }
  if (result.errors.length > 0) {
    warn(`${path}: not valid Ruby (${result.errors[0].message}); skipped`);
    return;
  }
  const lineStarts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lineStarts.push(i + 1);
  const source = {
    path,
    slice: (loc) => bytes.subarray(loc.startOffset, loc.startOffset + loc.length).toString("utf8"),
    where: (loc) => {
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid] <= loc.startOffset) lo = mid;
        else hi = mid - 1;
      }
      return `${path}:${lo + 1}`;
    },
  };
  new Reader(source, found, warn).body(statementsOf(result.value.statements), { nesting: [], scope: null, proxies: new Set(), inherited: {}, singleton: false });
}

class Reader {
  constructor(source, found, warn) {
    this.source = source;
    this.found = found;
    this.warn = warn;
  }

  body(nodes, ctx) {
    for (const node of nodes) this.statement(node, ctx);
  }

  statement(node, ctx) {
    switch (kind(node)) {
      case "ClassNode":
        return this.classNode(node, ctx);
      case "ModuleNode":
        return this.moduleNode(node, ctx);
      case "SingletonClassNode":
        if (kind(node.expression) === "SelfNode") this.body(statementsOf(node.body), { ...ctx, singleton: true });
        return;
      case "DefNode":
        return this.def(node, ctx);
      case "IfNode":
        this.body(statementsOf(node.statements), ctx);
        if (node.subsequent) this.statement(node.subsequent, ctx);
        return;
      case "UnlessNode":
        this.body(statementsOf(node.statements), ctx);
        if (node.elseClause) this.statement(node.elseClause, ctx);
        return;
      case "ElseNode":
      case "BeginNode":
        return this.body(statementsOf(node.statements), ctx);
      case "ParenthesesNode":
        return this.body(statementsOf(node.body), ctx);
      case "CallNode":
        return this.call(node, ctx);
      default:
        return;
    }
  }

  /** A constant as written (`Admin::User`, `::User`), or null for anything else. */
  constant(node) {
    const k = kind(node);
    if (k === "ConstantReadNode") return node.name;
    if (k === "ConstantPathNode") {
      if (node.parent === null) return `::${node.name}`;
      const parent = this.constant(node.parent);
      return parent === null ? null : `${parent}::${node.name}`;
    }
    return null;
  }

  qualify(pathNode, nesting) {
    const written = this.constant(pathNode);
    if (written === null) return null;
    return written.startsWith("::") ? written.slice(2) : [...nesting, written].join("::");
  }

  classNode(node, ctx) {
    const name = this.qualify(node.constantPath, ctx.nesting);
    if (name === null) {
      this.warn(`${this.source.where(node.location)}: class with a computed name; skipped`);
      return;
    }
    const record = this.found.classes.get(name) ?? {
      name,
      superclass: null,
      lexicalScope: ctx.nesting,
      files: [],
      tableName: null,
      abstract: false,
      includes: [],
      associations: [],
    };
    if (node.superclass) {
      const superclass = this.constant(node.superclass);
      if (superclass === null) this.warn(`${this.source.where(node.superclass.location)}: ${name} inherits from an expression, not a class name; not read as a model`);
      else record.superclass = superclass;
    }
    if (!record.files.includes(this.source.path)) record.files.push(this.source.path);
    this.found.classes.set(name, record);
    this.body(statementsOf(node.body), { nesting: name.split("::"), scope: record, kind: "class", proxies: new Set(), inherited: {}, singleton: false });
  }

  moduleNode(node, ctx) {
    const name = this.qualify(node.constantPath, ctx.nesting);
    if (name === null) {
      this.warn(`${this.source.where(node.location)}: module with a computed name; skipped`);
      return;
    }
    const record = this.found.modules.get(name) ?? { name, files: [], tableNamePrefix: null, includes: [], associations: [], concern: false };
    if (!record.files.includes(this.source.path)) record.files.push(this.source.path);
    this.found.modules.set(name, record);
    this.body(statementsOf(node.body), { nesting: name.split("::"), scope: record, kind: "module", proxies: new Set(), inherited: {}, singleton: false });
  }

  /** Only `def self.table_name_prefix` (or `def table_name_prefix` in `class << self`) of a module is read, for its value. */
  def(node, ctx) {
    if (ctx.kind !== "module" || node.name !== "table_name_prefix") return;
    if (!(kind(node.receiver) === "SelfNode" || (ctx.singleton && !node.receiver))) return;
    const value = this.value(statementsOf(node.body).at(-1));
    if (typeof value === "string") ctx.scope.tableNamePrefix = value;
    else this.warn(`${this.source.where(node.location)}: ${ctx.scope.name}.table_name_prefix is not a string literal; ignored`);
  }

  call(node, ctx) {
    const scope = ctx.scope;
    if (!scope) return;
    const recv = node.receiver;
    if (kind(recv) === "SelfNode") return this.setting(node, ctx);
    const viaProxy = kind(recv) === "LocalVariableReadNode" && ctx.proxies.has(recv.name);
    if (recv && !viaProxy) return;
    const name = node.name;
    const args = node.arguments_?.arguments_ ?? [];
    if (ASSOCIATIONS.has(name)) return this.association(node, args, ctx);
    if (name === "include") {
      for (const arg of args) {
        const mod = this.constant(arg);
        if (mod === null) {
          this.warn(`${this.source.where(arg.location)}: include of an expression, not a module name; ignored`);
          continue;
        }
        scope.includes.push(mod);
        // Kept in place, so a concern's associations keep declaration order.
        scope.associations.push({ kind: "include", name: mod, declaredIn: scope.name });
      }
      return;
    }
    if (name === "extend" && ctx.kind === "module" && args.some((a) => /^(::)?ActiveSupport::Concern$/.test(this.constant(a) ?? ""))) {
      scope.concern = true;
      return;
    }
    if (name === "primary_abstract_class" && ctx.kind === "class") {
      scope.abstract = true;
      return;
    }
    if (name === "delegated_type") {
      this.warn(`${this.source.where(node.location)}: delegated_type is not read (its belongs_to is not generated)`);
      return;
    }
    if (kind(node.block) !== "BlockNode") return;
    if (name === "with_options") {
      const proxies = new Set(ctx.proxies);
      for (const p of node.block.parameters?.parameters?.requireds ?? []) if (kind(p) === "RequiredParameterNode") proxies.add(p.name);
      this.body(statementsOf(node.block.body), { ...ctx, proxies, inherited: { ...ctx.inherited, ...this.options(args).options } });
      return;
    }
    if (BLOCK_SCOPES.has(name)) this.body(statementsOf(node.block.body), { ...ctx, singleton: ctx.singleton || name === "class_methods" });
  }

  /** `self.table_name = "x"`, `self.abstract_class = true`, `self.inheritance_column = "kind"`, a module's `self.table_name_prefix = "x_"`. */
  setting(node, ctx) {
    if (!node.name.endsWith("=")) return;
    const key = node.name.slice(0, -1);
    const arg = node.arguments_?.arguments_?.[0];
    const value = this.value(arg);
    const record = ctx.scope;
    if (ctx.kind === "module") {
      if (key === "table_name_prefix" && typeof value === "string") record.tableNamePrefix = value;
      return;
    }
    if (key === "table_name") {
      record.tableName = value ?? null;
    } else if (key === "abstract_class") {
      if (value === true) record.abstract = true;
    } else if (key === "inheritance_column") {
      record.inheritanceColumn = value;
    }
  }

  association(node, args, ctx) {
    const record = ctx.scope;
    const at = this.source.where(node.messageLoc ?? node.location);
    const name = this.value(args[0]);
    if (typeof name !== "string") {
      this.warn(`${at}: ${node.name} with a computed name; skipped`);
      return;
    }
    const { options, positional } = this.options(args.slice(1));
    record.associations.push({
      kind: node.name,
      name,
      options: { ...ctx.inherited, ...options },
      hasScope: positional.some((p) => kind(p) === "LambdaNode"),
      declaredIn: record.name,
      source: at,
    });
    if (ctx.kind === "module") record.concern = true;
  }

  /** Keyword options (`key: value`, `"key" => value`) and the other arguments. */
  options(args) {
    const options = {};
    const positional = [];
    for (const arg of args) {
      if (kind(arg) !== "KeywordHashNode" && kind(arg) !== "HashNode") {
        positional.push(arg);
        continue;
      }
      for (const element of arg.elements) {
        if (kind(element) !== "AssocNode") continue;
        const key = this.value(element.key);
        if (typeof key === "string") options[key] = this.value(element.value);
      }
    }
    return { options, positional };
  }

  /** A Ruby literal as a JS value; anything else as { raw: its source }. */
  value(node) {
    switch (kind(node)) {
      case "StringNode":
      case "SymbolNode":
        return node.unescaped.value;
      case "TrueNode":
        return true;
      case "FalseNode":
        return false;
      case "NilNode":
        return null;
      case "IntegerNode":
      case "FloatNode":
        return node.value;
      case "ArrayNode":
        return node.elements.map((e) => this.value(e));
      case null:
        return undefined;
      default:
        return { raw: this.source.slice(node.location) };
    }
  }
}
