import { parseLock, serializeLock, type Lock } from "../../src/staleness/lock.js";

/**
 * A lock file as the tool reads it: hex SHA-256 hashes, outputs by path.
 * Tests inspect and tamper with locks through this, never through the file's
 * layout (short tags, base64url, outputs listed in pattern order).
 */
export function lockOf(text: string): Lock {
  const read = parseLock(text, "zero-models.lock");
  if (read.status !== "ok") throw new Error(`the lock does not parse: ${read.status === "corrupt" ? read.warning : "missing"}`);
  return read.lock;
}

export const lockText = serializeLock;
