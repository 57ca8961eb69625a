import { z } from "zod";
import * as msg from "./messages.js";

/**
 * zero-cache.lock: what was generated from what. Committed, so it is laid out
 * for merges: one entry per table, stable key order, nothing that changes on
 * every run (no timestamps, no digest of the whole tree), so branches that
 * regenerate different tables merge without conflicts.
 */
export const LOCK_VERSION = 1;

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const outputs = z.record(z.string(), hash.nullable());

const lockSchema = z.strictObject({
  version: z.literal(LOCK_VERSION),
  fingerprintVersion: z.number().int(),
  /** Component hashes shared by every table (templates, global inputs, config, schema preamble). */
  global: z.record(z.string(), hash),
  /** SHA-256 of every input file when the lock was last written in full; tells what changed since. */
  inputs: z.record(z.string(), hash),
  tables: z.record(
    z.string(),
    z.strictObject({
      model: z.string(),
      fingerprint: hash,
      components: z.record(z.string(), hash),
      outputs,
    }),
  ),
  shared: outputs,
});

export type Lock = z.output<typeof lockSchema>;
export type LockTable = Lock["tables"][string];

export type LockRead =
  | { status: "missing"; lock: null }
  | { status: "ok"; lock: Lock }
  | { status: "corrupt"; lock: null; warning: string };

export function parseLock(text: string | null, file: string): LockRead {
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
    return { status: "corrupt", lock: null, warning: msg.lockCorrupt(file, `unknown lock version ${JSON.stringify(version)}, this zero-cache writes ${LOCK_VERSION}`) };
  }
  const result = lockSchema.safeParse(data);
  if (!result.success) {
    const first = result.error.issues[0]!;
    return { status: "corrupt", lock: null, warning: msg.lockCorrupt(file, `unexpected content at ${first.path.join(".") || "top level"}: ${first.message}`) };
  }
  return { status: "ok", lock: result.data };
}

export function emptyLock(fingerprintVersion: number): Lock {
  return { version: LOCK_VERSION, fingerprintVersion, global: {}, inputs: {}, tables: {}, shared: {} };
}

/** JSON with keys sorted at every level, two-space indent, trailing newline. */
export function serializeLock(lock: Lock): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
