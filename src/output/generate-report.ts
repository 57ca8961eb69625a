import yoctoSpinner, { type Spinner } from "yocto-spinner";
import { EXIT } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import type { Project } from "../config/project.js";
import type { GenerateResult, Output, Step } from "../generate/run.js";
import type { Style } from "../common/log.js";
import type { TableVerdict } from "../staleness/verdict.js";
import { byReasons } from "./plan-report.js";
import { failureMessage } from "../generate/spawn.js";
import { isMissing } from "./json.js";

/** What `generate`, `restore` and the hooks print about a run: progress while it runs, then a table per line and a summary. */

/** Where generator output and progress go: streamed, to stderr under --json (stdout stays one JSON document), nowhere under --quiet. */
export function streams(log: Logger, options: { quiet: boolean; json: boolean }): Output {
  return {
    stdout: options.quiet ? null : options.json ? process.stderr : process.stdout,
    stderr: options.quiet ? null : process.stderr,
    onStep: progress(log, log.tty && Boolean(process.stderr.isTTY)),
  };
}

/** Prints what a generation did; exit 0 done, 1 generator failed or migrations pending. `streamed`: the generator's output was shown as it ran. */
export function reportGenerate(result: GenerateResult, project: Project, log: Logger, options: { quietWhenFresh: boolean; restore?: boolean; streamed: boolean }): number {
  const ok = result.failed.length === 0 && result.blocked.length === 0 && !isMissing(result);
  for (const w of result.plan.warnings) log.warn(w);
  if (result.runs.length === 0 && result.regenerated.length === 0 && result.restored.length === 0 && !result.sharedRestored && ok) {
    if (!options.quietWhenFresh) log.info(options.restore ? msg.restoreNothing(result.cached.length) : msg.nothingToDo(result.cached.length));
    return EXIT.ok;
  }
  summarize(result, log, project.config.outputs.shared);
  if (isMissing(result)) log.error(msg.restoreMissing(result.missing.tables, result.missing.shared));
  for (const f of result.failed) {
    if (f.unwritten) log.error(msg.subsetUnwritten(`generator.${f.run.kind}`, f.run.argv, f.unwritten));
    else log.error(failureMessage(f.run.argv, f.result, project.config, options.streamed));
  }
  if (result.blocked.length) log.error(msg.generateBlocked(result.blocked.length));
  return ok ? EXIT.ok : EXIT.failed;
}

/**
 * Progress: on an interactive terminal a spinner with the elapsed time (Rails
 * boots silently for seconds), kept below the generator's streamed output;
 * otherwise (CI, pipes, --quiet, --json) plain lines.
 */
function progress(log: Logger, interactive: boolean): (step: Step) => void {
  let spinner: Spinner | null = null;
  let timer: NodeJS.Timeout | undefined;
  return (step) => {
    if (step.type === "run" && interactive) {
      // The spinner writes to the terminal itself, past the logger.
      const label = msg.visible(`${step.count > 1 ? `[${step.index + 1}/${step.count}] ` : ""}${msg.running(step.run.argv)}`);
      const start = performance.now();
      spinner = yoctoSpinner({ text: label }).start();
      timer = setInterval(() => spinner && (spinner.text = `${label} ${((performance.now() - start) / 1000).toFixed(0)}s`), 1000);
      return;
    }
    if (step.type === "run-done" && spinner) {
      clearInterval(timer);
      const took = msg.visible(msg.runTook(step.run.argv, step.result.ms / 1000));
      if (step.result.ok) spinner.success(took);
      else spinner.error(took);
      spinner = null;
      return;
    }
    onStep(step, log);
  };
}

function onStep(step: Step, log: Logger): void {
  switch (step.type) {
    case "before":
      log.info(msg.beforeGenerateRunning(step.argv, step.because), "cyan");
      break;
    case "run":
      log.info(`${step.count > 1 ? `[${step.index + 1}/${step.count}] ` : ""}${msg.running(step.run.argv)}`, "cyan");
      break;
    case "orphan-deleted":
      log.info(msg.orphanDeleted(step.file));
      break;
    case "orphan-kept":
      log.warn(msg.orphanKept(step.file));
      break;
    case "output-absent":
      log.warn(msg.regenMissingOutput(step.table, step.file));
      break;
    case "warning":
      log.warn(step.text);
      break;
    case "notice":
      log.info(step.text);
      break;
    case "run-done":
      break;
  }
}

export function dryRun(result: GenerateResult, log: Logger): void {
  log.info(msg.dryRunHeader);
  for (const group of byReasons(result.plan.stale)) {
    log.info(`  ${msg.tableLine("REGEN", group.length === 1 ? group[0]!.model : msg.tableGroup(group.map((v) => v.table)), group[0]!.reasons.map((r) => r.message).join("; "))}`);
  }
  for (const d of result.plan.dropped) log.info(`  ${msg.tableLine("DROPPED", d.table)}`);
  for (const run of result.runs) log.info(msg.wouldRun(run.argv));
  if (result.runs.length === 0) log.info(msg.nothingToDo(result.cached.length));
}

/** Restored tables shown one per line up to this many per store. */
const RESTORED_LINES = 20;

/**
 * One line per table where the reason is the table's own, one line for
 * tables that share a reason (a template edit), and the cached tables always
 * in one line; then the counts. The cache-hit ratio is left out when a table
 * could not be made current: a failed or blocked table is no hit and no miss.
 */
function summarize(result: GenerateResult, log: Logger, shared: string[]): void {
  const model = (t: string) => result.plan.analysis.tables[t]?.model ?? t;
  const lines = (tag: Tag, verdicts: TableVerdict[], why: (v: TableVerdict) => string, style?: Style) => {
    for (const group of byReasons(verdicts)) {
      log.info(msg.tableLine(tag, group.length === 1 ? group[0]!.model : msg.tableGroup(group.map((v) => v.table)), why(group[0]!)), style);
    }
  };
  const reasons = (v: TableVerdict) => v.reasons.map((r) => r.message).join("; ");
  const regenerated = new Set(result.regenerated.map((v) => v.table));
  lines("REGEN", result.regenerated, reasons, "green");
  // Restored tables keep a line each, where each came from being its own; past a screenful (every table
  // after an upgrade of zero-models, a branch switch in a large app) one line per store says it.
  for (const from of ["local", "remote"] as const) {
    const restored = result.restored.filter((r) => r.from === from);
    if (restored.length > RESTORED_LINES) log.info(msg.tableLine("RESTORED", msg.tableGroup(restored.map((r) => r.table)), msg.restoredFrom(from)), "green");
    else for (const r of restored) log.info(msg.tableLine("RESTORED", r.model, msg.restoredFrom(from)), "green");
  }
  if (result.sharedRestored) log.info(msg.sharedRestored(result.sharedRestored, shared), "green");
  const names = (tables: string[]) => (tables.length === 1 ? model(tables[0]!) : msg.tableGroup(tables));
  if (result.missing.tables.length) log.info(msg.tableLine("MISSING", names(result.missing.tables)), "red");
  for (const f of result.failed) log.info(msg.tableLine("FAILED", names(f.run.tables)), "red");
  lines("BLOCKED", result.blocked, reasons, "red");
  for (const d of result.plan.dropped) log.info(msg.tableLine("DROPPED", d.table));
  if (result.cached.length) log.info(msg.tableLine("CACHED", names(result.cached)), "dim");
  const failed = result.failed.reduce((n, f) => n + f.run.tables.length, 0);
  const judged = result.cached.length + regenerated.size + result.restored.length + result.missing.tables.length;
  const whole = failed === 0 && result.blocked.length === 0 && !isMissing(result) && judged > 0;
  log.info(
    msg.summary({
      regenerated: regenerated.size,
      restored: result.restored.length,
      failed,
      blocked: result.blocked.length,
      cached: result.cached.length,
      files: result.filesWritten,
      seconds: result.ms / 1000,
      hitRatio: whole ? (result.cached.length + result.restored.length) / judged : null,
    }),
  );
}

type Tag = Parameters<typeof msg.tableLine>[0];
