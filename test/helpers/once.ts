import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";

/**
 * Work done once per test run and shared by every test and worker: set-ups
 * that take seconds (a team of clones with husky) and are the same for many
 * tests. They live in the run's folder (test/helpers/build.ts makes it and
 * removes it when the run ends). The first test that needs one builds it;
 * tests in other workers wait for it instead of building their own. Built on
 * demand, not in globalSetup, so a run of one file builds only what it uses,
 * and builds overlap with other files' tests.
 */

let localRunDir: string | undefined;

/** The run's shared folder; a private one when this file runs outside `vitest` (no globalSetup). */
export function runDir(): string {
  const provided = inject("runDir");
  if (provided) return provided;
  localRunDir ??= mkdtempSync(path.join(tmpdir(), "zero-models-run-"));
  return localRunDir;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this worker (the set-ups are synchronous, as are the tests that wait for them). */
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** The pid in a builder's lock folder; null while it has not written it yet. */
function lockOwner(lock: string): number | null {
  try {
    return Number(readFileSync(path.join(lock, "pid"), "utf8"));
  } catch {
    return null;
  }
}

/**
 * The folder `<run>/<key>`, filled by `build` once per run. Treat it as
 * read-only: copy it. The build happens in place (absolute paths it records
 * stay true) under a lock folder; `<key>.ready` says it finished. A builder
 * that died (its worker crashed) leaves a lock whose pid is gone: the next
 * test takes over and starts again. A build that throws fails its test and
 * releases the lock, so the next test tries again and reports its own error.
 */
export function builtOnce(key: string, build: (dir: string) => void): string {
  const dir = path.join(runDir(), key);
  const ready = `${dir}.ready`;
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(ready)) return dir;
    try {
      mkdirSync(lock);
    } catch {
      const owner = lockOwner(lock);
      if (owner !== null && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else sleep(100);
      continue;
    }
    try {
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      if (existsSync(ready)) return dir;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      build(dir);
      writeFileSync(ready, "");
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
