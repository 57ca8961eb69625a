// Runs the command it is given (a generator) and appends one line to the file
// named by ZC_DIFF_RUN_LOG, so the differential test can count generator runs
// whoever started them (generate, a hook, a conflict resolution).
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";

const [command, ...args] = process.argv.slice(2);
if (process.env.ZC_DIFF_RUN_LOG) appendFileSync(process.env.ZC_DIFF_RUN_LOG, `${[command, ...args].join(" ")}\n`);
const r = spawnSync(command, args, { stdio: "inherit" });
process.exitCode = r.status ?? 1;
