import * as msg from "./messages.js";

/**
 * Errors that reach the user. Each carries the exit code the CLI ends with, so
 * the engine can throw without knowing about processes, and one top-level catch
 * in cli.ts decides what to print.
 */
export const EXIT = { ok: 0, stale: 1, failed: 1, usage: 2, input: 2, internal: 3 } as const;

export class ZeroModelsError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A config file that is missing keys, has wrong types or cannot be read. */
export class ConfigError extends ZeroModelsError {
  readonly file: string | undefined;
  constructor(message: string, file?: string, options?: { cause?: unknown }) {
    super(message, EXIT.usage, options);
    this.file = file;
  }
}

/** An input file (schema, model, migration) that cannot be read or parsed. */
export class InputError extends ZeroModelsError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(message: string, file: string, line?: number, options?: { cause?: unknown }) {
    super(message, EXIT.input, options);
    this.file = file;
    this.line = line;
  }
}

/** The configured generator (or a beforeGenerate command) failed. */
export class GeneratorError extends ZeroModelsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.failed, options);
  }
}

/** The signals zero-models stops for (a terminal's Ctrl-C, `kill`, an editor cancelling its git), each with the exit code shells use for it. */
export const INTERRUPTS = { SIGINT: 130, SIGTERM: 143 } as const;
export type Interrupt = keyof typeof INTERRUPTS;

/** zero-models was interrupted: it stopped the generator if one ran, and records nothing more. */
export class InterruptedError extends ZeroModelsError {
  readonly signal: Interrupt;
  constructor(signal: Interrupt) {
    super(msg.interrupted(signal), INTERRUPTS[signal]);
    this.signal = signal;
  }

  /** Throws when `interrupt` (aborted with the signal's name as its reason) has been aborted: the safe points of a run call this. */
  static throwIf(interrupt: AbortSignal | undefined): void {
    if (interrupt?.aborted) throw new InterruptedError(interrupt.reason as Interrupt);
  }
}
