import { EXIT } from "../common/errors.js";
import type { Listing } from "../git/listing.js";
import { computePlan } from "../staleness/plan.js";
import { openProject } from "../config/project.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { isFresh } from "../staleness/verdict.js";
import { explainFresh, report } from "../output/plan-report.js";
import { jsonText, planJson } from "../output/json.js";

export interface CheckOptions {
  cwd: string;
  config?: string;
  staged: boolean;
  json: boolean;
  explain: boolean;
  /** git's listing, when `check`'s fast path made one (it is not asked twice). */
  listing?: Listing;
}

/** `zero-models check`: are the generated files current? Exit 0 fresh, 1 stale. */
export async function check(options: CheckOptions, log: Logger): Promise<number> {
  const project = await openProject(options.cwd, options.config, log.debug);
  // dist/cli.cjs has already answered "fresh" if the last fresh verdict still holds (cli/fast-check.ts).
  const view = options.staged ? "index" : "worktree";
  const plan = await computePlan(project, view, options.listing);
  const fresh = isFresh(plan);
  const fix = options.staged ? msg.fixStagedCommand : msg.fixCommand;
  if (options.json) {
    process.stdout.write(jsonText(planJson(plan, view, fresh, fix)));
    return fresh ? EXIT.ok : EXIT.stale;
  }
  for (const w of plan.warnings) log.warn(w);
  if (fresh) {
    log.info(msg.allFresh(plan.fresh.length));
    if (options.explain) explainFresh(plan, log);
    return EXIT.ok;
  }
  report(plan, log, options.explain, msg.staleHeader(plan.stale.length, plan.stale.length + plan.fresh.length));
  log.info(msg.fixLine(fix));
  return EXIT.stale;
}
