import path from "node:path";
import { inspect } from "node:util";
import { Command, CommanderError } from "commander";
import { EXIT, ZeroModelsError } from "../common/errors.js";
import { createLogger, type LogOptions } from "../common/log.js";
import * as msg from "../common/messages.js";
import { JSON_SCHEMA_VERSION, jsonText } from "../output/json.js";
import { VERSION } from "../common/version.js";
import type { Listing } from "../git/listing.js";
import { GLOBAL_OPTIONS, type Globals } from "./global-options.js";
import { interruptOnSignals } from "./interrupt.js";

/** Exit codes, also shown in --help. */
const EXIT_HELP = `
Exit codes:
  0  fresh / done
  1  stale (check), the generator failed or a migration is pending (generate), no store had a table (restore),
     or a file differed from a full run or a subset command is broken (verify)
  2  usage, config or input error (the message names the file and line)
  3  internal error (a bug: please report it with --debug output)
  130, 143  interrupted by SIGINT, SIGTERM (generate, verify, hook pre-commit): the generator was stopped, the lock records only finished runs
hook pre-commit exits 1 to refuse a stale commit; hook post-* always exits 0.
ZERO_MODELS_SKIP=1 skips every hook.`;

type GlobalOptions = Globals & LogOptions;

/** What the fast path (bin.ts) hands over when it could not answer by itself. */
export interface Handover {
  /** git's listing made by the fast path of `check` or `generate`. */
  listing?: Listing;
}

function program(handover: Handover): Command {
  const cli = new Command("zero-models").description("Regenerate Zero TypeScript models from a Rails schema only when their inputs changed.").version(VERSION, "-v, --version");
  for (const option of GLOBAL_OPTIONS) cli.option(option.flags, option.description);
  cli
    .addHelpText("after", EXIT_HELP)
    // The error and where to look, not the whole help (subcommands inherit this).
    .showHelpAfterError(msg.seeHelp)
    .exitOverride();

  tableFilter(
    cli
      .command("check")
      .description("exit 0 when every generated file is current, 1 when a table is stale (no Ruby needed)")
      .option("--staged", "judge the git index instead of the work tree (for pre-commit)")
      .option("--explain [all]", "list the fingerprint components that changed in each stale table (--explain=all: every component of every table)"),
  ).action(async (names: string[], opts: { staged?: boolean; explain?: string | boolean; table?: string[] }, cmd: Command) => {
    const g = globals(cmd);
    const { explain, tables } = explainAndTables(opts.explain, [...names, ...(opts.table ?? [])]);
    const { check } = await import("../commands/check.js");
    process.exitCode = await check(
      { cwd: g.cwd ?? process.cwd(), config: g.config, staged: !!opts.staged, json: !!g.json, quiet: !!g.quiet, explain, tables, listing: handover.listing },
      createLogger(g),
    );
  });

  tableFilter(
    cli
      .command("generate")
      .description("run the generator for stale tables only and update the lock file")
      .option("--all", "regenerate every table (with table names: those tables, stale or not)")
      .option("--dry-run", "show what would run, run nothing, write nothing")
      .option("--stage", "git add what it regenerated or deleted, and the lock (the fix for a refused commit)"),
  ).action(async (names: string[], opts: { all?: boolean; dryRun?: boolean; stage?: boolean; table?: string[] }, cmd: Command) => {
    const g = globals(cmd);
    const { generate } = await import("../commands/generate.js");
    process.exitCode = await generate(
      { cwd: g.cwd ?? process.cwd(), config: g.config, all: !!opts.all, dryRun: !!opts.dryRun, stage: !!opts.stage, json: !!g.json, quiet: !!g.quiet, tables: tablesOf(names, opts), interrupt: interruptOnSignals(), listing: handover.listing },
      createLogger(g),
    );
  });

  tableFilter(
    cli
      .command("restore")
      .description("put the generated files for the current inputs in place from the local or remote store, without the generator; exit 1 lists what no store had")
      .option("--all", "every table, also those that look fresh"),
  ).action(async (names: string[], opts: { all?: boolean; table?: string[] }, cmd: Command) => {
    const g = globals(cmd);
    const { restore } = await import("../commands/restore.js");
    process.exitCode = await restore(
      { cwd: g.cwd ?? process.cwd(), config: g.config, all: !!opts.all, json: !!g.json, quiet: !!g.quiet, tables: tablesOf(names, opts) },
      createLogger(g),
    );
  });

  tableFilter(
    cli
      .command("verify")
      .description("run the full generator and compare every generated file with what was there and what the lock records; exit 1 naming each difference (leaves the full run's files and lock)")
      .option("--adapters", "also check each configured subset command (generator.table, tables, exclude) against the full run on a few tables"),
  ).action(async (names: string[], opts: { adapters?: boolean; table?: string[] }, cmd: Command) => {
    const g = globals(cmd);
    const { verify } = await import("../commands/verify.js");
    process.exitCode = await verify(
      { cwd: g.cwd ?? process.cwd(), config: g.config, adapters: !!opts.adapters, json: !!g.json, quiet: !!g.quiet, tables: tablesOf(names, opts), interrupt: interruptOnSignals() },
      createLogger(g),
    );
  });

  cli
    .command("clean")
    .description("empty the local store of generated files (cacheDir/store)")
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const { clean } = await import("../commands/clean.js");
      process.exitCode = await clean({ cwd: g.cwd ?? process.cwd(), config: g.config, json: !!g.json }, createLogger(g));
    });

  cli
    .command("merge-lock")
    .description("git's merge driver for the lock (init sets it up): merge <ours> and <theirs> entry by entry into <ours>; exit 1 when neither is a readable lock")
    .argument("<ancestor>", "the common ancestor's lock (git's %O)")
    .argument("<ours>", "our lock, overwritten with the result (%A)")
    .argument("<theirs>", "their lock (%B)")
    .action(async (ancestor: string, ours: string, theirs: string, _opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const { mergeLock } = await import("../commands/merge-lock.js");
      // git names the files from where it runs the driver, not from -C.
      const [a, o, t] = [ancestor, ours, theirs].map((f) => path.resolve(f));
      process.exitCode = await mergeLock({ cwd: g.cwd ?? process.cwd(), config: g.config, ancestor: a!, ours: o!, theirs: t! }, createLogger(g));
    });

  cli
    .command("hook")
    .description("run one git hook: post-merge, post-checkout, post-rewrite or pre-commit (husky and hooks/ call this); prepare (npm's, init puts it in package.json) sets up the lock's merge driver")
    .argument("<name>", "the hook")
    .argument("[args...]", "git's arguments to the hook")
    .action(async (name: string, args: string[], _opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const { hook } = await import("../commands/hook.js");
      process.exitCode = await hook(
        { cwd: g.cwd ?? process.cwd(), packageDir: process.cwd(), config: g.config, name, args, quiet: !!g.quiet, interrupt: interruptOnSignals() },
        createLogger(g),
      );
    });

  cli
    .command("init")
    .description("set up the hooks (husky), a config, .gitignore and package.json; safe to run again")
    .option("--package <dir>", "the folder whose package.json gets husky (default: nearest from the working directory)")
    .action(async (opts: { package?: string }, cmd: Command) => {
      const g = globals(cmd);
      const { init } = await import("../commands/init.js");
      process.exitCode = await init({ cwd: g.cwd ?? process.cwd(), packageDir: opts.package }, createLogger(g));
    });

  cli
    .command("uninstall")
    .description("remove what init added (hook lines, husky in prepare); --purge also deletes the config, the lock and the cache")
    .option("--package <dir>", "the folder whose package.json init edited (default: nearest from the working directory)")
    .option("--purge", "also delete the config, the lock file, the local cache and init's .gitignore lines")
    .action(async (opts: { package?: string; purge?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const { uninstall } = await import("../commands/uninstall.js");
      process.exitCode = await uninstall({ cwd: g.cwd ?? process.cwd(), packageDir: opts.package, purge: !!opts.purge }, createLogger(g));
    });

  cli
    .command("doctor")
    .description("check the set-up (git, Node, config, hooks, generator, lock, store, remote) and say how to fix each problem")
    .option("--package <dir>", "the folder of the app's package.json (default: nearest from the working directory, then from the Rails root)")
    .action(async (opts: { package?: string }, cmd: Command) => {
      const g = globals(cmd);
      const { doctor } = await import("../commands/doctor.js");
      process.exitCode = await doctor({ cwd: g.cwd ?? process.cwd(), config: g.config, packageDir: opts.package, json: !!g.json }, createLogger(g));
    });

  return cli;
}

/** `[tables...]` and a repeatable `--table <name>`: the commands that can work on some tables only. */
function tableFilter(command: Command): Command {
  return command
    .argument("[tables...]", "only these tables (table or model names); default: every table")
    .option("--table <name>", "only this table (repeatable; same as naming it as an argument)", (value: string, before: string[] = []) => [...before, value]);
}

/** The table names given as arguments and with --table; undefined for none (every table). */
function tablesOf(names: string[], opts: { table?: string[] }): string[] | undefined {
  const all = [...names, ...(opts.table ?? [])];
  return all.length ? all : undefined;
}

/**
 * `--explain` takes an optional value, so commander reads `check --explain
 * cacti` as `--explain=cacti`: any value but "all" is a table name.
 */
function explainAndTables(explain: string | boolean | undefined, names: string[]): { explain: "changed" | "all" | null; tables: string[] | undefined } {
  if (typeof explain === "string" && explain !== "all") return { explain: "changed", tables: [explain, ...names] };
  return { explain: explain === "all" ? "all" : explain ? "changed" : null, tables: names.length ? names : undefined };
}

function globals(cmd: Command): GlobalOptions {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  if (g.color === false) process.env.NO_COLOR = "1";
  return g;
}

export async function main(argv: string[], handover: Handover = {}): Promise<void> {
  const wantsJson = argv.includes("--json");
  try {
    await program(handover).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    if (error instanceof ZeroModelsError) {
      if (wantsJson) process.stdout.write(jsonText({ schemaVersion: JSON_SCHEMA_VERSION, ok: false, error: errorJson(error) }));
      else createLogger({}).error(`zero-models: ${error.message}`);
      if (argv.includes("--debug") && error.cause) createLogger({ debug: true }).debug(inspect(error.cause));
      process.exitCode = error.exitCode;
      return;
    }
    createLogger({}).error(msg.internalError(error));
    process.exitCode = EXIT.internal;
  }
}

function errorJson(error: ZeroModelsError) {
  const where = error as { file?: string; line?: number };
  return { message: error.message, exitCode: error.exitCode, ...(where.file ? { file: where.file } : {}), ...(where.line ? { line: where.line } : {}) };
}
