/**
 * Thin wrapper around @ruby/prism (Ruby's own parser compiled to WASM).
 *
 * - The WASM module is loaded lazily on the first parse and memoized, so
 *   commands that never read Ruby do not pay the ~50 ms load.
 * - Node 20 prints "ExperimentalWarning: WASI is an experimental feature" when
 *   the `wasi` builtin is first loaded; that one warning is swallowed.
 * - Prism locations are BYTE offsets into the UTF-8 source. {@link RubySource}
 *   slices and computes lines on bytes so non-ASCII text stays aligned.
 * - CRLF is normalized to LF before parsing, so a Windows checkout yields the
 *   same facts and the same source slices.
 * - Ruby nested too deeply is an InputError, never a hang or a crash: the
 *   module runs with a C stack large enough that V8's stack runs out first
 *   (wasm-stack.ts), a parse that traps gets a fresh instance next time, and
 *   a tree deeper than MAX_DEPTH never reaches the recursive readers.
 */
import type * as Prism from "@ruby/prism";
import type { Location, Node, ProgramNode } from "@ruby/prism";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { InputError } from "../common/errors.js";
import * as msg from "../common/messages.js";
import { withRoomyStack } from "./wasm-stack.js";

export type { Location, Node, ProgramNode } from "@ruby/prism";

type PrismModule = typeof Prism;

type NodeConstructors = {
  [K in keyof PrismModule as K extends `${string}Node` ? K : never]: PrismModule[K];
};
/** Name of a Prism node class, e.g. "CallNode". */
export type NodeKind = keyof NodeConstructors;
/** Instance type of the Prism node class named K. */
export type NodeOf<K extends NodeKind> = InstanceType<NodeConstructors[K]>;

interface LoadedPrism {
  /** Prism with its C stack moved out of harm's way (see wasm-stack.ts), compiled once. */
  module: WebAssembly.Module;
  parsePrism: (typeof import("@ruby/prism/src/parsePrism.js"))["parsePrism"];
  WASI: typeof import("node:wasi").WASI;
  /** The live instance; null after a parse trapped in it, which leaves its stack pointer and heap mid-parse. */
  exports: WebAssembly.Exports | null;
  /** Node constructor -> exported class name; survives minification (export names are kept). */
  kinds: Map<unknown, string>;
}

let loading: Promise<LoadedPrism> | null = null;
let loaded: LoadedPrism | null = null;

function isWasiExperimentalWarning(warning: unknown, typeOrOptions: unknown): boolean {
  let type: unknown;
  if (typeof typeOrOptions === "string") type = typeOrOptions;
  else if (typeOrOptions && typeof typeOrOptions === "object") type = (typeOrOptions as { type?: unknown }).type;
  let message = "";
  if (typeof warning === "string") message = warning;
  else if (warning instanceof Error) {
    message = warning.message;
    if (type === undefined) type = warning.name;
  }
  return type === "ExperimentalWarning" && /\bWASI\b/.test(message);
}

async function loadPrismOnce(): Promise<LoadedPrism> {
  const original = process.emitWarning;
  const filtered = function (this: unknown, warning: unknown, ...rest: unknown[]): void {
    if (isWasiExperimentalWarning(warning, rest[0])) return;
    return (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  // Baseline-compiled WASM only: a run parses a few statements or files, and
  // optimizing Prism's 490 KB of WASM in the background costs more on a small
  // machine (~70 ms of a one-column change on 2 cores) than it ever saves.
  setFlagsFromString("--liftoff-only");
  try {
    // What @ruby/prism's loadPrism() does, but with the module's stack made roomy first.
    const wasmFile = path.join(path.dirname(createRequire(import.meta.url).resolve("@ruby/prism")), "prism.wasm");
    const [mod, { parsePrism }, { WASI }, bytes] = await Promise.all([
      import("@ruby/prism"),
      import("@ruby/prism/src/parsePrism.js"),
      import("node:wasi"),
      readFile(wasmFile),
    ]);
    const module = await WebAssembly.compile(withRoomyStack(bytes) ?? bytes);
    const kinds = new Map<unknown, string>();
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function" && name.endsWith("Node")) kinds.set(value, name);
    }
    return { module, parsePrism, WASI, exports: null, kinds };
  } finally {
    // Only restore if nobody replaced it meanwhile.
    if (process.emitWarning === (filtered as typeof process.emitWarning)) process.emitWarning = original;
  }
}

/** Starts loading Prism, for a run that will parse once what it is reading now has arrived. */
export function warmUpPrism(): void {
  prism().catch(() => {
    // the parse that follows loads it again, and reports the error
  });
}

async function prism(): Promise<LoadedPrism> {
  if (loaded) return loaded;
  if (!loading) {
    loading = loadPrismOnce().then(
      (p) => (loaded = p),
      (err: unknown) => {
        loading = null;
        throw err;
      },
    );
  }
  return loading;
}

/**
 * Parses with a live instance, made anew after a trap. A trap (V8's stack
 * spent, or Prism faulting) is the input's doing: an InputError.
 */
async function parseWithPrism(text: string, file: string): Promise<ReturnType<LoadedPrism["parsePrism"]>> {
  const p = await prism();
  if (!p.exports) {
    const wasi = new p.WASI({ version: "preview1" });
    const instance = await WebAssembly.instantiate(p.module, wasi.getImportObject() as WebAssembly.Imports);
    wasi.initialize(instance);
    p.exports = instance.exports;
  }
  try {
    return p.parsePrism(p.exports, text, { filepath: file });
  } catch (error) {
    p.exports = null;
    if (!(error instanceof RangeError || error instanceof WebAssembly.RuntimeError)) throw error;
    throw new InputError(msg.rubyTooDeep(file, `${error.name}: ${error.message}`), file, undefined, { cause: error });
  }
}

/** Name of the Prism class of `node` ("CallNode", ...), or undefined. Only valid after a parse. */
export function kindOf(node: unknown): string | undefined {
  if (!node || typeof node !== "object" || !loaded) return undefined;
  return loaded.kinds.get((node as object).constructor);
}

/** Type guard: `is(node, "CallNode")`. */
export function is<K extends NodeKind>(node: unknown, kind: K): node is NodeOf<K> {
  return kindOf(node) === kind;
}

/** Source text as Prism sees it: LF line endings, UTF-8 bytes for offset math. */
export class RubySource {
  readonly text: string;
  readonly bytes: Buffer;
  private readonly lineStarts: number[];

  constructor(text: string) {
    this.text = normalizeNewlines(text);
    this.bytes = Buffer.from(this.text, "utf8");
    const starts = [0];
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 0x0a) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** 1-based line of a byte offset. */
  lineAt(byteOffset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= byteOffset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based line where a node or location starts. */
  line(nodeOrLoc: Node | Location): number {
    const loc = "location" in nodeOrLoc ? nodeOrLoc.location : nodeOrLoc;
    return this.lineAt(loc.startOffset);
  }

  /** Text between two byte offsets. */
  sliceBytes(start: number, end: number): string {
    return this.bytes.subarray(start, end).toString("utf8");
  }

  /** Text of a location. */
  slice(loc: Location): string {
    return this.sliceBytes(loc.startOffset, loc.startOffset + loc.length);
  }

  /**
   * Full text of a node, including heredoc bodies, which Prism places outside
   * the node's own location (`execute <<~SQL` covers only the opener).
   */
  nodeText(node: Node): string {
    return this.sliceBytes(node.location.startOffset, nodeEnd(node));
  }
}

/** CRLF -> LF (and lone CR is left alone: Ruby treats it as whitespace). */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n/g, "\n");
}

function isLocation(value: unknown): value is Location {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Location).startOffset === "number" &&
    typeof (value as Location).length === "number"
  );
}

/** Largest end byte offset of the node or anything inside it (heredoc bodies included). */
export function nodeEnd(node: Node): number {
  let end = node.location.startOffset + node.location.length;
  const visit = (n: Node): void => {
    for (const value of Object.values(n)) {
      if (isLocation(value)) end = Math.max(end, value.startOffset + value.length);
    }
    for (const child of n.compactChildNodes()) visit(child);
  };
  visit(node);
  return end;
}

const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})(?:[ \t].*)?$/m;

export interface ParsedRuby {
  program: ProgramNode;
  source: RubySource;
  /** Magic comments (`# frozen_string_literal: true`), key and value as written: the only comments that change what code means. */
  magicComments: Array<{ key: string; value: string }>;
}

/**
 * The last few parses, by file and text: a changed model file is read twice,
 * for its facts and for its declarations, from one tree (nothing changes a
 * parsed tree). Errors are not kept; they are thrown again.
 */
const recent = new Map<string, ParsedRuby>();

/** Parse Ruby; returns the program and the (LF-normalized) source for slicing. Throws InputError on syntax errors. */
export async function parseRubySource(text: string, file: string): Promise<ParsedRuby> {
  const key = `${file}\0${text}`;
  const known = recent.get(key);
  if (known) return known;
  const parsed = await parseUncached(text, file);
  recent.set(key, parsed);
  if (recent.size > 4) recent.delete(recent.keys().next().value!);
  return parsed;
}

async function parseUncached(text: string, file: string): Promise<ParsedRuby> {
  const source = new RubySource(text);
  const result = await parseWithPrism(source.text, file);
  if (result.errors.length > 0) {
    const conflict = CONFLICT_MARKER.exec(source.text);
    if (conflict) {
      const line = source.text.slice(0, conflict.index).split("\n").length;
      throw new InputError(
        `${file}:${line}: Ruby syntax error: unresolved merge conflict marker "${conflict[1]}": resolve the merge conflict and run again`,
        file,
        line,
      );
    }
    const sorted = [...result.errors].sort((a, b) => a.location.startOffset - b.location.startOffset);
    const eof = sorted.find((e) => /end-of-input/.test(e.message));
    if (eof) {
      // Truncated file / missing `end`: Prism reports every unclosed opener
      // (outermost first); the end of input and the innermost opener are the
      // useful facts.
      const line = source.lineAt(eof.location.startOffset);
      const openers = sorted.filter((e) => e !== eof && /\bend\b/.test(e.message) && e.location.startOffset < eof.location.startOffset);
      const innermost = openers[openers.length - 1];
      const detail = innermost
        ? ` (${innermost.message} at line ${source.lineAt(innermost.location.startOffset)}; is the file truncated?)`
        : " (is the file truncated?)";
      throw new InputError(
        `${file}:${line}: Ruby syntax error: unexpected end of file${detail}; fix the syntax (or resolve the merge conflict) and run again`,
        file,
        line,
      );
    }
    const first = sorted[0]!;
    const line = source.lineAt(first.location.startOffset);
    throw new InputError(
      `${file}:${line}: Ruby syntax error: ${first.message}; fix the syntax (or resolve the merge conflict) and run again`,
      file,
      line,
    );
  }
  const tooDeep = deeperThan(result.value, MAX_DEPTH);
  if (tooDeep) {
    const line = source.line(tooDeep);
    throw new InputError(msg.rubyTooDeep(`${file}:${line}`, `more than ${MAX_DEPTH} levels`), file, line);
  }
  const magicComments = result.magicComments.map((m) => ({ key: source.slice(m.startLocation), value: source.slice(m.endLocation) }));
  return { program: result.value, source, magicComments };
}

/**
 * How deep a tree the readers below (and the fact extractors, which recurse
 * as they please) are given: far deeper than any Rails file, and shallow
 * enough that no recursive walk over it can spend the JS stack, whatever the
 * stack already holds when it starts.
 */
export const MAX_DEPTH = 1000;

/** A node more than `limit` levels down, or null; iterative, so any depth is measured safely. */
function deeperThan(root: Node, limit: number): Node | null {
  const stack: Array<[Node, number]> = [[root, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (depth > limit) return node;
    for (const child of node.compactChildNodes()) stack.push([child, depth + 1]);
  }
  return null;
}

/** Parse Ruby and return the program node. Throws InputError (with file and line) on syntax errors. */
export async function parseRuby(text: string, file: string): Promise<ProgramNode> {
  return (await parseRubySource(text, file)).program;
}

// ---------------------------------------------------------------------------
// Small AST helpers shared by the Ruby fact extractors.

/** Depth-first walk; return false from `visit` to skip a node's children. */
export function walk(node: Node | null | undefined, visit: (node: Node) => boolean | void): void {
  if (!node) return;
  if (visit(node) === false) return;
  for (const child of node.compactChildNodes()) walk(child, visit);
}

/** Statements of a body node (StatementsNode, BeginNode with statements, or a single node). */
export function statementsOf(body: Node | null | undefined): Node[] {
  if (!body) return [];
  if (is(body, "StatementsNode")) return body.body;
  if (is(body, "BeginNode")) return body.statements ? body.statements.body : [];
  if (is(body, "ParenthesesNode")) return statementsOf(body.body);
  return [body];
}

/**
 * Value of a string or symbol literal ("x", :x, 'x', %w-free), `"x".freeze`,
 * or adjacent literal concatenation ("a" "b"). null for anything else.
 */
export function literalString(node: Node | null | undefined): string | null {
  if (!node) return null;
  if (is(node, "StringNode") || is(node, "SymbolNode")) return node.unescaped.value;
  if (is(node, "InterpolatedStringNode") || is(node, "InterpolatedSymbolNode")) {
    let out = "";
    for (const part of node.parts) {
      const v = literalString(part);
      if (v === null) return null;
      out += v;
    }
    return out;
  }
  if (is(node, "CallNode") && (node.name === "freeze" || node.name === "to_s" || node.name === "to_sym")) {
    if (node.arguments_ || node.block) return null;
    return literalString(node.receiver);
  }
  if (is(node, "ParenthesesNode")) {
    const body = statementsOf(node.body);
    return body.length === 1 ? literalString(body[0]) : null;
  }
  return null;
}

/** "Foo", "Admin::Foo", "::Foo" for constant reads/paths; null otherwise. */
export function constantName(node: Node | null | undefined): string | null {
  if (!node) return null;
  if (is(node, "ConstantReadNode")) return node.name;
  if (is(node, "ConstantPathNode")) {
    if (node.name === null) return null;
    if (!node.parent) return `::${node.name}`;
    const parent = constantName(node.parent);
    return parent === null ? null : `${parent}::${node.name}`;
  }
  return null;
}

/** Positional arguments of a call (block-pass and trailing keyword hash excluded). */
export function positionalArgs(call: NodeOf<"CallNode">): Node[] {
  const args = call.arguments_?.arguments_ ?? [];
  return args.filter((a) => !is(a, "KeywordHashNode") && !is(a, "BlockArgumentNode"));
}

/** All arguments of a call as written. */
export function callArgs(call: NodeOf<"CallNode">): Node[] {
  return call.arguments_?.arguments_ ?? [];
}

/**
 * Keyword options of a call: the trailing `key: value` pairs (bare or in
 * braces). Keys are symbol/string literal names; splats and computed keys are
 * reported in `dynamicKeys`.
 */
export function keywordOptions(call: NodeOf<"CallNode">): { options: Map<string, Node>; hasSplat: boolean } {
  const options = new Map<string, Node>();
  let hasSplat = false;
  const args = callArgs(call);
  const last = args[args.length - 1];
  if (last && (is(last, "KeywordHashNode") || (is(last, "HashNode") && args.length > 1))) {
    for (const el of last.elements) {
      if (is(el, "AssocNode")) {
        const key = literalString(el.key);
        if (key === null) hasSplat = true;
        else options.set(key, el.value);
      } else {
        hasSplat = true;
      }
    }
  }
  return { options, hasSplat };
}

/** Hash literal -> Map of literal keys to values (null when not a hash). */
export function hashEntries(node: Node | null | undefined): Map<string, Node> | null {
  if (!node || !(is(node, "HashNode") || is(node, "KeywordHashNode"))) return null;
  const out = new Map<string, Node>();
  for (const el of node.elements) {
    if (is(el, "AssocNode")) {
      const key = literalString(el.key);
      if (key !== null) out.set(key, el.value);
    }
  }
  return out;
}
