import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../common/atomic.js";
import type { Debug } from "../common/log.js";
import { VERSION } from "../common/version.js";

/**
 * What zero-models learnt from files, kept in cacheDir so it is learnt once:
 * parsed facts of Ruby files keyed by kind and content hash (parsed.json),
 * and the last analysis of each view keyed by everything it was made from
 * (analysis-<view>.json). Local and disposable: a missing or unreadable file
 * only costs a re-parse. Each file is read only when first needed: a run
 * whose inputs did not change never loads parsed.json.
 */
// A new zero-models may parse differently: never reuse facts another version produced.
// 4: schema statements carry their canonical form; model files their declarations.
const CACHE_VERSION = `4:${VERSION}`;
const MAX_ENTRIES = 20000;
// A whole parsed schema is rebuilt from its cached statements in milliseconds;
// keeping it too would store the schema's text again for every version of it.
const TRANSIENT_KINDS = new Set(["schema"]);

export class ParseCache {
  private stored: Map<string, unknown> | null = null;
  private used = new Map<string, unknown>();
  private dirty = false;
  private analyses = new Map<string, { key: string; analysis: unknown }>();

  private constructor(
    private readonly dir: string | null,
    private readonly debug: Debug,
  ) {}

  static async open(cacheDir: string | null, debug: Debug): Promise<ParseCache> {
    return new ParseCache(cacheDir, debug);
  }

  private async load(): Promise<Map<string, unknown>> {
    if (this.stored) return this.stored;
    this.stored = new Map();
    const data = await this.readJson<{ version?: string; entries?: Record<string, unknown> }>("parsed.json");
    if (data?.version === CACHE_VERSION && data.entries) for (const [k, v] of Object.entries(data.entries)) this.stored.set(k, v);
    return this.stored;
  }

  private async readJson<T>(name: string): Promise<T | null> {
    if (!this.dir) return null;
    try {
      return JSON.parse(await readFile(path.join(this.dir, name), "utf8")) as T;
    } catch {
      return null; // missing or corrupt: start empty
    }
  }

  async has(kind: string, hash: string): Promise<boolean> {
    const key = `${kind}:${hash}`;
    return this.used.has(key) || (await this.load()).has(key);
  }

  async get<T>(kind: string, hash: string, produce: () => Promise<T>): Promise<T> {
    const key = `${kind}:${hash}`;
    if (this.used.has(key)) return this.used.get(key) as T;
    let value = (await this.load()).get(key) as T | undefined;
    if (value === undefined) {
      // A transient value is assembled from cached parts, which say when they are parsed and need saving.
      const transient = TRANSIENT_KINDS.has(kind);
      if (!transient) this.debug(`parse ${kind} ${hash.slice(0, 12)}`);
      value = await produce();
      if (!transient) this.dirty = true;
    }
    this.used.set(key, value);
    return value;
  }

  /** The value kept for a key, if any, without producing it. */
  async peek<T>(kind: string, hash: string): Promise<T | undefined> {
    const key = `${kind}:${hash}`;
    return (this.used.get(key) ?? (await this.load()).get(key)) as T | undefined;
  }

  /** Keeps values learnt on the way (e.g. schema block texts under their hashes). */
  async put(kind: string, values: Map<string, unknown>): Promise<void> {
    const stored = await this.load();
    for (const [hash, value] of values) {
      const key = `${kind}:${hash}`;
      if (!this.used.has(key) && !stored.has(key)) this.dirty = true;
      this.used.set(key, value);
    }
  }

  /**
   * The analysis last made for this view, if it was made from exactly `key`.
   * The file's first line is its version and key, so a miss costs no parse of
   * the analysis (megabytes at 2,000 tables).
   */
  async analysis(view: string, key: string): Promise<unknown> {
    if (!this.dir) return null;
    try {
      const text = await readFile(path.join(this.dir, `analysis-${view}.json`), "utf8");
      const eol = text.indexOf("\n");
      return eol > 0 && text.slice(0, eol) === `${CACHE_VERSION} ${key}` ? JSON.parse(text.slice(eol + 1)) : null;
    } catch {
      return null; // missing or corrupt: analyse again
    }
  }

  keepAnalysis(view: string, key: string, analysis: unknown): void {
    this.analyses.set(view, { key, analysis });
  }

  /** Writes what this run used first, then older entries up to a bound. Never throws: the cache is optional. */
  async save(): Promise<void> {
    if (!this.dir) return;
    try {
      for (const [view, { key, analysis }] of this.analyses) {
        await writeAtomic(path.join(this.dir, `analysis-${view}.json`), `${CACHE_VERSION} ${key}\n${JSON.stringify(analysis)}`);
      }
      this.analyses.clear();
      if (!this.dirty) return;
      const kept = (k: string) => !TRANSIENT_KINDS.has(k.slice(0, k.indexOf(":")));
      const entries: Record<string, unknown> = Object.fromEntries([...this.used].filter(([k]) => kept(k)));
      let count = Object.keys(entries).length;
      for (const [k, v] of this.stored ?? []) {
        if (count >= MAX_ENTRIES) break;
        if (kept(k) && !(k in entries)) {
          entries[k] = v;
          count++;
        }
      }
      await writeAtomic(path.join(this.dir, "parsed.json"), JSON.stringify({ version: CACHE_VERSION, entries }));
      this.dirty = false;
    } catch (error) {
      this.debug(`cache not saved: ${(error as Error).message}`);
    }
  }
}
