import { spawn } from "node:child_process";

/**
 * Running a command (the generator, a beforeGenerate step). Commands are
 * spawned directly, never through a shell, so a table name is only ever one
 * argument.
 */

export interface RunResult {
  ok: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not start at all. */
  spawnError?: Error;
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
}

/** Spawns argv without a shell, streaming its output, and keeps the tail of it for error messages. */
export function runCommand(argv: string[], options: StreamOptions): Promise<RunResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    const [command, ...args] = argv;
    const child = spawn(command!, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"], shell: false });
    const tails = { out: new Tail(), err: new Tail() };
    child.stdout.on("data", (chunk: Buffer) => {
      tails.out.push(chunk);
      options.stdout?.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      tails.err.push(chunk);
      options.stderr?.write(chunk);
    });
    let spawnError: Error | undefined;
    child.on("error", (error) => (spawnError = error));
    child.on("close", (code, signal) => {
      const tail = tails.err.text() || tails.out.text();
      resolve({ ok: code === 0 && !spawnError, code, signal, spawnError, tail, ms: performance.now() - start });
    });
  });
}

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
