/**
 * The global options, once: commander builds `--help` and parsing from this
 * table, and the fast paths (fast-hook.ts, fast-check.ts) read the same
 * options with takeGlobal(), so an option added here is understood by both.
 */

export interface Globals {
  config?: string;
  cwd?: string;
  quiet?: boolean;
  debug?: boolean;
  /** A JSON report on stdout, for every command that reports (check, generate, restore, verify, clean). */
  json?: boolean;
  /** false under --no-color. */
  color?: boolean;
}

interface GlobalOption {
  /** As commander takes it. */
  flags: string;
  description: string;
  key: keyof Globals;
  /** The option takes a value (`-c file`, `--config=file`). */
  value?: boolean;
  /** `--no-x`: sets the key to false. */
  negated?: boolean;
}

export const GLOBAL_OPTIONS: readonly GlobalOption[] = [
  { flags: "-c, --config <path>", key: "config", value: true, description: "config file (default: searched from the working directory up to the git top level)" },
  { flags: "-C, --cwd <dir>", key: "cwd", value: true, description: "run as if started in <dir>" },
  { flags: "-q, --quiet", key: "quiet", description: "print only warnings, errors and a stale verdict (one line)" },
  { flags: "--json", key: "json", description: "print a JSON report on stdout (check, generate, restore, verify, clean; see docs/json.md)" },
  { flags: "--debug", key: "debug", description: "print what was decided and why, with timings (stderr)" },
  { flags: "--no-color", key: "color", negated: true, description: "no colors (also: NO_COLOR=1)" },
];

const names = (option: GlobalOption) => option.flags.split(/[ ,]+/).filter((w) => w.startsWith("-"));

/**
 * Reads the global option at `args[i]` into `into`; returns how many
 * arguments it took (0: not a global option, or one missing its value).
 */
export function takeGlobal(args: string[], i: number, into: Globals): number {
  const arg = args[i]!;
  const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
  const name = eq === -1 ? arg : arg.slice(0, eq);
  const option = GLOBAL_OPTIONS.find((o) => names(o).includes(name));
  if (!option) return 0;
  if (!option.value) {
    if (eq !== -1) return 0;
    into[option.key] = (option.negated ? false : true) as never;
    return 1;
  }
  const value = eq !== -1 ? arg.slice(eq + 1) : args[i + 1];
  if (value === undefined) return 0;
  into[option.key] = value as never;
  return eq !== -1 ? 1 : 2;
}
