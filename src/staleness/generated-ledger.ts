import { appendFile, mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

/**
 * Every generated file this clone recorded in a lock it wrote, by path and
 * content hash (cacheDir/generated.txt): what lets a later run tell a file
 * zero-models generated, left behind when the lock recording it went away,
 * from a file someone wrote by hand beside the generated ones.
 *
 * That happens when the lock goes back and the generated files do not: a new
 * table generated and not committed yet, then `git stash` (or `rebase
 * --autostash`, or `reset --hard`) takes back schema.rb and the lock but
 * leaves the new, untracked files. Nothing names them any more, so the
 * verdict said fresh beside files a full run would not write (a false cache
 * hit the differential test found). A file is a leftover only with the exact
 * bytes recorded for its path: one edited since is left alone.
 *
 * Local and disposable, like the rest of cacheDir: a missing ledger only
 * means such files go unnoticed, as before.
 */
const FILE = "generated.txt";
/** Past this, the older half is dropped when the next entries are added. */
const MAX_BYTES = 4 * 1024 * 1024;

const ledgerFile = (cacheDir: string) => path.join(cacheDir, FILE);

/** Adds `path -> SHA-256` entries (hex; one line each; a path holding a newline is left out). Never throws: the ledger is optional. */
export async function recordGenerated(cacheDir: string, files: Array<[string, string]>): Promise<void> {
  const lines = files.filter(([file]) => !file.includes("\n")).map(([file, hash]) => `${hash} ${file}\n`).join("");
  if (!lines) return;
  try {
    const file = ledgerFile(cacheDir);
    const size = (await stat(file).catch(() => null))?.size ?? 0;
    // Appended: a torn last line only ends up joined to the next one, which no lookup matches (see generatedBefore).
    if (size + lines.length <= MAX_BYTES) {
      await mkdir(cacheDir, { recursive: true });
      return await appendFile(file, lines);
    }
    const kept = (await readFile(file, "utf8")).split("\n").filter(Boolean);
    const { writeCacheFile } = await import("../common/atomic.js");
    await writeCacheFile(file, `${kept.slice(Math.floor(kept.length / 2)).join("\n")}\n${lines}`);
  } catch {
    // the next run notices fewer leftovers, never more
  }
}

/** Of `candidates` (path -> SHA-256 now), those the ledger records with exactly that content. */
export async function generatedBefore(cacheDir: string, candidates: Map<string, string | null>): Promise<string[]> {
  const wanted = [...candidates].filter(([, hash]) => hash !== null);
  if (wanted.length === 0) return [];
  const text = await readFile(ledgerFile(cacheDir), "utf8").catch(() => "");
  // "<hash> <path>\n": searched as text, with the line's start and end, so a path is matched whole.
  return wanted.filter(([file, hash]) => text.startsWith(`${hash} ${file}\n`) || text.includes(`\n${hash} ${file}\n`)).map(([file]) => file).sort();
}
