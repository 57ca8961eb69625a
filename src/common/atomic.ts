import { mkdir } from "node:fs/promises";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";
import { EXIT, ZeroModelsError } from "./errors.js";
import * as msg from "./messages.js";

/** Writes via a temp file and rename, so a crash leaves either the old file or the new one. */
export async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, data);
  } catch (error) {
    // A full disk, a folder where the file should be, a read-only folder: the
    // user's environment, not a bug, so exit 2 naming the file instead of a
    // stack trace. The old file is intact (the rename never happened).
    throw new ZeroModelsError(msg.cannotWrite(file, error), EXIT.input, { cause: error });
  }
}

/**
 * A file of cacheDir's, whose loss costs only work: atomic like writeAtomic,
 * but not flushed to disk first (an fsync per file is most of a small run's
 * writing time). After a power cut it may be missing or unreadable, which
 * every reader of the cache takes for absent.
 */
export async function writeCacheFile(file: string, data: string | Buffer): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, data, { fsync: false });
  } catch (error) {
    throw new ZeroModelsError(msg.cannotWrite(file, error), EXIT.input, { cause: error });
  }
}
