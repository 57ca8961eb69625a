import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "./atomic.js";
import type { Debug } from "./log.js";
import { VERSION } from "./version.js";

/**
 * Parsed facts of Ruby files, keyed by kind and content hash, kept in
 * cacheDir so each content is parsed once. Local and disposable: a missing or
 * unreadable cache only costs a re-parse.
 */
// A new zero-cache may parse differently: never reuse facts another version produced.
const CACHE_VERSION = `1:${VERSION}`;
const MAX_ENTRIES = 20000;

export class ParseCache {
  private used = new Map<string, unknown>();
  private dirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly stored: Map<string, unknown>,
    private readonly debug: Debug,
  ) {}

  static async open(cacheDir: string | null, debug: Debug): Promise<ParseCache> {
    const file = cacheDir ? path.join(cacheDir, "parsed.json") : null;
    const stored = new Map<string, unknown>();
    if (file) {
      try {
        const data = JSON.parse(await readFile(file, "utf8")) as { version?: string; entries?: Record<string, unknown> };
        if (data.version === CACHE_VERSION && data.entries) for (const [k, v] of Object.entries(data.entries)) stored.set(k, v);
      } catch {
        // missing or corrupt: start empty
      }
    }
    return new ParseCache(file, stored, debug);
  }

  async get<T>(kind: string, hash: string, produce: () => Promise<T>): Promise<T> {
    const key = `${kind}:${hash}`;
    if (this.used.has(key)) return this.used.get(key) as T;
    let value = this.stored.get(key) as T | undefined;
    if (value === undefined) {
      this.debug(`parse ${kind} ${hash.slice(0, 12)}`);
      value = await produce();
      this.dirty = true;
    }
    this.used.set(key, value);
    return value;
  }

  /** Every value of a kind this cache holds, from this run and earlier ones. */
  values<T>(kind: string): T[] {
    const prefix = `${kind}:`;
    const keys = new Set([...this.used.keys(), ...this.stored.keys()].filter((k) => k.startsWith(prefix)));
    return [...keys].map((k) => (this.used.get(k) ?? this.stored.get(k)) as T);
  }

  /** Writes what this run used first, then older entries up to a bound. Never throws: the cache is optional. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const entries: Record<string, unknown> = Object.fromEntries(this.used);
    let count = this.used.size;
    for (const [k, v] of this.stored) {
      if (count >= MAX_ENTRIES) break;
      if (!(k in entries)) {
        entries[k] = v;
        count++;
      }
    }
    try {
      await writeAtomic(this.file, JSON.stringify({ version: CACHE_VERSION, entries }));
    } catch (error) {
      this.debug(`parse cache not saved: ${(error as Error).message}`);
    }
  }
}
