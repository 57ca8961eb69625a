import { isCI } from "ci-info";
import pc from "picocolors";

/** Prints a --debug line (to stderr, namespaced and timed); a no-op otherwise. */
export type Debug = (line: string) => void;

export interface Logger {
  /** Normal output (stdout); silenced by --quiet and --json. */
  info(line: string): void;
  /** Warnings (stderr); kept under --quiet. */
  warn(line: string): void;
  /** Errors (stderr). */
  error(line: string): void;
  debug: Debug;
  color: ReturnType<typeof pc.createColors>;
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
    info: (line) => {
      if (!silent) process.stdout.write(`${line}\n`);
    },
    warn: (line) => process.stderr.write(`${color.yellow(line)}\n`),
    error: (line) => process.stderr.write(`${color.red(line)}\n`),
    debug: options.debug
      ? (line) => process.stderr.write(`${color.dim(`zero-models:debug +${Math.round(performance.now() - start)}ms`)} ${line}\n`)
      : () => {},
    color,
    tty: Boolean(process.stdout.isTTY) && !silent && !isCI,
  };
}
