import { readTreeFile } from "../common/tree-files.js";
import type { Config } from "../config/load.js";
import { sha256 } from "../common/hash.js";
import type { Debug } from "../common/log.js";
import { LocalStore, type Artifact, type ArtifactKind } from "./local.js";
import type { RemoteCache, RemoteReport } from "./remote.js";

/**
 * Generated files saved under what they were generated from, and found again:
 * the local store first, then the shared one. An artifact is used only when
 * it holds exactly the paths the current config and inputs would generate, so
 * nothing from a store ever decides where a file is written.
 */

export type Source = "local" | "remote";

export interface Wanted {
  kind: ArtifactKind;
  key: string;
  /** The paths the artifact must hold, no more, no fewer. */
  paths: string[];
}

/** What a store should hold: an artifact and the hashes the lock records for its files. */
export type Keep = Wanted & { hashes: Record<string, string | null> };

/** Requests in flight at once to the shared store. */
const PARALLEL = 8;

export class Artifacts {
  private saved = false;

  private constructor(
    private readonly local: LocalStore,
    private readonly remote: RemoteCache | null,
    private readonly debug: Debug,
  ) {}

  /** Null when there is neither a local store nor a shared one. */
  static async open(config: Config, report: RemoteReport): Promise<Artifacts | null> {
    const local = new LocalStore(config.cacheDir, config.store.maxBytes, report.debug);
    let remote: RemoteCache | null = null;
    if (config.remote) {
      const { RemoteCache } = await import("./remote.js");
      const env = process.env;
      remote = new RemoteCache(config.remote, { token: env.ZERO_MODELS_REMOTE_TOKEN || undefined, signatureKey: env.ZERO_MODELS_REMOTE_SIGNATURE_KEY || undefined }, report);
    }
    return local.enabled || remote ? new Artifacts(local, remote, report.debug) : null;
  }

  /** Each wanted artifact that some store has, by index in `wanted`. */
  async find(wanted: Wanted[]): Promise<Map<number, { artifact: Artifact; from: Source }>> {
    const found = new Map<number, { artifact: Artifact; from: Source }>();
    const fromRemote: number[] = [];
    for (const [i, w] of wanted.entries()) {
      const artifact = await this.local.get(w.kind, w.key);
      if (artifact && this.fits(artifact, w)) found.set(i, { artifact, from: "local" });
      else fromRemote.push(i);
    }
    if (this.remote?.canRead) {
      const remote = this.remote;
      await inParallel(fromRemote, async (i) => {
        const w = wanted[i]!;
        const artifact = await remote.get(w.kind, w.key);
        if (!artifact || !this.fits(artifact, w)) return;
        await this.local.put(artifact);
        this.saved = true;
        found.set(i, { artifact, from: "remote" });
      });
      // What came from the server need not go back to it.
      await this.local.markUploaded(remote.id, [...found].filter(([, f]) => f.from === "remote").map(([i]) => name(wanted[i]!)));
    }
    return found;
  }

  private fits(artifact: Artifact, wanted: Wanted): boolean {
    const ok = artifact.files.size === wanted.paths.length && wanted.paths.every((p) => artifact.files.has(p));
    if (!ok) this.debug(`store: ${wanted.kind} ${wanted.key.slice(0, 12)} holds other paths than the config generates; not used`);
    return ok;
  }

  /**
   * Saves, for each of `current`, the files on disk when they still hash to
   * what the lock records (what was generated or checked fresh), unless the
   * store has it already; then uploads what the shared store lacks and evicts.
   * True when every artifact is now where it belongs: nothing missed the
   * local store, and a remote that takes uploads took them all.
   */
  async keep(root: string, current: Keep[]): Promise<boolean> {
    // A remote that went off this run (an outage) took nothing.
    let complete = !this.remote?.wentOff;
    const missing = this.local.enabled ? current.filter((c) => !this.local.has(c.kind, c.key)) : [];
    for (const c of missing) {
      const artifact = await readArtifact(root, c);
      if (!artifact) {
        complete = false;
        continue;
      }
      await this.local.put(artifact);
      this.saved = true;
    }
    // Uploads go through the local store, which remembers what the server has.
    if (this.local.enabled && this.remote?.canWrite) {
      const known = await this.local.uploaded(this.remote.id);
      const todo = current.filter((c) => !known.has(name(c)));
      const sent: string[] = [];
      await inParallel(todo, async (c) => {
        const artifact = await this.local.get(c.kind, c.key);
        if (artifact && (await this.remote!.put(artifact))) sent.push(name(c));
      });
      await this.local.markUploaded(this.remote.id, sent);
      if (sent.length < todo.length) complete = false;
    }
    if (this.saved) await this.local.evictIfFull();
    return complete;
  }
}

const name = (w: { kind: ArtifactKind; key: string }) => `${w.kind}-${w.key}`;

/** The files as they are on disk, or null when one no longer hashes to what was recorded. */
async function readArtifact(root: string, c: Keep): Promise<Artifact | null> {
  const files = new Map<string, Buffer | null>();
  for (const p of c.paths) {
    const want = c.hashes[p];
    if (want === undefined) return null;
    if (want === null) {
      files.set(p, null);
      continue;
    }
    const bytes = await readTreeFile(root, p).catch(() => null);
    if (!bytes || sha256(bytes) !== want) return null;
    files.set(p, bytes);
  }
  return { kind: c.kind, key: c.key, files };
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}
