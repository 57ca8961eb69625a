import { emptyLock, type Lock } from "./lock.js";

/**
 * The three-way merge of two locks that git's merge driver runs (see
 * `zero-models merge-lock`). Entry by entry, the side that changed an entry
 * since the ancestor wins; when both changed it differently, ours. Any such
 * merge is safe because the lock never decides on its own that a table is
 * fresh: a table is fresh only when the fingerprint computed from today's
 * inputs equals its entry's and its files hash as the entry records, so an
 * entry from the "wrong" side only makes its table stale, and the hooks
 * regenerate it after the merge.
 */

/** Null for a side that is missing or not a readable lock; null for both sides is the caller's to handle. */
export function mergeLocks(ancestor: Lock | null, ours: Lock | null, theirs: Lock | null): Lock | null {
  if (!ours || !theirs) return ours ?? theirs;
  const base = ancestor ?? emptyLock(ours.fingerprintVersion);
  return {
    version: ours.version,
    // How a table's listed outputs map to paths: a table from theirs whose paths ours' patterns do not give is written by path.
    perTable: ours.perTable,
    // Never read to judge a table (each entry's fingerprint is), so the plain rule is enough.
    fingerprintVersion: pick(base.fingerprintVersion, ours.fingerprintVersion, theirs.fingerprintVersion) as number,
    global: mergeRecords(base.global, ours.global, theirs.global),
    inputs: mergeRecords(base.inputs, ours.inputs, theirs.inputs),
    tables: mergeRecords(base.tables, ours.tables, theirs.tables),
    shared: mergeRecords(base.shared, ours.shared, theirs.shared),
  };
}

/**
 * Key by key: an entry added on one side and absent from the other is kept,
 * one dropped on one side and unchanged on the other is dropped, one dropped
 * on one side and changed on the other is kept as changed.
 */
function mergeRecords<T>(ancestor: Record<string, T>, ours: Record<string, T>, theirs: Record<string, T>): Record<string, T> {
  const keys = new Set([...Object.keys(ancestor), ...Object.keys(ours), ...Object.keys(theirs)]);
  const entries: Array<[string, T]> = [];
  for (const key of [...keys].sort()) {
    const value = pick(own(ancestor, key), own(ours, key), own(theirs, key));
    if (value !== undefined) entries.push([key, value as T]);
  }
  // fromEntries defines each key as an own property, "__proto__" included.
  return Object.fromEntries(entries);
}

/** One entry's merge; undefined means absent. */
function pick(ancestor: unknown, ours: unknown, theirs: unknown): unknown {
  if (same(ours, theirs) || same(theirs, ancestor)) return ours;
  if (same(ours, ancestor)) return theirs;
  return ours === undefined ? theirs : ours;
}

const own = <T>(record: Record<string, T>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

/** Deep equality of JSON values (what a parsed lock holds). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
