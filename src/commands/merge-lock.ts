import path from "node:path";
import picomatch from "picomatch";
import { EXIT } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { MAX_FILE_BYTES, readTreeFile, writeTreeFile } from "../common/tree-files.js";
import { decodeUtf8 } from "../common/utf8.js";
import { watched } from "../config/file.js";
import { loadConfig } from "../config/load.js";
import { topLevel } from "../git/repo.js";
import { parseLock, serializeLock, type Lock } from "../staleness/lock.js";
import { mergeLocks } from "../staleness/lock-merge.js";

export interface MergeLockOptions {
  /** Where the config is searched from (the driver's -C). */
  cwd: string;
  config?: string;
  /** git's %O %A %B, absolute. */
  ancestor: string;
  ours: string;
  theirs: string;
}

/**
 * `zero-models merge-lock <ancestor> <ours> <theirs>`: git's merge driver for
 * the lock. Writes the three-way merge over `ours` and exits 0, or exits 1
 * leaving `ours` as it was (git then reports a conflict) when neither side is
 * a readable lock. Every side is untrusted, and nothing ever throws out of
 * here: a bug must not wedge a user's rebase, so it too ends as a conflict.
 */
export async function mergeLock(options: MergeLockOptions, log: Logger): Promise<number> {
  try {
    const isOutput = await outputMatcher(options, log);
    const [ancestor, ours, theirs] = await Promise.all([readLock(options.ancestor, isOutput), readLock(options.ours, isOutput), readLock(options.theirs, isOutput)]);
    if (!ours.lock && !theirs.lock) {
      log.error(msg.mergeLockNeither(ours.why ?? theirs.why ?? ""));
      return EXIT.failed;
    }
    if (!ours.lock) log.warn(msg.mergeLockSideUnreadable("ours", "theirs", ours.why!));
    if (!theirs.lock) log.warn(msg.mergeLockSideUnreadable("theirs", "ours", theirs.why!));
    const merged = mergeLocks(ancestor.lock, ours.lock, theirs.lock)!;
    await writeTreeFile(path.dirname(options.ours), path.basename(options.ours), serializeLock(merged));
    return EXIT.ok;
  } catch (error) {
    log.error(msg.mergeLockFailed(error));
    log.debug(String((error as Error)?.stack ?? error));
    return EXIT.failed;
  }
}

/**
 * The config's output patterns, which every recorded path must match. Without
 * a config that loads, any safe path passes: every later run reads the merged
 * lock with the patterns again, and distrusts it if one does not match.
 */
async function outputMatcher(options: MergeLockOptions, log: Logger): Promise<(file: string) => boolean> {
  try {
    const config = await loadConfig(options.cwd, await topLevel(options.cwd), options.config);
    return picomatch(watched(config).outputs, { dot: true });
  } catch (error) {
    log.debug(`merge-lock: the config did not load (${(error as Error).message}); output paths are checked for safety only`);
    return () => true;
  }
}

/** One side: a lock, or why it is not one (missing, a symlink, too large, not UTF-8, not a lock). */
async function readLock(file: string, isOutput: (file: string) => boolean): Promise<{ lock: Lock | null; why?: string }> {
  try {
    const bytes = await readTreeFile(path.dirname(file), path.basename(file), MAX_FILE_BYTES);
    const read = parseLock(bytes === null ? null : decodeUtf8(bytes, file), path.basename(file), isOutput);
    if (read.status === "ok") return { lock: read.lock };
    return { lock: null, why: read.status === "missing" ? `${file} is missing` : read.why };
  } catch (error) {
    return { lock: null, why: (error as Error).message };
  }
}
