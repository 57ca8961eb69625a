import { createHash } from "node:crypto";

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hash of named parts, independent of insertion order: names are part of what is hashed. */
export function hashRecord(record: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const key of Object.keys(record).sort()) hash.update(`${key}\0${record[key]}\0`);
  return hash.digest("hex");
}
