import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, unlink, utimes } from "node:fs/promises";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";
import { sha256 } from "../common/hash.js";
import type { Debug } from "../common/log.js";

/**
 * The local store of generated files, in cacheDir/store: each table's files
 * (and the shared files) under the fingerprint they were generated from.
 *   objects/ab/<sha256>        one file's bytes, named by their hash (kept once however many entries use them)
 *   entries/<kind>-<key>.json  which path holds which object; its mtime is when it was last used
 *   uploaded-<remote>.txt      entries a remote is known to have
 * Every write is a temp file and a rename, objects before the entry that names
 * them, so a crash leaves entries that are whole or absent; an entry whose
 * object is missing or does not hash to its name is discarded when read. The
 * store only saves work: a failure to write it is noted with --debug and
 * otherwise ignored. Callers hold cacheDir's run lock.
 */

export type ArtifactKind = "table" | "shared";

export interface Artifact {
  kind: ArtifactKind;
  /** The fingerprint the files were generated from. */
  key: string;
  /** Repo path -> content; null when the generator wrote no such file. */
  files: Map<string, Buffer | null>;
}

interface StoredEntry {
  version: 1;
  kind: ArtifactKind;
  key: string;
  files: Record<string, string | null>;
}

const KEY = /^[0-9a-f]{64}$/;

export class LocalStore {
  private readonly dir: string;
  /** Bytes written by this run's puts, to tell whether eviction is due without reading the whole store. */
  private added = 0;

  constructor(
    cacheDir: string,
    private readonly maxBytes: number,
    private readonly debug: Debug,
  ) {
    this.dir = path.join(cacheDir, "store");
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  private entryFile(kind: ArtifactKind, key: string): string {
    return path.join(this.dir, "entries", `${kind}-${key}.json`);
  }

  private objectFile(hash: string): string {
    return path.join(this.dir, "objects", hash.slice(0, 2), hash);
  }

  has(kind: ArtifactKind, key: string): boolean {
    return this.enabled && existsSync(this.entryFile(kind, key));
  }

  /** The stored artifact, each file checked against its hash; null when absent or damaged (a damaged entry is removed). */
  async get(kind: ArtifactKind, key: string): Promise<Artifact | null> {
    if (!this.enabled) return null;
    const file = this.entryFile(kind, key);
    let entry: StoredEntry;
    try {
      entry = JSON.parse(await readFile(file, "utf8")) as StoredEntry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") await this.discard(file, `unreadable entry: ${(error as Error).message}`);
      return null;
    }
    if (entry?.version !== 1 || entry.kind !== kind || entry.key !== key || typeof entry.files !== "object" || entry.files === null) {
      await this.discard(file, "entry is not one this zero-models wrote");
      return null;
    }
    const files = new Map<string, Buffer | null>();
    for (const [p, hash] of Object.entries(entry.files)) {
      if (hash === null) {
        files.set(p, null);
        continue;
      }
      const bytes = typeof hash === "string" && KEY.test(hash) ? await readFile(this.objectFile(hash)).catch(() => null) : null;
      if (!bytes || sha256(bytes) !== hash) {
        if (bytes) await unlink(this.objectFile(hash)).catch(() => {});
        await this.discard(file, `${p}: stored object ${bytes ? "does not match its hash" : "missing"}`);
        return null;
      }
      files.set(p, bytes);
    }
    const now = new Date();
    await utimes(file, now, now).catch(() => {});
    return { kind, key, files };
  }

  async put(artifact: Artifact): Promise<void> {
    if (!this.enabled) return;
    try {
      const files: Record<string, string | null> = {};
      for (const [p, bytes] of artifact.files) {
        if (bytes === null) {
          files[p] = null;
          continue;
        }
        const hash = sha256(bytes);
        files[p] = hash;
        const object = this.objectFile(hash);
        if (existsSync(object)) continue;
        await mkdir(path.dirname(object), { recursive: true });
        await writeFileAtomic(object, bytes, { fsync: false });
        this.added += bytes.length;
      }
      const entry = JSON.stringify({ version: 1, kind: artifact.kind, key: artifact.key, files } satisfies StoredEntry);
      await mkdir(path.join(this.dir, "entries"), { recursive: true });
      await writeFileAtomic(this.entryFile(artifact.kind, artifact.key), entry, { fsync: false });
      this.added += entry.length;
    } catch (error) {
      this.debug(`store: could not save ${artifact.kind} ${artifact.key.slice(0, 12)}: ${(error as Error).message}`);
    }
  }

  private async discard(file: string, why: string): Promise<void> {
    this.debug(`store: discarded ${path.basename(file)} (${why})`);
    await unlink(file).catch(() => {});
  }

  /** Names (kind-key) of the entries `remote` is known to have. */
  async uploaded(remote: string): Promise<Set<string>> {
    const text = await readFile(path.join(this.dir, `uploaded-${remote}.txt`), "utf8").catch(() => "");
    return new Set(text.split("\n").filter(Boolean));
  }

  async markUploaded(remote: string, names: string[]): Promise<void> {
    if (!this.enabled || names.length === 0) return;
    const file = path.join(this.dir, `uploaded-${remote}.txt`);
    try {
      const known = await this.uploaded(remote);
      for (const n of names) known.add(n);
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(file, `${[...known].sort().join("\n")}\n`, { fsync: false });
    } catch (error) {
      this.debug(`store: could not record uploads: ${(error as Error).message}`);
    }
  }

  /**
   * Evicts when the store may have outgrown maxBytes. The size after the last
   * eviction is kept in store/size plus what this run added, so a run that
   * stores a few tables does not read every entry of a large store; a size
   * file lost in a crash only delays eviction to a later run.
   */
  async evictIfFull(): Promise<void> {
    const sizeFile = path.join(this.dir, "size");
    const known = Number(await readFile(sizeFile, "utf8").catch(() => "NaN"));
    if (Number.isFinite(known) && known + this.added <= this.maxBytes) {
      await writeFileAtomic(sizeFile, String(known + this.added), { fsync: false }).catch(() => {});
    } else {
      const { kept } = await this.evict();
      await writeFileAtomic(sizeFile, String(kept), { fsync: false }).catch(() => {});
    }
    this.added = 0;
  }

  /**
   * Keeps the most recently used entries whose files (entry and objects) fit
   * in maxBytes and removes the rest, then every object no kept entry uses
   * (also those a crash left).
   */
  async evict(): Promise<{ entries: number; bytes: number; kept: number }> {
    const entriesDir = path.join(this.dir, "entries");
    const names = (await readdir(entriesDir).catch(() => [] as string[])).filter((n) => n.endsWith(".json"));
    const entries: Array<{ file: string; used: number; size: number; hashes: string[] }> = [];
    for (const name of names) {
      const file = path.join(entriesDir, name);
      try {
        const [text, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
        const files = (JSON.parse(text) as StoredEntry).files ?? {};
        entries.push({ file, used: info.mtimeMs, size: info.size, hashes: Object.values(files).filter((h): h is string => typeof h === "string" && KEY.test(h)) });
      } catch {
        await unlink(file).catch(() => {});
      }
    }
    const sizes = await this.objectSizes();
    // The record of uploads stays; it counts against the limit too.
    let total = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.startsWith("uploaded-")) total += await stat(path.join(this.dir, name)).then((s) => s.size, () => 0);
    }
    entries.sort((a, b) => b.used - a.used);
    const kept = new Set<string>();
    let removed = 0;
    let full = false;
    for (const entry of entries) {
      const extra = entry.size + [...new Set(entry.hashes)].filter((h) => !kept.has(h)).reduce((sum, h) => sum + (sizes.get(h) ?? 0), 0);
      full ||= total + extra > this.maxBytes;
      if (full) {
        await unlink(entry.file).catch(() => {});
        removed++;
        continue;
      }
      total += extra;
      for (const h of entry.hashes) kept.add(h);
    }
    let freed = 0;
    for (const [hash, size] of sizes) {
      if (kept.has(hash)) continue;
      await unlink(this.objectFile(hash)).catch(() => {});
      freed += size;
    }
    if (removed || freed) this.debug(`store: evicted ${removed} entries, ${freed} bytes; ${total} bytes kept`);
    return { entries: removed, bytes: freed, kept: total };
  }

  private async objectSizes(): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    const objects = path.join(this.dir, "objects");
    for (const sub of await readdir(objects).catch(() => [] as string[])) {
      for (const name of await readdir(path.join(objects, sub)).catch(() => [] as string[])) {
        sizes.set(name, await stat(path.join(objects, sub, name)).then((s) => s.size, () => 0));
      }
    }
    return sizes;
  }

  /** Empties the store; returns what it held. */
  async clear(): Promise<{ entries: number; bytes: number }> {
    const entries = (await readdir(path.join(this.dir, "entries")).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).length;
    const bytes = [...(await this.objectSizes()).values()].reduce((a, b) => a + b, 0);
    await rm(this.dir, { recursive: true, force: true });
    return { entries, bytes };
  }
}
