import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";
import { PROJECT } from "./repo.js";

/** test/fixtures/generators/hang.cjs: runs the command after it, or hangs when HANG_ENV says so. */
export const HANG_GENERATOR = path.join(PROJECT, "test/fixtures/generators/hang.cjs");

export interface HangOptions {
  /** Milliseconds after it starts when the generator's child writes `late-write`. */
  lateMs: number;
  /** The child ignores SIGTERM: only SIGKILL stops it. */
  stubborn?: boolean;
  /** A file (relative to where the generator runs) the generator appends to before it hangs. */
  halfWritten?: string;
}

export interface Hang {
  /** The environment that makes hang.cjs hang (the generator inherits zero-models' environment). */
  env: NodeJS.ProcessEnv;
  /** Whether the generator and its child have both started. */
  started(): boolean;
  /** Their pids (once started). */
  pids(): number[];
  /** Whether the child wrote its late file: the generator kept running after it should have been stopped. */
  wroteLate(): boolean;
  /** When the child's late write is due, as Date.now() time. */
  lateWriteDue(): number;
}

/**
 * A hanging generator's control folder. Whatever it started is killed when
 * the test ends, by pid: code that fails to stop it (the code before issue
 * 16) would otherwise leave it running for ever.
 */
export function hangingGenerator(options: HangOptions): Hang {
  const dir = mkdtempSync(path.join(tmpdir(), "zero-models-hang-"));
  const pidFile = (name: string) => path.join(dir, `${name}.pid`);
  const pids = () => ["generator", "child"].filter((n) => existsSync(pidFile(n))).map((n) => Number(readFileSync(pidFile(n), "utf8")));
  onTestFinished(() => {
    for (const pid of pids()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone, as it should be
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    env: {
      ZERO_MODELS_TEST_HANG: dir,
      ZERO_MODELS_TEST_LATE_MS: String(options.lateMs),
      ...(options.stubborn ? { ZERO_MODELS_TEST_STUBBORN: "1" } : {}),
      ...(options.halfWritten ? { ZERO_MODELS_TEST_HALF: options.halfWritten } : {}),
    },
    started: () => existsSync(pidFile("generator")) && existsSync(pidFile("child")),
    pids,
    wroteLate: () => existsSync(path.join(dir, "late-write")),
    lateWriteDue: () => statSync(pidFile("child")).mtimeMs + options.lateMs,
  };
}

/** Whether a process runs. A zombie does not: it has ended and only waits for a parent (here often a PID 1 that never reaps) to collect its status. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return existsSync(`/proc/${pid}`) || !existsSync("/proc/self");
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, up to `ms`; whether it did. */
export async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await sleep(20);
  }
  return condition();
}
