import { EXIT } from "../common/errors.js";
import { runRestore } from "../generate/run.js";
import { openProject } from "../config/project.js";
import type { Logger } from "../common/log.js";
import { generateJson, jsonText } from "../output/json.js";
import { restorePending } from "../hooks/set-aside.js";
import * as msg from "../common/messages.js";
import { locked } from "../generate/run-lock.js";
import { reportGenerate, streams } from "../output/generate-report.js";

export interface RestoreCommandOptions {
  cwd: string;
  config?: string;
  all: boolean;
  json: boolean;
  quiet: boolean;
  /** Only these tables (table or model names); undefined: every table. */
  tables?: string[];
}

/**
 * `zero-models restore`: the generated files for the current inputs, from the
 * local store or the shared one, without the generator (CI jobs without Ruby,
 * fresh clones). Exit 0 when everything is current, 1 listing what no store had.
 */
export async function restore(options: RestoreCommandOptions, log: Logger): Promise<number> {
  const project = await openProject(options.cwd, options.config, log.debug);
  if (await restorePending(project.config.root)) log.warn(msg.setAsideRestored);
  const result = await locked(project, "zero-models restore", () =>
    runRestore(project, { all: options.all, tables: options.tables, ...streams(log, options) }),
  );
  if (options.json) {
    const report = generateJson(result, false);
    process.stdout.write(jsonText(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  }
  return reportGenerate(result, project, log, { quietWhenFresh: false, restore: true, streamed: !options.quiet });
}
