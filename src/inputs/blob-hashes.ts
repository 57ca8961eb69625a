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

/** Lookups answered by searching the file's text before it is worth parsing it whole: a run after a small change asks a few. */
const SEARCHES = 64;

export class BlobHashes {
  /** Entries this run added. */
  private readonly added = new Map<string, string>();
  private readonly used = new Set<string>();
  /** The file's entries, parsed when more than SEARCHES lookups were made. */
  private map: Map<string, string> | null = null;
  private searches = 0;

  private constructor(
    private readonly file: string | null,
    /** The file as read, or "" (its entries start after the header line). */
    private readonly text: string,
    private readonly debug: Debug,
  ) {}

  static async open(cacheDir: string | null, debug: Debug): Promise<BlobHashes> {
    const file = cacheDir ? path.join(cacheDir, FILE) : null;
    let text = "";
    if (file) {
      try {
        const read = await readFile(file, "utf8");
        if (read.startsWith(`${HEADER}\n`)) text = read;
      } catch {
        // missing or unreadable: start empty
      }
    }
    return new BlobHashes(file, text, debug);
  }

  get(oid: string): string | undefined {
    const sha = this.added.get(oid) ?? this.stored(oid);
    if (sha) this.used.add(oid);
    return sha;
  }

  set(oid: string, sha: string): void {
    this.added.set(oid, sha);
    this.used.add(oid);
  }

  private stored(oid: string): string | undefined {
    if (this.map === null && ++this.searches > SEARCHES) this.map = entriesOf(this.text);
    if (this.map) return this.map.get(oid);
    const at = this.text.indexOf(`\n${oid} `);
    if (at === -1) return undefined;
    const start = at + oid.length + 2;
    const end = this.text.indexOf("\n", start);
    const sha = this.text.slice(start, end);
    return end !== -1 && sha.length === 64 ? sha : undefined;
  }

  /** Keeps what this run used, then older entries up to a bound. Never throws: the cache is optional. */
  async save(): Promise<void> {
    if (!this.file || this.added.size === 0) return;
    // Far from the bound, the new entries are appended: no need to parse the file to rewrite it.
    if (this.map === null && this.text.length / 100 + this.added.size < MAX_ENTRIES / 2) {
      const whole = this.text ? this.text.slice(0, this.text.lastIndexOf("\n") + 1) : `${HEADER}\n`;
      return this.write(whole + [...this.added].map(([oid, sha]) => `${oid} ${sha}\n`).join(""));
    }
    const all = this.map ?? entriesOf(this.text);
    for (const [oid, sha] of this.added) all.set(oid, sha);
    const lines = [HEADER];
    const kept = new Set<string>();
    for (const oid of [...this.used, ...all.keys()]) {
      if (kept.size >= MAX_ENTRIES) break;
      if (kept.has(oid) || !all.has(oid)) continue;
      kept.add(oid);
      lines.push(`${oid} ${all.get(oid)!}`);
    }
    return this.write(`${lines.join("\n")}\n`);
  }

  private async write(text: string): Promise<void> {
    try {
      await writeCacheFile(this.file!, text);
    } catch (error) {
      this.debug(`blob hashes not saved: ${(error as Error).message}`);
    }
  }
}

function entriesOf(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (let at = HEADER.length + 1; at < text.length; ) {
    const space = text.indexOf(" ", at);
    const end = text.indexOf("\n", space);
    if (space < 0 || end < 0) break; // a torn last line: ignore it
    const sha = text.slice(space + 1, end);
    if (sha.length === 64) map.set(text.slice(at, space), sha);
    at = end + 1;
  }
  return map;
}
