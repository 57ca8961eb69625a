import { EXIT } from "../common/errors.js";
import type { Listing } from "../git/listing.js";
import { computePlan } from "../staleness/plan.js";
import { openProject } from "../config/project.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { isFresh } from "../staleness/verdict.js";
import { migrateFirst } from "../staleness/migrate-first.js";
import { restrictPlan, selectTables } from "../staleness/select.js";
import { explainFresh, explainNotInputs, report, type Explain } from "../output/plan-report.js";
import { jsonText, planJson } from "../output/json.js";

export interface CheckOptions {
  cwd: string;
  config?: string;
  staged: boolean;
  json: boolean;
  /** One line for a stale verdict, nothing when fresh. */
  quiet: boolean;
  explain: Explain;
  /** Judge only these tables (table or model names); undefined: every table and the shared files. */
  tables?: string[];
  /** git's listing, when `check`'s fast path made one (it is not asked twice). */
  listing?: Listing;
}

/** `zero-models check`: are the generated files current? Exit 0 fresh, 1 stale. */
export async function check(options: CheckOptions, log: Logger): Promise<number> {
  const project = await openProject(options.cwd, options.config, log.debug);
  // dist/cli.cjs has already answered "fresh" if the last fresh verdict still holds (cli/fast-check.ts).
  const view = options.staged ? "index" : "worktree";
  // A verdict and its reasons may come from what changed since the last fresh one; --json and --explain list every table.
  const whole = await computePlan(project, view, options.listing, !options.json && !options.explain);
  const plan = options.tables ? restrictPlan(whole, selectTables(whole, options.tables)) : whole;
  const fresh = isFresh(plan);
  const generate = options.staged ? msg.fixStagedCommand : msg.fixCommand;
  const fix = migrateFirst(plan, project.config) ? msg.migrateThen(generate) : generate;
  if (options.json) {
    process.stdout.write(jsonText(planJson(plan, view, fresh, fix)));
    return fresh ? EXIT.ok : EXIT.stale;
  }
  for (const w of plan.warnings) log.warn(w);
  const total = plan.stale.length + plan.fresh.length;
  if (fresh) {
    log.info(msg.allFresh(total));
    if (options.explain) explainNotInputs(plan, log);
    if (options.explain === "all") explainFresh(plan, log);
    return EXIT.ok;
  }
  if (options.quiet) {
    log.result(msg.staleOneLine(plan.stale.length + plan.dropped.length, total, fix));
    return EXIT.stale;
  }
  report(plan, log, options.explain, msg.staleHeader(plan.stale.length, total));
  log.info(msg.fixLine(fix));
  return EXIT.stale;
}
