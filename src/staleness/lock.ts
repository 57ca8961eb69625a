import { createHash } from "node:crypto";
import { watched } from "../config/file.js";
import type { Config } from "../config/load.js";
import { sha256 } from "../common/hash.js";
import * as msg from "../common/messages.js";
import { unsafePath } from "../common/path-guard.js";
import { outputPaths } from "../rails/output-paths.js";
import { plainInflector } from "../ruby/inflector.js";

/**
 * zero-models.lock: what was generated from what. Committed, so it is laid out
 * for review and merges: one line per table, stable order, nothing that
 * changes on every run (no timestamps, no digest of the whole tree).
 *
 * It is kept small (issue 21: 3.7 MB at 2,000 tables in version 1) by storing
 * at full strength only what decides freshness, and the rest as short tags:
 * - fingerprints and output hashes: all 256 bits of SHA-256, base64url (43 characters);
 * - component, global and input hashes: 48 bits (8 characters). They only say
 *   which input changed, for reasons and `--explain`; a collision can cost a
 *   reason's detail, never a false cache hit, since freshness is the full
 *   fingerprint plus the full output hashes;
 * - a table's outputs as a list in the order of `perTable` when the patterns
 *   expand to exactly those paths, else by path.
 */
export const LOCK_VERSION = 2;

export interface LockTable {
  model: string;
  /** SHA-256, hex. */
  fingerprint: string;
  /**
   * This table's own components (globals are in Lock.global) as componentTags
   * writes them; read with tagsOf. Kept as text: only a stale table's reasons need them.
   */
  components: string;
  /** Generated file -> SHA-256 (hex), null when the generator did not write it. */
  outputs: Record<string, string | null>;
}

export interface Lock {
  version: typeof LOCK_VERSION;
  fingerprintVersion: number;
  /** outputs.perTable when the lock was written: how a table's list of output hashes maps to paths. */
  perTable: string[];
  /** Short hashes of the components shared by every table (templates, global inputs, config, schema preamble). */
  global: Record<string, string>;
  /** Short hash of every input file when the lock was last written in full; tells what changed since. */
  inputs: Record<string, string>;
  tables: Record<string, LockTable>;
  /** Shared generated file -> SHA-256 (hex) or null. */
  shared: Record<string, string | null>;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** 24 bits (6 hex digits) as 4 base64url characters; by hand, as Buffer's is slow for thousands of small calls. */
function base64url24(hex6: string): string {
  const n = parseInt(hex6, 16);
  return BASE64URL[(n >> 18) & 63]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]! + BASE64URL[n & 63]!;
}

/** 48 bits of a hex SHA-256, base64url: how the lock records global components and inputs. */
export function shortHash(hex: string): string {
  return base64url24(hex.slice(0, 6)) + base64url24(hex.slice(6, 12));
}

export function shortHashes(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) out[k] = shortHash(v);
  return out;
}

/** 24 bits of SHA-256 of a component's name: within one table, and among every name an app has, practically unique. */
export function componentTag(name: string): string {
  return createHash("sha256").update(name).digest().subarray(0, 3).toString("base64url");
}

/** 24 bits of a component's hash: enough to say whether it changed. */
export function hashTag(hex: string): string {
  return base64url24(hex.slice(0, 6));
}

/** A table's components as the lock records them: each name's tag and its hash's, sorted, space-separated. */
export function componentTags(components: Record<string, string>): string {
  return Object.entries(components)
    .map(([name, hash]) => componentTag(name) + hashTag(hash))
    .sort()
    .join(" ");
}

/** True when what componentTags wrote records the component `tag` with hash tag `hash`; searched as text, parsing nothing. */
export function hasTag(text: string, tag: string, hash: string): boolean {
  const both = tag + hash;
  for (let i = text.indexOf(both); i !== -1; i = text.indexOf(both, i + 1)) if (i % (both.length + 1) === 0) return true;
  return false;
}

/** Component tag -> hash tag, from what componentTags wrote. */
export function tagsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text) for (const tag of text.split(" ")) out[tag.slice(0, 4)] = tag.slice(4);
  return out;
}

const FULL = /^[A-Za-z0-9_-]{43}$/;
const SHORT = /^[A-Za-z0-9_-]{8}$/;
const TAGS = /^(?:[A-Za-z0-9_-]{8}(?: [A-Za-z0-9_-]{8})*)?$/;
const fromFull = (b64: string) => Buffer.from(b64, "base64url").toString("hex");
const toFull = (hex: string) => Buffer.from(hex, "hex").toString("base64url");

export type LockRead =
  | { status: "missing"; lock: null }
  | { status: "ok"; lock: Lock; /** The file's text, to tell whether a lock would be written unchanged. */ text: string }
  | { status: "corrupt"; lock: null; warning: string; /** What is wrong, as the warning says it. */ why: string; /** Written by an older zero-models, not damaged. */ older?: true };

/** The key under which a lock's content counts as checked (see parseLock's `checkedBefore`): its bytes and the output patterns. */
export function lockCheckKey(config: Config, text: string | Buffer): string {
  return sha256(JSON.stringify([sha256(text), watched(config).outputs]));
}

/** A lock file's content that is not what this version writes: where. */
class Unexpected extends Error {}

/**
 * `isOutput` tells whether a path is one the config generates; every output
 * path the lock records must be one, and safe to act on (see path-guard.ts),
 * or the whole lock is untrusted: a tampered entry never leads to a file
 * being read or deleted, only to every table being regenerated.
 * `checkedBefore`: the same bytes passed every check in an earlier run with the
 * same output patterns, so only the conversion is left. `only` (with
 * `checkedBefore`): convert only these tables' entries, leaving the others out.
 */
export function parseLock(text: string | null, file: string, isOutput: (path: string) => boolean = () => true, checkedBefore = false, only?: Set<string>): LockRead {
  if (text === null) return { status: "missing", lock: null };
  const corrupt = (why: string): LockRead => ({ status: "corrupt", lock: null, warning: msg.lockCorrupt(file, why), why });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const why = /^(<<<<<<<|=======|>>>>>>>)/m.test(text) ? "it has merge conflict markers" : `it is not valid JSON: ${(error as Error).message}`;
    return corrupt(why);
  }
  const version = (data as { version?: unknown })?.version;
  // Upgrading zero-models is not tampering: said plainly, and stale once.
  if (Number.isInteger(version) && (version as number) >= 1 && (version as number) < LOCK_VERSION) {
    return { status: "corrupt", lock: null, warning: msg.lockOlder(file, version as number), why: msg.lockOlderWhy(version as number), older: true };
  }
  if (version !== LOCK_VERSION) {
    return corrupt(`unknown lock version ${JSON.stringify(version)}, this zero-models writes ${LOCK_VERSION}`);
  }
  let lock: Lock;
  try {
    lock = fromFile(data as Record<string, unknown>, !checkedBefore, checkedBefore ? only : undefined);
  } catch (error) {
    if (!(error instanceof Unexpected)) throw error;
    return corrupt(`unexpected content at ${error.message}`);
  }
  if (!checkedBefore) {
    const bad = foreignOutput(lock, isOutput);
    if (bad) return corrupt(msg.lockForeignPath(bad.path, bad.where, bad.why));
  }
  return { status: "ok", lock, text };
}

/** A record without a prototype: a table or path named "__proto__" stays an entry (the lock is untrusted). */
const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The in-memory lock of a parsed file; throws Unexpected naming the first thing wrong (checked only when `check`). */
function fromFile(data: Record<string, unknown>, check: boolean, only?: Set<string>): Lock {
  const expect = (ok: boolean, at: string) => {
    if (check && !ok) throw new Unexpected(at);
  };
  const record = (v: unknown, at: string, value: (x: unknown) => boolean): Record<string, unknown> => {
    expect(isObject(v), at);
    const r = v as Record<string, unknown>;
    if (check) for (const [k, x] of Object.entries(r)) expect(value(x), `${at}.${k}`);
    return r;
  };
  const short = (x: unknown) => typeof x === "string" && SHORT.test(x);
  const full = (x: unknown) => typeof x === "string" && FULL.test(x);
  const fullOrNull = (x: unknown) => x === null || full(x);
  const fullHex = (x: unknown) => (x === null ? null : fromFull(x as string));

  const keys = ["version", "fingerprintVersion", "perTable", "global", "inputs", "shared", "tables"];
  if (check) {
    const extra = Object.keys(data).find((k) => !keys.includes(k));
    expect(extra === undefined, extra ?? "");
  }
  expect(Number.isInteger(data.fingerprintVersion), "fingerprintVersion");
  const perTable = data.perTable;
  expect(Array.isArray(perTable) && perTable.every((p) => typeof p === "string" && p.length > 0), "perTable");
  const global = Object.assign(dict<string>(), record(data.global, "global", short)) as Record<string, string>;
  const inputs = dict<string>();
  for (const [dir, files] of Object.entries(record(data.inputs, "inputs", isObject))) {
    expect(dir.length > 0, "inputs");
    for (const [name, hash] of Object.entries(record(files, `inputs.${dir}`, short))) {
      expect(name.length > 0 && !name.includes("/"), `inputs.${dir}.${name}`);
      inputs[dir === "." ? name : `${dir}/${name}`] = hash as string;
    }
  }
  const shared = dict<string | null>();
  for (const [p, h] of Object.entries(record(data.shared, "shared", fullOrNull))) shared[p] = fullHex(h);
  const tables = dict<LockTable>();
  for (const [name, t] of Object.entries(record(data.tables, "tables", isObject))) {
    if (only && !only.has(name)) continue;
    const at = `tables.${name}`;
    const entry = t as Record<string, unknown>;
    expect(Object.keys(entry).length === 4 && typeof entry.model === "string" && full(entry.fingerprint) && typeof entry.components === "string" && TAGS.test(entry.components as string), at);
    tables[name] = {
      model: entry.model as string,
      fingerprint: fromFull(entry.fingerprint as string),
      components: entry.components as string,
      outputs: outputsOf(entry.outputs, perTable as string[], name, entry.model as string, at, check),
    };
  }
  return { version: LOCK_VERSION, fingerprintVersion: data.fingerprintVersion as number, perTable: perTable as string[], global, inputs, tables, shared };
}

/** A table's outputs by path: a list follows the lock's perTable patterns, an object names each path. */
function outputsOf(value: unknown, perTable: string[], table: string, model: string, at: string, check: boolean): Record<string, string | null> {
  const valid = (h: unknown) => h === null || (typeof h === "string" && FULL.test(h));
  const out = dict<string | null>();
  if (Array.isArray(value)) {
    const paths = expand(perTable, table, model);
    if (!paths || paths.length !== value.length || (check && !value.every(valid))) throw new Unexpected(`${at}.outputs`);
    paths.forEach((p, i) => (out[p] = value[i] === null ? null : fromFull(value[i] as string)));
    return out;
  }
  if (!isObject(value)) throw new Unexpected(`${at}.outputs`);
  for (const [p, h] of Object.entries(value)) {
    if (check && !valid(h)) throw new Unexpected(`${at}.outputs.${p}`);
    out[p] = h === null ? null : fromFull(h as string);
  }
  return out;
}

/** perTable expanded for a table with the default inflections; null when a name is not one a path can hold. */
function expand(perTable: string[], table: string, model: string): string[] | null {
  try {
    return outputPaths(perTable, table, model, plainInflector(), "", 0);
  } catch {
    return null;
  }
}

/** The first recorded output path that is unsafe or not one the config generates. */
function foreignOutput(lock: Lock, isOutput: (path: string) => boolean): { path: string; where: string; why: string } | null {
  const entries: Array<[string, string]> = [
    ...Object.entries(lock.tables).flatMap(([table, entry]) => Object.keys(entry.outputs).map((p): [string, string] => [p, `tables.${table}.outputs`])),
    ...Object.keys(lock.shared).map((p): [string, string] => [p, "shared"]),
  ];
  for (const [p, where] of entries) {
    const why = unsafePath(p) ?? (isOutput(p) ? null : msg.notAnOutput);
    if (why) return { path: p, where, why };
  }
  return null;
}

export function emptyLock(fingerprintVersion: number, perTable: string[] = []): Lock {
  return { version: LOCK_VERSION, fingerprintVersion, perTable, global: {}, inputs: {}, tables: {}, shared: {} };
}

/**
 * Written by hand, not by JSON.stringify of the whole: a table is one line, so
 * a review diff shows one line per regenerated table. Keys are sorted, so the
 * same lock is always the same bytes.
 */
export function serializeLock(lock: Lock): string {
  const json = (v: unknown) => JSON.stringify(v);
  const sorted = <T>(r: Record<string, T>): Array<[string, T]> => Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const block = (entries: string[], indent: string) => (entries.length ? `{\n${entries.map((e) => `${indent}  ${e}`).join(",\n")}\n${indent}}` : "{}");
  const inputs: Record<string, Record<string, string>> = {};
  for (const [p, h] of Object.entries(lock.inputs)) {
    const slash = p.lastIndexOf("/");
    const dir = slash === -1 ? "." : p.slice(0, slash);
    (inputs[dir] ??= {})[p.slice(slash + 1)] = h;
  }
  const full = (h: string | null) => (h === null ? null : toFull(h));
  const lines = [
    `"version": ${lock.version}`,
    `"fingerprintVersion": ${lock.fingerprintVersion}`,
    `"perTable": ${lock.perTable.length ? `[\n${lock.perTable.map((p) => `    ${json(p)}`).join(",\n")}\n  ]` : "[]"}`,
    `"global": ${block(sorted(lock.global).map(([k, v]) => `${json(k)}: ${json(v)}`), "  ")}`,
    `"inputs": ${block(sorted(inputs).map(([dir, files]) => `${json(dir)}: ${block(sorted(files).map(([k, v]) => `${json(k)}: ${json(v)}`), "    ")}`), "  ")}`,
    `"shared": ${block(sorted(lock.shared).map(([k, v]) => `${json(k)}: ${json(full(v))}`), "  ")}`,
    `"tables": ${block(sorted(lock.tables).map(([name, t]) => `${json(name)}: ${json(tableLine(lock.perTable, name, t))}`), "  ")}`,
  ];
  return `{\n${lines.map((l) => `  ${l}`).join(",\n")}\n}\n`;
}

function tableLine(perTable: string[], name: string, t: LockTable) {
  const paths = Object.keys(t.outputs);
  const expanded = expand(perTable, name, t.model);
  const hash = (p: string) => (t.outputs[p] === null ? null : toFull(t.outputs[p]!));
  const listed = expanded !== null && expanded.length === paths.length && expanded.every((p) => p in t.outputs);
  const outputs = listed ? expanded.map(hash) : Object.fromEntries(paths.sort().map((p) => [p, hash(p)]));
  return { model: t.model, fingerprint: toFull(t.fingerprint), components: t.components, outputs };
}
