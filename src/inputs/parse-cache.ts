import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic, writeCacheFile } from "../common/atomic.js";
import type { Debug } from "../common/log.js";
import { VERSION } from "../common/version.js";

/**
 * What zero-models learnt from files, kept in cacheDir so it is learnt once:
 * parsed facts of Ruby files keyed by kind and content hash (parsed/*.json),
 * and the last analysis of each view (analysis-<view>.json). Local and
 * disposable: a missing or unreadable file only costs a re-parse.
 *
 * Facts are kept in shards, each read only when a key in it is first asked
 * for: a run where one model changed reads the one shard its hash falls in,
 * not the facts of 2,000 models. The statements of schema.rb are one shard,
 * since a changed schema.rb asks for all of them.
 */
// A new zero-models may parse differently: never reuse facts another version produced.
// 5: schema statements carry their canonical form; model files their declarations; facts in shards.
// 6: an analysis keeps one table a line.
const CACHE_VERSION = `6:${VERSION}`;
/** Per shard: 16 shards a kind (by the hash's first digit), so the bound on all facts of one kind is 16 times this. */
const MAX_SHARD_ENTRIES = 2000;
const MAX_STATEMENT_ENTRIES = 20000;
// A whole parsed schema is rebuilt from its cached statements in milliseconds;
// keeping it too would store the schema's text again for every version of it.
const TRANSIENT_KINDS = new Set(["schema"]);

/** The shard a key is kept in: its kind, and the first digit of its hash. */
function shardOf(kind: string, hash: string): string {
  return kind === "schema-statement" ? kind : `${kind}-${/^[0-9a-f]/.test(hash) ? hash[0] : "x"}`;
}

interface Shard {
  stored: Map<string, unknown>;
  used: Map<string, unknown>;
  dirty: boolean;
}

export class ParseCache {
  private shards = new Map<string, Promise<Shard>>();
  private transient = new Map<string, unknown>();
  private analyses = new Map<string, { key: string; analysis: unknown }>();
  /** Per view, the key of the analysis its file holds once this run's are saved. */
  private analysisKeys = new Map<string, string>();
  private lockChecked: string | null = null;

  private constructor(
    private readonly dir: string | null,
    private readonly debug: Debug,
  ) {}

  static async open(cacheDir: string | null, debug: Debug): Promise<ParseCache> {
    return new ParseCache(cacheDir, debug);
  }

  private shard(kind: string, hash: string): Promise<Shard> {
    const name = shardOf(kind, hash);
    let shard = this.shards.get(name);
    if (!shard) {
      shard = this.readJson<{ version?: string; entries?: Record<string, unknown> }>(`parsed/${name}.json`).then((data) => ({
        stored: new Map(data?.version === CACHE_VERSION && data.entries ? Object.entries(data.entries) : []),
        used: new Map(),
        dirty: false,
      }));
      this.shards.set(name, shard);
    }
    return shard;
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
    if (TRANSIENT_KINDS.has(kind)) return this.transient.has(key);
    const shard = await this.shard(kind, hash);
    return shard.used.has(key) || shard.stored.has(key);
  }

  async get<T>(kind: string, hash: string, produce: () => Promise<T>): Promise<T> {
    const key = `${kind}:${hash}`;
    // A transient value is assembled from cached parts, which say when they are parsed and need saving.
    if (TRANSIENT_KINDS.has(kind)) {
      if (!this.transient.has(key)) this.transient.set(key, await produce());
      return this.transient.get(key) as T;
    }
    const shard = await this.shard(kind, hash);
    if (shard.used.has(key)) return shard.used.get(key) as T;
    let value = shard.stored.get(key) as T | undefined;
    if (value === undefined) {
      this.debug(`parse ${kind} ${hash.slice(0, 12)}`);
      value = await produce();
      shard.dirty = true;
    }
    shard.used.set(key, value);
    return value;
  }

  /** The value kept for a key, if any, without producing it. */
  async peek<T>(kind: string, hash: string): Promise<T | undefined> {
    const key = `${kind}:${hash}`;
    const shard = await this.shard(kind, hash);
    return (shard.used.get(key) ?? shard.stored.get(key)) as T | undefined;
  }

  /** Keeps values learnt on the way (e.g. schema block texts under their hashes). */
  async put(kind: string, values: Map<string, unknown>): Promise<void> {
    for (const [hash, value] of values) {
      const key = `${kind}:${hash}`;
      const shard = await this.shard(kind, hash);
      if (!shard.used.has(key) && !shard.stored.has(key)) shard.dirty = true;
      shard.used.set(key, value);
    }
  }

  /**
   * The analysis last made for this view: `exact` when it was made from
   * exactly `key`, else when made with the same `setting` (tool and config),
   * which lets the next analysis reuse its tables. The file's first line is
   * its version, key and setting, so a miss costs no parse of the analysis
   * (megabytes at 2,000 tables).
   */
  async analysis(view: string, key: string, setting: string): Promise<{ exact: boolean; analysis: unknown } | null> {
    const stored = await this.storedAnalysis(view, (_key, storedSetting) => storedSetting === setting);
    if (!stored) return null;
    if (stored.key === key) this.analysisKeys.set(view, key);
    return { exact: stored.key === key, analysis: stored.analysis };
  }

  keepAnalysis(view: string, key: string, setting: string, analysis: unknown): void {
    this.analyses.set(view, { key: `${key} ${setting}`, analysis });
    this.analysisKeys.set(view, key);
  }

  /** The key of the analysis this view's file holds after this run (see analysis), if this run made or read one. */
  analysisKey(view: string): string | undefined {
    return this.analysisKeys.get(view);
  }

  /** The analysis this view's file holds if it is the one made with `key`, whatever the inputs are now. */
  async analysisMadeWith(view: string, key: string): Promise<unknown> {
    return (await this.storedAnalysis(view, (storedKey) => storedKey === key))?.analysis ?? null;
  }

  /** This view's kept analysis when this version wrote it and its header (key, setting) is `wanted`; parsed only then. */
  private async storedAnalysis(view: string, wanted: (key: string | undefined, setting: string | undefined) => boolean): Promise<{ key: string | undefined; analysis: unknown } | null> {
    if (!this.dir) return null;
    try {
      const text = await readFile(path.join(this.dir, `analysis-${view}.json`), "utf8");
      const eol = text.indexOf("\n");
      const [version, key, setting] = text.slice(0, Math.max(eol, 0)).split(" ");
      return version === CACHE_VERSION && wanted(key, setting) ? { key, analysis: analysisFrom(text, eol) } : null;
    } catch {
      return null; // missing or corrupt: analyse again
    }
  }

  /** The key of the last lock that passed every check (see parseLock). */
  async checkedLock(): Promise<string | null> {
    if (!this.dir) return null;
    try {
      const [version, key] = (await readFile(path.join(this.dir, "lock-checked.txt"), "utf8")).split(" ");
      return version === CACHE_VERSION && key ? key : null;
    } catch {
      return null;
    }
  }

  keepCheckedLock(key: string): void {
    this.lockChecked = key;
  }

  /** Writes what this run used first, then older entries up to a bound. Never throws: the cache is optional. */
  async save(): Promise<void> {
    if (!this.dir) return;
    try {
      if (this.lockChecked) await writeCacheFile(path.join(this.dir, "lock-checked.txt"), `${CACHE_VERSION} ${this.lockChecked}`);
      this.lockChecked = null;
      for (const [view, { key, analysis }] of this.analyses) {
        // Flushed, unlike the other cache files: its tables are parsed only when read, so a file torn by a power cut would fail late, not read as absent.
        await writeAtomic(path.join(this.dir, `analysis-${view}.json`), `${CACHE_VERSION} ${key}\n${analysisText(analysis)}`);
      }
      this.analyses.clear();
      for (const [name, pending] of this.shards) {
        const shard = await pending;
        if (!shard.dirty) continue;
        await mkdir(path.join(this.dir, "parsed"), { recursive: true });
        await writeCacheFile(path.join(this.dir, "parsed", `${name}.json`), JSON.stringify({ version: CACHE_VERSION, entries: kept(shard, name === "schema-statement" ? MAX_STATEMENT_ENTRIES : MAX_SHARD_ENTRIES) }));
        shard.dirty = false;
      }
    } catch (error) {
      this.debug(`cache not saved: ${(error as Error).message}`);
    }
  }
}

/** What this run used first, then older entries up to a bound. */
function kept(shard: Shard, max: number): Record<string, unknown> {
  const entries: Record<string, unknown> = Object.fromEntries(shard.used);
  let count = shard.used.size;
  for (const [k, v] of shard.stored) {
    if (count >= max) break;
    if (!(k in entries)) {
      entries[k] = v;
      count++;
    }
  }
  return entries;
}

/**
 * An analysis as kept: all but its tables as one JSON line, then each table
 * on its own line (its name and entry as JSON, a tab between), so that a run
 * judging a few tables parses only theirs (staleness/since-fresh.ts): at
 * 2,000 tables the entries are two thirds of 3.7 MB.
 */
function analysisText(analysis: unknown): string {
  const { tables, ...rest } = analysis as { tables: Record<string, unknown> };
  return [JSON.stringify(rest), ...Object.entries(tables).map(([name, entry]) => `${JSON.stringify(name)}\t${JSON.stringify(entry)}`)].join("\n");
}

/** What analysisText wrote (after the header line ending at `eol`), with the tables parsed one by one as they are first read. */
function analysisFrom(text: string, eol: number): unknown {
  const next = text.indexOf("\n", eol + 1);
  const rest = JSON.parse(text.slice(eol + 1, next === -1 ? undefined : next)) as Record<string, unknown>;
  const lines = next === -1 ? [] : text.slice(next + 1).split("\n");
  return { ...rest, tables: lazyRecord(lines) };
}

/**
 * A record of `name<TAB>entry` lines, each entry parsed when first read.
 * A Proxy, so that every reader (Object.keys, `in`, lookups, iteration,
 * JSON.stringify) sees an ordinary record; writes replace an entry.
 */
function lazyRecord(lines: string[]): Record<string, unknown> {
  const target: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const raw = new Set<string>();
  for (const line of lines) {
    const tab = line.indexOf("\t");
    const quoted = line.slice(0, tab);
    const name = quoted.includes("\\") ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
    target[name] = line.slice(tab + 1);
    raw.add(name);
  }
  const read = (name: string) => {
    if (raw.delete(name)) target[name] = JSON.parse(target[name] as string);
    return target[name];
  };
  return new Proxy(target, {
    get: (t, key) => (typeof key === "string" && Object.hasOwn(t, key) ? read(key) : undefined),
    set: (t, key, value) => {
      if (typeof key === "string") raw.delete(key);
      t[key as string] = value;
      return true;
    },
    deleteProperty: (t, key) => {
      if (typeof key === "string") raw.delete(key);
      return delete t[key as string];
    },
    // An accessor, so that listing the keys (Object.keys asks whether each is enumerable) parses nothing.
    getOwnPropertyDescriptor: (t, key) =>
      typeof key === "string" && Object.hasOwn(t, key) ? { get: () => read(key), set: undefined, enumerable: true, configurable: true } : Reflect.getOwnPropertyDescriptor(t, key),
  });
}
