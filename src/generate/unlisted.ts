import { readdir } from "node:fs/promises";
import path from "node:path";
import { sha256 } from "../common/hash.js";
import { readTreeFile } from "../common/tree-files.js";
import { cacheFolder } from "../inputs/snapshot.js";
import { staticBase, watched } from "../config/file.js";
import type { Config } from "../config/load.js";

/**
 * Files the generator writes that no `outputs` pattern names: zero-models
 * neither checks, stores nor restores them, so a user must hear about them
 * (zero:active_models writes loggable-models.ts, which the defaults do not
 * name). Looked for in the folders the patterns write to, not below them: a
 * pattern at the repository's top would otherwise mean reading the whole tree.
 */

/** The folders the output patterns write to, repo-relative. */
export function outputFolders(config: Config): string[] {
  const folders = watched(config).outputs.map((glob) => {
    const base = staticBase(glob);
    return base === glob ? path.posix.dirname(glob) : base;
  });
  return [...new Set(folders.map((f) => (f === "." ? "" : f)))].sort();
}

/**
 * SHA-256 of each file in the output folders that is not `named`: every
 * table's files and the shared files (a per-table pattern as a glob would
 * match any file beside them).
 */
export async function unlistedFiles(config: Config, named: Set<string>): Promise<Map<string, string>> {
  const ours = new Set([config.lockfile]);
  const cache = cacheFolder(config.root, config.cacheDir);
  const out = new Map<string, string>();
  for (const folder of outputFolders(config)) {
    const entries = await readdir(path.join(config.root, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const file = folder ? `${folder}/${entry.name}` : entry.name;
      if (named.has(file) || ours.has(file) || file.startsWith(`${cache}/`)) continue;
      const bytes = await readTreeFile(config.root, file).catch(() => null);
      if (bytes) out.set(file, sha256(bytes));
    }
  }
  return out;
}

/** Files new or changed between two listings of unlistedFiles. */
export function changedSince(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([file, hash]) => before.get(file) !== hash).map(([file]) => file).sort();
}
