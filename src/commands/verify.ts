import { EXIT } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { openProject } from "../config/project.js";
import { locked } from "../generate/run-lock.js";
import { runVerify } from "../generate/verify.js";
import { restorePending } from "../hooks/set-aside.js";
import { streams } from "../output/generate-report.js";
import { verifyJson } from "../output/json.js";
import { reportVerify, verifyOk } from "../output/verify-report.js";

export interface VerifyCommandOptions {
  cwd: string;
  config?: string;
  /** Also check each configured subset command against the full run. */
  adapters: boolean;
  json: boolean;
  quiet: boolean;
  /** Only these tables (table or model names); undefined: every table. */
  tables?: string[];
  /** Aborted on SIGINT/SIGTERM: a running generator is stopped and the run ends with InterruptedError. */
  interrupt?: AbortSignal;
}

/** `zero-models verify`: a full run compared with the incremental state. Exit 0 everything matched, 1 something differed or a subset command is broken. */
export async function verify(options: VerifyCommandOptions, log: Logger): Promise<number> {
  const project = await openProject(options.cwd, options.config, log.debug);
  if (await restorePending(project.config.root)) log.warn(msg.setAsideRestored);
  const result = await locked(project, "zero-models verify", () => runVerify(project, { adapters: options.adapters, tables: options.tables, interrupt: options.interrupt, ...streams(log, options) }), options.interrupt);
  if (options.json) {
    const ok = verifyOk(result);
    process.stdout.write(`${JSON.stringify(verifyJson(result, ok), null, 2)}\n`);
    return ok ? EXIT.ok : EXIT.failed;
  }
  return reportVerify(result, log);
}
