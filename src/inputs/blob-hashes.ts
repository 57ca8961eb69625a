import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeCacheFile } from "../common/atomic.js";
import type { Debug } from "../common/log.js";

/**
 * git blob id -> SHA-256 of the blob's bytes, kept in cacheDir. A blob id
 * names its content, so an entry can never go stale: a file git reports
 * unmodified is hashed without being read. Local and disposable.
 */
// One "<blob id> <sha256>" line per blob: parsed with slices, an order of magnitude
// faster than JSON with thousands of keys (measured at 11,000 entries).
const FILE = "blob-hashes.txt";
const HEADER = "zero-models blob hashes v1";
const MAX_ENTRIES = 100_000;

export class BlobHashes {
  private added = false;
  private readonly used = new Set<string>();

  private constructor(
    private readonly file: string | null,
    private readonly map: Map<string, string>,
    private readonly debug: Debug,
  ) {}

  static async open(cacheDir: string | null, debug: Debug): Promise<BlobHashes> {
    const file = cacheDir ? path.join(cacheDir, FILE) : null;
    const map = new Map<string, string>();
    if (file) {
      try {
        const text = await readFile(file, "utf8");
        if (text.startsWith(`${HEADER}\n`)) {
          for (let at = HEADER.length + 1; at < text.length; ) {
            const space = text.indexOf(" ", at);
            const end = text.indexOf("\n", space);
            if (space < 0 || end < 0) break; // a torn last line: ignore it
            const sha = text.slice(space + 1, end);
            if (sha.length === 64) map.set(text.slice(at, space), sha);
            at = end + 1;
          }
        }
      } catch {
        // missing or unreadable: start empty
      }
    }
    return new BlobHashes(file, map, debug);
  }

  get(oid: string): string | undefined {
    const sha = this.map.get(oid);
    if (sha) this.used.add(oid);
    return sha;
  }

  set(oid: string, sha: string): void {
    this.map.set(oid, sha);
    this.used.add(oid);
    this.added = true;
  }

  /** Keeps what this run used, then older entries up to a bound. Never throws: the cache is optional. */
  async save(): Promise<void> {
    if (!this.file || !this.added) return;
    const lines = [HEADER];
    const kept = new Set<string>();
    for (const oid of [...this.used, ...this.map.keys()]) {
      if (kept.size >= MAX_ENTRIES) break;
      if (kept.has(oid)) continue;
      kept.add(oid);
      lines.push(`${oid} ${this.map.get(oid)!}`);
    }
    try {
      await writeCacheFile(this.file, `${lines.join("\n")}\n`);
    } catch (error) {
      this.debug(`blob hashes not saved: ${(error as Error).message}`);
    }
  }
}
