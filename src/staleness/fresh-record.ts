import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config/load.js";
import { allVouched, changedRecords, listing, trackedUnder, type Listing, type ListingText } from "../git/listing.js";
import { symlinkOnTheWay } from "../common/path-guard.js";
import { cacheFolder, hashDisk, watchedBases, type Snapshot, type View } from "../inputs/snapshot.js";
import { FINGERPRINT_VERSION, VERSION } from "../common/version.js";

/**
 * The last fresh verdict of a view, with what identifies the state it was
 * made from. A verdict is a function of the tool, the config, and the names
 * and contents of the watched files, so while none of those changed it still
 * holds, and `check` can say "fresh" from git's listing of the watched
 * folders alone: no lock read, no parsing, no per-file work. git's listing
 * names each tracked file's content by blob id; files it cannot vouch for
 * (modified, untracked, ignored outputs) are hashed. Any difference, any
 * entry git does not vouch for, any doubt: a full check.
 */
const VERSION_TAG = `1:${VERSION}:${FINGERPRINT_VERSION}`;

interface FreshRecord {
  version: string;
  /** The config file and the SHA-256 of its content (null: a .js config), and the config made from it. */
  configFile: string | null;
  configSha: string | null;
  config: string;
  digest: string;
  /** Paths the verdict read that git does not list (git-ignored outputs): hashed from disk each time. */
  extra: string[];
  tables: number;
}

const recordFile = (cacheDir: string, view: View) => path.join(cacheDir, `fresh-${view}.json`);

async function readRecord(cacheDir: string, view: View): Promise<FreshRecord | null> {
  try {
    const record = JSON.parse(await readFile(recordFile(cacheDir, view), "utf8")) as FreshRecord;
    return record.version === VERSION_TAG && Array.isArray(record.extra) && typeof record.config === "string" ? record : null;
  } catch {
    return null;
  }
}

function digest(config: Config, view: View, list: Listing, contents: Map<string, string | null>): string {
  const hash = createHash("sha256");
  for (const part of [VERSION_TAG, view, JSON.stringify(config), list.index, list.differing]) hash.update(`${part}\u0001`);
  for (const p of [...contents.keys()].sort()) hash.update(`${p}\0${contents.get(p) ?? "absent"}\0`);
  return hash.digest("hex");
}

const differing = (list: ListingText) => list.differing.split("\0").filter(Boolean);

/** What the fast path found: the number of tables when the last fresh verdict still holds, and git's listing when it made one. */
export interface KnownFresh {
  tables: number | null;
  /** For the full check that follows when the verdict does not hold: git need not be asked again. */
  listing: Listing | null;
  /** The digest of the state the verdict was made from, when it still holds. */
  digest?: string;
}

/**
 * Whether the last fresh verdict of this view still holds. Asked before the
 * config is loaded (the CLI's fast path): a JSON or YAML config whose file
 * content is the one the record was made with gives the config the record
 * holds. A .js config never matches.
 */
export async function knownFresh(root: string, cacheDir: string, view: View, configFile: string | null, configSha: string | null): Promise<KnownFresh> {
  const none = { tables: null, listing: null };
  // The record is only ours if no commit can have put it there: not through a symlink, not tracked (checked below).
  const folder = cacheFolder(root, cacheDir);
  if (symlinkOnTheWay(root, folder) !== null) return none;
  const record = await readRecord(cacheDir, view);
  if (!record || record.configFile !== configFile || (configFile !== null && (configSha === null || record.configSha !== configSha))) return none;
  const config = JSON.parse(record.config) as Config;
  if (config.root !== root || config.cacheDir !== cacheDir) return none;
  const list = await listing(root, view, watchedBases(config), folder);
  if (trackedUnder(list, folder).length) return { tables: null, listing: list };
  const tables = await stillHolds(record, config, view, list);
  return { tables, listing: list, ...(tables === null ? {} : { digest: record.digest }) };
}

const keptFile = (cacheDir: string) => path.join(cacheDir, "kept-worktree.txt");

/**
 * Whether `generate` has nothing to do: the work tree's last fresh verdict
 * still holds, and a `generate` made with that verdict kept every table's
 * files in the stores (which a `generate` with nothing stale does, and
 * `check` does not).
 */
export async function keptFresh(root: string, cacheDir: string, configFile: string | null, configSha: string | null): Promise<KnownFresh> {
  const known = await knownFresh(root, cacheDir, "worktree", configFile, configSha);
  if (known.digest === undefined) return known;
  const kept = await readFile(keptFile(cacheDir), "utf8").catch(() => null);
  return kept === `${VERSION_TAG} ${known.digest}` ? known : { tables: null, listing: known.listing };
}

/** Notes that the stores hold everything the fresh verdict `digest` covers (see keptFresh). Never throws. */
export async function recordKept(config: Config, digest: string): Promise<void> {
  try {
    const { writeCacheFile } = await import("../common/atomic.js");
    await writeCacheFile(keptFile(config.cacheDir), `${VERSION_TAG} ${digest}`);
  } catch {
    // the next generate takes the long way, and records it then
  }
}

async function stillHolds(record: FreshRecord, config: Config, view: View, list: Listing): Promise<number | null> {
  if (!allVouched(list)) return null;
  const toHash = [...differing(list), ...record.extra];
  const contents = view === "worktree" ? await hashDisk(config.root, toHash) : new Map(toHash.map((p) => [p, null]));
  return digest(config, view, list, contents) === record.digest ? record.tables : null;
}

/**
 * Records a fresh verdict made from `snapshot`: it depends on git's listing
 * and on every path the snapshot was asked for, so those are what the record
 * holds. Contents come from the snapshot, so they are what the verdict saw.
 * Never throws: the record is optional.
 */
export async function recordFresh(config: Config, snapshot: Snapshot, tables: number, analysisKey?: string): Promise<string | null> {
  try {
    // A .js config can compute anything: its file content does not decide the config.
    if (!allVouched(snapshot.listing) || (config.file !== null && config.fileSha === null)) return null;
    const listed = new Set(snapshot.paths);
    const extra = snapshot.touched().filter((p) => !listed.has(p)).sort();
    const contents = await snapshot.hashes([...differing(snapshot.listing), ...extra]);
    const record: FreshRecord = {
      version: VERSION_TAG,
      configFile: config.file,
      configSha: config.fileSha,
      config: JSON.stringify(config),
      digest: digest(config, snapshot.view, snapshot.listing, contents),
      extra,
      tables,
    };
    const { writeCacheFile } = await import("../common/atomic.js");
    // The base first: a record without its base is only a missed shortcut, a base without its record is never read.
    await writeCacheFile(baseFile(config.cacheDir, snapshot.view), baseText(record.digest, analysisKey ?? null, snapshot.listing, contents));
    await writeCacheFile(recordFile(config.cacheDir, snapshot.view), JSON.stringify(record));
    return record.digest;
  } catch {
    // a read-only or full cacheDir, a file changed meanwhile: the next check is a full one
    return null;
  }
}

/**
 * What a fresh verdict was made from, in full (its record holds only a
 * digest): git's listing, the contents hashed beside it, and the key of the
 * analysis it used. Lets the next `check` judge only what changed since
 * (staleness/since-fresh.ts). Read only when the record's digest no longer
 * holds. Written as a JSON line, then the listing as git printed it.
 */
interface BaseHeader {
  digest: string;
  analysisKey: string | null;
  /** Length of the index listing that follows the header line; the work tree's differing paths follow it. */
  index: number;
  /** Path -> SHA-256 (null: absent) of each file the verdict hashed outside git's listing. */
  contents: Record<string, string | null>;
}

const baseFile = (cacheDir: string, view: View) => path.join(cacheDir, `fresh-${view}-base.txt`);

function baseText(digest: string, analysisKey: string | null, list: ListingText, contents: Map<string, string | null>): string {
  const header: BaseHeader = { digest, analysisKey, index: list.index.length, contents: Object.fromEntries(contents) };
  return `${JSON.stringify(header)}\n${list.index}${list.differing}`;
}

/**
 * The last fresh verdict of view `base` made with this config: the key of
 * its analysis, and the paths whose content differs in `snapshot` (of either
 * view: a verdict depends on contents, not on where they were read). Null:
 * none usable.
 */
export async function sinceFresh(config: Config, snapshot: Snapshot, base: View): Promise<{ analysisKey: string; changed: string[] } | null> {
  const record = await readRecord(config.cacheDir, base);
  if (!record || record.config !== JSON.stringify(config) || !allVouched(snapshot.listing)) return null;
  let header: BaseHeader;
  let before: ListingText;
  try {
    const text = await readFile(baseFile(config.cacheDir, base), "utf8");
    const eol = text.indexOf("\n");
    header = JSON.parse(text.slice(0, eol)) as BaseHeader;
    before = { index: text.slice(eol + 1, eol + 1 + header.index), differing: text.slice(eol + 1 + header.index) };
  } catch {
    return null;
  }
  if (header?.digest !== record.digest || typeof header.analysisKey !== "string" || typeof header.contents !== "object" || header.contents === null) return null;
  const changed = new Set(changedRecords(before.index, snapshot.listing.index));
  // Files git does not vouch for, then or now: the same only when hashed alike both times.
  const unsure = [...new Set([...differing(before), ...differing(snapshot.listing), ...record.extra])];
  const now = await snapshot.hashes(unsure);
  for (const p of unsure) if (!Object.hasOwn(header.contents, p) || !now.has(p) || header.contents[p] !== now.get(p)) changed.add(p);
  return { analysisKey: header.analysisKey, changed: [...changed].sort() };
}
