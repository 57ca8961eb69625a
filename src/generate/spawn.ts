import { spawn, type ChildProcess } from "node:child_process";
import * as msg from "../common/messages.js";

/**
 * Running a command (the generator, a beforeGenerate step). Commands are
 * spawned directly, never through a shell, so a table name is only ever one
 * argument. Each runs in a process group of its own: when zero-models stops
 * it (a timeout, or zero-models itself interrupted) the whole group goes, so
 * the Rails processes, Prettier or whatever else the generator started do not
 * go on writing files after zero-models has decided the run failed.
 */

export interface RunResult {
  ok: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not start at all. */
  spawnError?: Error;
  /** Why zero-models stopped the command before it ended by itself. */
  stopped: "timeout" | "interrupt" | null;
  /** Last lines of stderr (or stdout when stderr was empty). */
  tail: string;
  ms: number;
}

export interface StreamOptions {
  cwd: string;
  /** Where the child's stdout goes (null: only kept for the tail). */
  stdout: NodeJS.WritableStream | null;
  stderr: NodeJS.WritableStream | null;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds before the command is stopped; null: no limit. */
  timeoutMs: number | null;
  /** Aborted when zero-models itself is interrupted: the command is stopped (and, if not started yet, never starts). */
  signal?: AbortSignal;
  /** Milliseconds between SIGTERM and SIGKILL when stopping. */
  graceMs?: number;
}

/**
 * Long enough for a generator to finish writing the file it is on and exit
 * (Ruby runs its at_exit hooks on SIGTERM), short enough that a hook stuck on
 * a generator ignoring SIGTERM still lets git finish soon after the timeout.
 */
export const GRACE_MS = 5000;

/** After the group is dead, how long to wait for the output pipes to close before giving up on them. */
const PIPE_GRACE_MS = 500;

/** A process group of its own needs setsid, which Windows has not: there only the command itself can be stopped. */
const GROUPS = process.platform !== "win32";

/** Spawns argv without a shell, streaming its output, and keeps the tail of it for error messages. */
export function runCommand(argv: string[], options: StreamOptions): Promise<RunResult> {
  const start = performance.now();
  const result = (fields: Omit<RunResult, "ms">): RunResult => ({ ...fields, ms: performance.now() - start });
  if (options.signal?.aborted) return Promise.resolve(result({ ok: false, code: null, signal: null, stopped: "interrupt", tail: "" }));
  return new Promise((resolve) => {
    const [command, ...args] = argv;
    const child = spawn(command!, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      shell: false,
      detached: GROUPS,
      windowsHide: true,
    });
    const tails = { out: new Tail(), err: new Tail() };
    child.stdout!.on("data", (chunk: Buffer) => {
      tails.out.push(chunk);
      options.stdout?.write(chunk);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      tails.err.push(chunk);
      options.stderr?.write(chunk);
    });
    let spawnError: Error | undefined;
    let stopped: RunResult["stopped"] = null;
    let stopping: Promise<void> | null = null;
    const ended = {
      exit: new Promise<void>((done) => child.once("exit", () => done())),
      close: new Promise<void>((done) => child.once("close", () => done())),
    };
    const stop = (why: "timeout" | "interrupt") => {
      if (stopped || child.pid === undefined) return;
      stopped = why;
      stopping = stopGroup(child, ended, options.graceMs ?? GRACE_MS);
    };
    const timer = options.timeoutMs === null ? undefined : setTimeout(() => stop("timeout"), options.timeoutMs);
    const onAbort = () => stop("interrupt");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error) => (spawnError = error));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      // A stopped command is reported only once its whole group is gone, so nothing it started writes after the run ends.
      void (stopping ?? Promise.resolve()).then(() => {
        const tail = tails.err.text() || tails.out.text();
        resolve(result({ ok: code === 0 && !spawnError && !stopped, code, signal, spawnError, stopped, tail }));
      });
    });
  });
}

/** What to tell the user about a command that failed: it could not start, ran out of time, or exited badly. */
export function failureMessage(argv: string[], result: RunResult, where: { projectDir: string; commandTimeoutMs: number | null }, streamed: boolean): string {
  // Output already shown as it ran is not repeated (a stack trace twice reads as two failures).
  const tail = streamed && result.tail ? null : result.tail;
  if (result.spawnError) return msg.generatorNotFound(argv, where.projectDir);
  if (result.stopped === "timeout") return msg.generatorTimedOut(argv, (where.commandTimeoutMs ?? 0) / 1000, tail);
  return msg.generatorFailed(argv, result.code, result.signal, tail);
}

/**
 * SIGTERM to the command's process group, SIGKILL to what is left of it after
 * `graceMs`. A process that left the group (setsid, a daemon) but kept the
 * output pipes open would hold `close` back for ever: once the group is gone
 * the pipes are given a moment, then closed from this side.
 */
async function stopGroup(child: ChildProcess, ended: { exit: Promise<void>; close: Promise<void> }, graceMs: number): Promise<void> {
  const pid = child.pid!;
  signalGroup(child, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pid)) signalGroup(child, "SIGKILL");
  await ended.exit;
  const late = setTimeout(() => {
    child.stdout?.destroy();
    child.stderr?.destroy();
  }, PIPE_GRACE_MS);
  await ended.close;
  clearTimeout(late);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (GROUPS) process.kill(-child.pid!, signal);
    else child.kill(signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Whether any process of the group is left (signal 0 only checks). */
function groupAlive(pid: number): boolean {
  if (!GROUPS) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the last few kilobytes of a stream, enough for its last lines. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  push(chunk: Buffer) {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > 16384 && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  text(lines = 15): string {
    return Buffer.concat(this.chunks).toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  }
}
