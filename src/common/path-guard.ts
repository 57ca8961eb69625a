import { lstatSync } from "node:fs";
import path from "node:path";

/**
 * Paths that arrive as data (the committed lock, a store's artifact, a
 * record under the cache folder, the tree itself) are untrusted: a teammate's
 * push or a shared cache can put anything there. Before any such path is
 * read, written or deleted it must name a place inside the work tree, outside
 * `.git`, reached without following a symlink (tree-files.ts acts on them).
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

/**
 * The first symlink at `rel` under `root` or on the way to it, relative to
 * root; null when there is none. Synchronous: a few lstat calls, asked before
 * anything else runs as well as per file.
 */
export function symlinkOnTheWay(root: string, rel: string): string | null {
  let at = root;
  for (const part of rel.split("/")) {
    at = path.join(at, part);
    try {
      if (lstatSync(at).isSymbolicLink()) return path.relative(root, at).split(path.sep).join("/");
    } catch {
      return null; // absent from here on: nothing to follow
    }
  }
  return null;
}

/** True when `rel` under `root`, or a folder on the way to it, is a symlink (acting on it would act elsewhere). */
export function crossesSymlink(root: string, rel: string): boolean {
  return symlinkOnTheWay(root, rel) !== null;
}
