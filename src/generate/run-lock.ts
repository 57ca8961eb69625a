import { mkdir, readFile, rm, rmdir, stat } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import { writeAtomic } from "../common/atomic.js";
import { ZeroModelsError, EXIT, InterruptedError } from "../common/errors.js";
import * as msg from "../common/messages.js";
import type { Project } from "../config/project.js";

/**
 * One zero-models run at a time per cacheDir (an editor's git and a terminal
 * can fire hooks together). proper-lockfile gives an atomic mkdir lock whose
 * mtime it keeps fresh, so a lock left by a killed run goes stale on its own;
 * the owner file beside it says who holds the lock and lets a dead owner's lock
 * be taken over at once instead of after the stale period.
 */

const POLL_MS = 200;
const STALE_MS = 10_000;

export interface Owner {
  pid: number;
  host: string;
  command: string;
  started: string;
}

/** Runs `fn` holding cacheDir's run lock, waiting up to `timeoutMs` for it; an interrupt ends the wait. */
export async function withRunLock<T>(cacheDir: string, command: string, timeoutMs: number, fn: (waited: boolean) => Promise<T>, interrupt?: AbortSignal): Promise<T> {
  let created: string | undefined;
  try {
    created = await mkdir(cacheDir, { recursive: true });
  } catch (error) {
    // A file where cacheDir should be (or a read-only parent): the user's setup, not a bug.
    throw new ZeroModelsError(msg.cacheDirNotFolder(cacheDir, error), EXIT.input, { cause: error });
  }
  const target = path.join(cacheDir, "run");
  const lockDir = `${target}.lock`;
  const ownerFile = path.join(cacheDir, "run.owner.json");
  const deadline = Date.now() + timeoutMs;
  let release: () => Promise<void>;
  // Another run held the lock: what was looked at before it ended may have changed.
  let waited = false;
  for (;;) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        lockfilePath: lockDir,
        stale: STALE_MS,
        update: STALE_MS / 2,
        // A lost lock (clock jump, cacheDir deleted) must not crash the run: the
        // generator's work is still valid, only the mutual exclusion was lost.
        onCompromised: () => {},
      });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A run that created cacheDir and failed removes it when empty (see below): recreate it.
      if (code === "ENOENT" && Date.now() < deadline && (await mkdir(cacheDir, { recursive: true }).then(() => true, () => false))) continue;
      if (code !== "ELOCKED") {
        // ENOTDIR: proper-lockfile found a file, not its folder, and could not remove it as stale.
        const text = code === "ENOTDIR" ? msg.runLockNotFolder(lockDir, error) : msg.runLockFailed(lockDir, error);
        throw new ZeroModelsError(text, EXIT.input, { cause: error });
      }
      waited = true;
      const owner = await readOwner(ownerFile);
      if (owner && isDead(owner) && (await takeOver(cacheDir, ownerFile, lockDir, owner))) continue;
      if (Date.now() >= deadline) throw new ZeroModelsError(msg.runLockBusy(lockDir, owner, timeoutMs / 1000), EXIT.failed);
      InterruptedError.throwIf(interrupt);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  const owner: Owner = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  // Atomic: a run killed while writing a plain file left it empty, an owner no
  // one could read, so the next run waited out the stale period instead of taking over.
  await writeAtomic(ownerFile, JSON.stringify(owner)).catch(() => {});
  try {
    return await fn(waited);
  } finally {
    await rm(ownerFile, { force: true }).catch(() => {});
    await release().catch(() => {});
    // A run that created cacheDir and then failed before caching anything
    // (bad input in a fresh clone or an empty repo) leaves no empty folders
    // behind; rmdir refuses folders that hold something, so caches stay.
    if (created) await removeEmpty(cacheDir, created);
  }
}

/** Removes `dir` and its parents up to `top` while they are empty. */
async function removeEmpty(dir: string, top: string): Promise<void> {
  for (;;) {
    const removed = await rmdir(dir).then(() => true, () => false);
    if (!removed || dir === top) return;
    dir = path.dirname(dir);
  }
}

/**
 * Removes a dead owner's lock. Several runs can find the same dead owner at
 * once, so the removal happens under a second lock and only if the owner file
 * still names that owner: otherwise a slower run would delete the lock a
 * faster one has just taken.
 */
async function takeOver(cacheDir: string, ownerFile: string, lockDir: string, dead: Owner): Promise<boolean> {
  const guard = path.join(cacheDir, "run.takeover.lock");
  try {
    await mkdir(guard);
  } catch {
    // Another run is taking over; a guard left by a killed run expires.
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_MS) await rm(guard, { recursive: true, force: true });
    return false;
  }
  try {
    const now = await readOwner(ownerFile);
    if (!now || now.pid !== dead.pid || now.started !== dead.started) return false;
    await rm(ownerFile, { force: true });
    await rm(lockDir, { recursive: true, force: true });
    return true;
  } finally {
    await rm(guard, { recursive: true, force: true });
  }
}

async function readOwner(file: string): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await readFile(file, "utf8")) as Owner;
    return typeof owner.pid === "number" ? owner : null;
  } catch {
    return null;
  }
}

/** Only a process on this machine can be known dead; on another host (shared folder) wait for staleness. */
function isDead(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Runs `fn` holding the project's run lock, so two zero-models runs never interleave their writes. */
export function locked<T>(project: Project, command: string, fn: (waited: boolean) => Promise<T>, interrupt?: AbortSignal): Promise<T> {
  return withRunLock(project.config.cacheDir, command, project.config.lockTimeoutMs, fn, interrupt);
}
