import { EXIT } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import type { Listing } from "../git/listing.js";
import * as msg from "../common/messages.js";
import { openProject } from "../config/project.js";
import { runGenerate } from "../generate/run.js";
import { locked } from "../generate/run-lock.js";
import { stageResult } from "../generate/stage.js";
import { restorePending } from "../hooks/set-aside.js";
import { dryRun, reportGenerate, streams } from "../output/generate-report.js";
import { generateJson, jsonText } from "../output/json.js";

export interface GenerateCommandOptions {
  cwd: string;
  config?: string;
  all: boolean;
  dryRun: boolean;
  /** Stage what the run wrote or deleted, and the lock (the fix for a refused commit). */
  stage: boolean;
  json: boolean;
  quiet: boolean;
  /** Only these tables (table or model names); undefined: every table. */
  tables?: string[];
  /** Aborted on SIGINT/SIGTERM: the generator is stopped and the run ends with InterruptedError. */
  interrupt?: AbortSignal;
  /** git's listing of the work tree, made by the fast path when it could not answer. */
  listing?: Listing;
}

/** `zero-models generate`: regenerate what is stale. Exit 0 done, 1 generator failed or migrations pending. */
export async function generate(options: GenerateCommandOptions, log: Logger): Promise<number> {
  const project = await openProject(options.cwd, options.config, log.debug);
  const restored = !options.dryRun && (await restorePending(project.config.root));
  if (restored) log.warn(msg.setAsideRestored);
  const run = async (waited = false) => {
    // Work put back, or another run that ended while this one waited, changed the work tree the fast path listed.
    const listing = restored || waited ? undefined : options.listing;
    const result = await runGenerate(project, { all: options.all, dryRun: options.dryRun, tables: options.tables, interrupt: options.interrupt, listing, ...streams(log, options) });
    if (options.stage && !options.dryRun) await stageResult(project, result);
    return result;
  };
  const result = options.dryRun ? await run() : await locked(project, "zero-models generate", run, options.interrupt);
  const ok = result.failed.length === 0 && result.blocked.length === 0;
  if (options.json) {
    process.stdout.write(jsonText(generateJson(result, options.dryRun)));
    return ok ? EXIT.ok : EXIT.failed;
  }
  if (options.dryRun) {
    for (const w of result.plan.warnings) log.warn(w);
    dryRun(result, log);
    return EXIT.ok;
  }
  return reportGenerate(result, project, log, { quietWhenFresh: false, streamed: !options.quiet });
}

