import { existsSync } from "node:fs";
import path from "node:path";
import { isCI } from "ci-info";
import picomatch from "picomatch";
import { peekWatchedGlobs, watched, watchedGlobs } from "../config/file.js";
import { restorePending, setAside } from "../hooks/set-aside.js";
import { computePlan } from "../staleness/plan.js";
import { runGenerate } from "../generate/run.js";
import { openProject, type Project } from "../config/project.js";
import { EXIT, InterruptedError, ZeroModelsError } from "../common/errors.js";
import { findTopLevel, repoDirs } from "../git/repo.js";
import { installDriver } from "../hooks/merge-driver.js";
import { unstagedChanges } from "../git/changes.js";
import { HOOKS, hookScope, isSkipSet, touchesWatched, type HookName } from "../hooks/scope.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { isFresh, type Plan } from "../staleness/verdict.js";
import { migrateFirst } from "../staleness/migrate-first.js";
import { report } from "../output/plan-report.js";
import { DRIVER_CLI, driverCommand, relativeDir, shellWord } from "../hooks/install-edits.js";
import { locked } from "../generate/run-lock.js";
import { changedByRun, stageResult } from "../generate/stage.js";
import { reportGenerate, streams } from "../output/generate-report.js";

export interface HookOptions {
  cwd: string;
  /** Where the command was started: for `prepare`, npm starts it in the package's folder. */
  packageDir: string;
  config?: string;
  name: string;
  args: string[];
  quiet: boolean;
  /** Aborted on SIGINT/SIGTERM: a running generator is stopped and the hook ends. */
  interrupt?: AbortSignal;
}

/**
 * `zero-models hook <name> [git's arguments]`: the one entry for every git
 * hook. Exit codes: pre-commit 1 refuses a stale commit (2 when the staged
 * files cannot be judged); the post-* hooks always exit 0, whatever happens,
 * because their exit status would fail (post-checkout) or confuse the git
 * command that ran them. That holds for a generator that timed out (reported
 * like any failed generator) and for an interrupted hook too: the git command
 * has done its work by then. An interrupted pre-commit exits 130/143, which
 * refuses the commit.
 */
export async function hook(options: HookOptions, log: Logger): Promise<number> {
  if (options.name === "prepare") return prepare(options, log);
  if (!(HOOKS as readonly string[]).includes(options.name)) throw new ZeroModelsError(msg.unknownHook(options.name, [...HOOKS, "prepare"]), EXIT.usage);
  const name = options.name as HookName;
  if (isSkipSet()) {
    log.info(msg.hookSkipped(name));
    return EXIT.ok;
  }
  if (name === "pre-commit") {
    try {
      const code = await preCommit(options, log);
      // A check has no safe point to stop at; a signal during it still refuses the commit.
      InterruptedError.throwIf(options.interrupt);
      return code;
    } catch (error) {
      if (!(error instanceof ZeroModelsError)) throw error;
      if (error instanceof InterruptedError) throw error;
      log.error(msg.commitError(error.message));
      return error.exitCode === EXIT.failed ? EXIT.failed : EXIT.input;
    }
  }
  try {
    await postHook(name, options, log);
  } catch (error) {
    if (error instanceof InterruptedError) {
      log.warn(msg.hookInterrupted(name, error.signal));
      return EXIT.ok;
    }
    log.error(msg.hookFailed(name, error instanceof Error ? error.message : String(error)));
    if (!(error instanceof ZeroModelsError)) log.debug(String((error as Error).stack));
  }
  return EXIT.ok;
}

/**
 * npm's `prepare` (every `npm install`): sets up the lock's merge driver in
 * this clone's git config, which no commit carries. Silent when done, one
 * line at most otherwise, and exit 0 whatever happens: it must never fail an
 * install. Nothing to do outside a git checkout or in CI.
 */
async function prepare(options: HookOptions, log: Logger): Promise<number> {
  if (isSkipSet() || isCI) return EXIT.ok;
  try {
    const root = findTopLevel(options.packageDir);
    if (!root) return EXIT.ok;
    const cli = path.join(options.packageDir, DRIVER_CLI);
    if (!existsSync(cli)) {
      log.warn(msg.prepareNoCli(relativeDir(root, cli)));
      return EXIT.ok;
    }
    await installDriver(root, driverCommand(relativeDir(root, options.packageDir), relativeDir(root, path.resolve(options.cwd))));
  } catch (error) {
    log.warn(msg.prepareFailed(error));
  }
  return EXIT.ok;
}

async function postHook(name: Exclude<HookName, "pre-commit">, options: HookOptions, log: Logger): Promise<void> {
  const dirs = await repoDirs(options.cwd);
  const scope = await hookScope(name, options.args, dirs);
  if (!(await touchesWatched(scope, peekWatchedGlobs(options.cwd, dirs.root, options.config), log.debug))) return;
  const project = await openProject(options.cwd, options.config, log.debug);
  const { config } = project;
  const mode = name === "post-checkout" ? config.hooks.postCheckout : config.hooks.postMerge;
  if (mode === "off" || (isCI && !config.hooks.inCI)) {
    log.debug(`${name}: ${mode === "off" ? "turned off in the config" : "CI detected and hooksInCI is false"}`);
    return;
  }
  const act = async () => {
    if (mode === "warn") return warnIfStale(project, name, log);
    const result = await runGenerate(project, { all: false, dryRun: false, interrupt: options.interrupt, ...streams(log, { quiet: options.quiet, json: false }) });
    if (reportGenerate(result, project, log, { quietWhenFresh: true, streamed: !options.quiet }) !== EXIT.ok) {
      if (result.failed.length) log.error(msg.hookGeneratorFailed(name));
      return;
    }
    // Files this run changed that differ from what git checked out: a teammate committed inputs without them.
    const tables = [...result.regenerated, ...result.restored].map((v) => v.table);
    if (tables.length === 0 && result.filesWritten === 0) return;
    const changed = await changedByRun(project, result);
    if (changed.length) log.info(msg.hookRegenerated(name, tables, changed.map(shellWord)));
  };
  await locked(project, `zero-models hook ${name}`, act, options.interrupt);
}

async function warnIfStale(project: Project, name: string, log: Logger): Promise<void> {
  const plan = await computePlan(project, "worktree", undefined, true);
  if (isFresh(plan)) return;
  log.warn(msg.hookStale(name));
  report(plan, log, null, msg.staleHeader(plan.stale.length, plan.stale.length + plan.fresh.length));
  log.info(msg.fixLine(fixCommand(project, plan)));
}

/** generate, after bin/rails db:migrate when a pending migration is what makes the plan stale. */
function fixCommand(project: Project, plan: Plan, flags: string[] = []): string {
  const generate = generateCommand(project, flags);
  return migrateFirst(plan, project.config) ? msg.migrateThen(generate) : generate;
}

/**
 * The generate command as the user can type it at the top level. A husky line
 * for a package.json in a subfolder runs zero-models from there (where
 * node_modules/.bin has it), so the fix must go there too.
 */
function generateCommand(project: Project, flags: string[] = []): string {
  const { root, projectDir } = project.config;
  const command = [msg.fixCommand, ...flags].join(" ");
  const pkg = path.relative(root, process.cwd());
  if (pkg === "" || pkg.startsWith("..") || path.isAbsolute(pkg)) return command;
  const back = path.relative(process.cwd(), projectDir) || ".";
  const posix = (p: string) => shellWord(p.split(path.sep).join("/"));
  return `(cd ${posix(pkg)} && ${command.replace("zero-models ", `zero-models -C ${posix(back)} `)})`;
}

async function preCommit(options: HookOptions, log: Logger): Promise<number> {
  const dirs = await repoDirs(options.cwd);
  const scope = await hookScope("pre-commit", options.args, dirs);
  if (!(await touchesWatched(scope, peekWatchedGlobs(options.cwd, dirs.root, options.config), log.debug))) return EXIT.ok;
  const project = await openProject(options.cwd, options.config, log.debug);
  if (await restorePending(project.config.root)) log.warn(msg.setAsideRestored);
  const plan = await computePlan(project, "index", undefined, true);
  if (isFresh(plan)) return EXIT.ok;
  if (project.config.hooks.preCommit === "check") {
    report(plan, log, null, header(plan));
    // A watched input whose work-tree state is not staged: generate reads the work tree, the commit
    // the index, so `generate --stage` alone cannot settle it (a refused `commit -a` staged nothing).
    const unstaged = await unstagedInputs(project);
    if (unstaged.length) log.info(msg.commitUnstagedInputs(unstaged));
    const fix = fixCommand(project, plan, ["--stage"]);
    log.info(msg.fixLine(unstaged.length ? msg.addThen(unstaged.map(shellWord), fix) : fix));
    log.info(msg.commitRetry);
    return EXIT.stale;
  }
  return fixCommit(project, options, log);
}

/** Watched files, other than the generated ones and the lock, whose work tree differs from the index (either way round), or that are new and untracked. */
async function unstagedInputs(project: Project): Promise<string[]> {
  const { config } = project;
  const isWatched = picomatch(watchedGlobs(config, config.root, config.root, config.file) ?? ["**"], { dot: true });
  const { outputs, lock } = watched(config);
  const isGenerated = picomatch([...outputs, lock], { dot: true });
  return (await unstagedChanges(config.root)).filter((p) => isWatched(p) && !isGenerated(p));
}

const header = (plan: Plan) =>
  plan.stale.length > 0 || plan.dropped.length > 0
    ? msg.commitRefused(plan.stale.length + plan.dropped.length, plan.stale.length + plan.fresh.length)
    : plan.shared.length > 0
      ? msg.commitRefusedShared
      : msg.commitRefusedLeftovers;

/**
 * preCommit: "fix": regenerate and stage the result with the commit. The
 * generator reads the work tree, so unstaged changes to watched inputs are
 * set aside first and put back after (as lint-staged does): nothing unstaged
 * is committed or lost. Unstaged edits of generated files would be
 * overwritten, so they refuse the commit instead.
 */
async function fixCommit(project: Project, options: HookOptions, log: Logger): Promise<number> {
  const { config } = project;
  const isWatched = picomatch(watchedGlobs(config, config.root, config.root, config.file) ?? ["**"], { dot: true });
  const { outputs, lock } = watched(config);
  const isGenerated = picomatch([...outputs, lock], { dot: true });
  const dirty = (await unstagedChanges(config.root)).filter((p) => isWatched(p));
  const generated = dirty.filter((p) => isGenerated(p));
  if (generated.length) {
    log.error(msg.fixUnstaged(generated));
    return EXIT.stale;
  }
  return locked(project, "zero-models hook pre-commit", async () => {
    if (dirty.length) await setAside(config.root, dirty);
    try {
      const result = await runGenerate(project, { all: false, dryRun: false, interrupt: options.interrupt, ...streams(log, { quiet: options.quiet, json: false }) });
      if (reportGenerate(result, project, log, { quietWhenFresh: true, streamed: !options.quiet }) !== EXIT.ok) return EXIT.stale;
      const staged = await stageResult(project, result);
      const after = await computePlan(project, "index");
      if (!isFresh(after)) {
        report(after, log, null, msg.fixStillStale);
        return EXIT.stale;
      }
      log.info(msg.fixStaged(staged.length));
      return EXIT.ok;
    } finally {
      if (dirty.length && (await restorePending(config.root))) log.info(msg.setAsideNotice(dirty.length));
    }
  }, options.interrupt);
}
