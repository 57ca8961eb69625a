import * as msg from "../common/messages.js";
import { unsafePath } from "../common/path-guard.js";

/**
 * zero-models.lock: what was generated from what. Committed, so it is laid out
 * for merges: one entry per table, stable key order, nothing that changes on
 * every run (no timestamps, no digest of the whole tree), so branches that
 * regenerate different tables merge without conflicts.
 */
export const LOCK_VERSION = 1;

export interface LockTable {
  model: string;
  fingerprint: string;
  /** Component name -> SHA-256, this table's own (globals are in Lock.global). */
  components: Record<string, string>;
  /** Generated file -> SHA-256, null when the generator did not write it. */
  outputs: Record<string, string | null>;
}

export interface Lock {
  version: typeof LOCK_VERSION;
  fingerprintVersion: number;
  /** Component hashes shared by every table (templates, global inputs, config, schema preamble). */
  global: Record<string, string>;
  /** SHA-256 of every input file when the lock was last written in full; tells what changed since. */
  inputs: Record<string, string>;
  tables: Record<string, LockTable>;
  shared: Record<string, string | null>;
}

/**
 * Checked by hand rather than with the config's zod schema: the lock is read
 * on every run, and loading zod costs more than the rest of a fresh check.
 * Returns the path of the first thing wrong, or null.
 */
function problem(data: unknown): string | null {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const isHash = (v: unknown) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v);
  const hashes = (v: unknown, at: string, nullable = false): string | null => {
    if (!isObject(v)) return at;
    for (const [k, h] of Object.entries(v)) if (!(isHash(h) || (nullable && h === null))) return `${at}.${k}`;
    return null;
  };
  if (!isObject(data)) return "top level";
  const keys = ["version", "fingerprintVersion", "global", "inputs", "tables", "shared"];
  const extra = Object.keys(data).find((k) => !keys.includes(k));
  if (extra) return extra;
  if (!Number.isInteger(data.fingerprintVersion)) return "fingerprintVersion";
  const top = hashes(data.global, "global") ?? hashes(data.inputs, "inputs") ?? hashes(data.shared, "shared", true);
  if (top) return top;
  if (!isObject(data.tables)) return "tables";
  for (const [name, t] of Object.entries(data.tables)) {
    const at = `tables.${name}`;
    if (!isObject(t) || typeof t.model !== "string" || !isHash(t.fingerprint)) return at;
    if (Object.keys(t).length !== 4) return at;
    const inner = hashes(t.components, `${at}.components`) ?? hashes(t.outputs, `${at}.outputs`, true);
    if (inner) return inner;
  }
  return null;
}

export type LockRead =
  | { status: "missing"; lock: null }
  | { status: "ok"; lock: Lock; /** The file's text, to tell whether a lock would be written unchanged. */ text: string }
  | { status: "corrupt"; lock: null; warning: string };

/**
 * `isOutput` tells whether a path is one the config generates; every output
 * path the lock records must be one, and safe to act on (see path-guard.ts),
 * or the whole lock is untrusted: a tampered entry never leads to a file
 * being read or deleted, only to every table being regenerated.
 */
export function parseLock(text: string | null, file: string, isOutput: (path: string) => boolean = () => true, checkedBefore = false): LockRead {
  if (text === null) return { status: "missing", lock: null };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const why = /^(<<<<<<<|=======|>>>>>>>)/m.test(text) ? "it has merge conflict markers" : `it is not valid JSON: ${(error as Error).message}`;
    return { status: "corrupt", lock: null, warning: msg.lockCorrupt(file, why) };
  }
  const version = (data as { version?: unknown })?.version;
  if (version !== LOCK_VERSION) {
    return { status: "corrupt", lock: null, warning: msg.lockCorrupt(file, `unknown lock version ${JSON.stringify(version)}, this zero-models writes ${LOCK_VERSION}`) };
  }
  // The same bytes passed every check below in an earlier run with the same output patterns.
  if (checkedBefore) return { status: "ok", lock: data as Lock, text };
  const wrong = problem(data);
  if (wrong) return { status: "corrupt", lock: null, warning: msg.lockCorrupt(file, `unexpected content at ${wrong}`) };
  const lock = data as Lock;
  const bad = foreignOutput(lock, isOutput);
  if (bad) return { status: "corrupt", lock: null, warning: msg.lockCorrupt(file, msg.lockForeignPath(bad.path, bad.where, bad.why)) };
  return { status: "ok", lock, text };
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

export function emptyLock(fingerprintVersion: number): Lock {
  return { version: LOCK_VERSION, fingerprintVersion, global: {}, inputs: {}, tables: {}, shared: {} };
}

/** JSON with keys sorted at every level, two-space indent, trailing newline. */
export function serializeLock(lock: Lock): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

/** `value` with keys sorted at every level; a subtree already in order is returned as it is, not copied (most of a lock read from disk). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = value.map(sortKeys);
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    const sorted = keys.every((k, i) => i === 0 || keys[i - 1]! <= k);
    const children = keys.map((k) => sortKeys(record[k]));
    if (sorted && children.every((v, i) => v === record[keys[i]!])) return value;
    const byKey = new Map(keys.map((k, i) => [k, children[i]]));
    const out: Record<string, unknown> = {};
    for (const key of [...keys].sort()) out[key] = byKey.get(key);
    return out;
  }
  return value;
}
