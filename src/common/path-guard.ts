import { lstat } from "node:fs/promises";
import path from "node:path";

/**
 * Paths that arrive as data (the committed lock, a store's artifact, a
 * record under the cache folder) are untrusted: a teammate's push or a shared
 * cache can put anything there. Before any such path is read, written or
 * deleted it must name a place inside the work tree, outside `.git`, reached
 * without following a symlink.
 */

/** Why a repo-relative POSIX path from data may not be acted on; null when it may. */
export function unsafePath(p: string): string | null {
  if (p === "" || p.includes("\0")) return "it is empty or holds a NUL byte";
  if (p.includes("\\") || p.startsWith("/") || /^[a-zA-Z]:/.test(p)) return "it is not a relative POSIX path";
  const parts = p.split("/");
  if (parts.some((part) => part === "" || part === "." || part === "..")) return "it is not normalised or leaves its folder (`..`)";
  if (parts.some((part) => part.toLowerCase() === ".git")) return "it is inside .git";
  return null;
}

/** True when `rel` under `root`, or a folder on the way to it, is a symlink (acting on it would act elsewhere). */
export async function crossesSymlink(root: string, rel: string): Promise<boolean> {
  let at = root;
  for (const part of rel.split("/")) {
    at = path.join(at, part);
    try {
      if ((await lstat(at)).isSymbolicLink()) return true;
    } catch {
      return false; // absent from here on: nothing to follow
    }
  }
  return false;
}
