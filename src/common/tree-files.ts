import { constants } from "node:fs";
import { open, unlink } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "./atomic.js";
import { InputError } from "./errors.js";
import * as msg from "./messages.js";
import { symlinkOnTheWay } from "./path-guard.js";

/**
 * Reading, writing and deleting work-tree files that data names (inputs,
 * generated files): never through a symlink, only regular files, and never
 * more than a bound, since a commit decides what is at those paths.
 */

/** The most any one file is read: far above any schema.rb, and far below what hurts. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

function refuseSymlink(root: string, rel: string, action: "read" | "write" | "delete"): void {
  const link = symlinkOnTheWay(root, rel);
  if (link !== null) throw new InputError(msg.symlinkRefused(rel, link, action), rel);
}

/**
 * A work-tree file's bytes, or null when there is none (absent, or a folder).
 * Refuses (exit 2, naming the path) a symlink at or on the way to it, anything
 * but a regular file (a FIFO or a device would never end), and a file over
 * `max` bytes; the read stops at the bound even if the file grows meanwhile.
 */
export async function readTreeFile(root: string, rel: string, max = MAX_FILE_BYTES): Promise<Buffer | null> {
  refuseSymlink(root, rel, "read");
  let handle;
  try {
    // O_NOFOLLOW: a symlink made since the check is refused, not followed; O_NONBLOCK: opening a FIFO does not wait for a writer.
    handle = await open(path.join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return null;
    if (code === "ELOOP") throw new InputError(msg.symlinkRefused(rel, rel, "read"), rel, undefined, { cause: error });
    throw new InputError(msg.inputUnreadable(rel, error), rel, undefined, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return null;
    if (!info.isFile()) throw new InputError(msg.notRegularFile(rel), rel);
    if (info.size > max) throw new InputError(msg.fileTooLarge(rel, max), rel);
    const buffer = Buffer.alloc(Math.min(info.size, max) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) throw new InputError(msg.fileTooLarge(rel, max), rel);
      if (length === buffer.length) break; // grew while read: the hash would be of a moving target anyway
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Writes a generated file atomically; refuses (exit 2) to write at or through a symlink. */
export async function writeTreeFile(root: string, rel: string, bytes: Buffer | string): Promise<void> {
  refuseSymlink(root, rel, "write");
  await writeAtomic(path.join(root, rel), bytes);
}

/** Deletes a generated file if present; refuses (exit 2) when it, or a folder on the way, is a symlink. */
export async function removeTreeFile(root: string, rel: string): Promise<void> {
  refuseSymlink(root, rel, "delete");
  await unlink(path.join(root, rel)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT" && error.code !== "ENOTDIR") throw error;
  });
}
