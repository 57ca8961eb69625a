import { isCI } from "ci-info";
import pc from "picocolors";
import { visible } from "./messages.js";

/** Prints a --debug line (to stderr, namespaced and timed); a no-op otherwise. */
export type Debug = (line: string) => void;

/** How a whole line is shown on a colour terminal. */
export type Style = "dim" | "green" | "red" | "cyan";

/**
 * Every line is made visible() before it is styled: a line holds data (file
 * and table names), so the logger, not each caller, keeps escape sequences in
 * it from reaching the terminal, and colour is applied only after, to the
 * whole line.
 */
export interface Logger {
  /** Normal output (stdout); silenced by --quiet and --json. */
  info(line: string, style?: Style): void;
  /** A result the command was asked for (check's "stale" verdict): stdout, kept under --quiet, silenced by --json. */
  result(line: string): void;
  /** Warnings (stderr, yellow); kept under --quiet. */
  warn(line: string): void;
  /** Errors (stderr, red). */
  error(line: string): void;
  debug: Debug;
  /** True on an interactive terminal outside CI (ci-info knows the CI systems): progress display is allowed. */
  tty: boolean;
}

export interface LogOptions {
  quiet?: boolean;
  json?: boolean;
  debug?: boolean;
}

export function createLogger(options: LogOptions): Logger {
  const start = performance.now();
  const useColor = pc.isColorSupported && !process.env.NO_COLOR;
  const color = pc.createColors(useColor);
  const silent = options.quiet || options.json;
  return {
    info: (line, style) => {
      if (!silent) process.stdout.write(`${style ? color[style](visible(line)) : visible(line)}\n`);
    },
    result: (line) => {
      if (!options.json) process.stdout.write(`${visible(line)}\n`);
    },
    warn: (line) => process.stderr.write(`${color.yellow(visible(line))}\n`),
    error: (line) => process.stderr.write(`${color.red(visible(line))}\n`),
    debug: options.debug
      ? (line) => process.stderr.write(`${color.dim(`zero-models:debug +${Math.round(performance.now() - start)}ms`)} ${visible(line)}\n`)
      : () => {},
    tty: Boolean(process.stdout.isTTY) && !silent && !isCI,
  };
}
