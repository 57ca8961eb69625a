import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import type { CheckResult } from "../setup/checks.js";
import { JSON_SCHEMA_VERSION } from "./json.js";

/** What `zero-models doctor` prints: one line per check, its fix under it, a summary. */

const MARK: Record<CheckResult["status"], string> = { pass: "ok  ", warn: "warn", fail: "FAIL", skip: "skip" };

/** Warnings do not fail doctor: they are states of a working set-up (stale models, a pending migration, an unreachable shared store). */
export const doctorPassed = (results: CheckResult[]) => results.every((r) => r.status !== "fail");

export function reportDoctor(results: CheckResult[], log: Logger): void {
  const width = Math.max(...results.map((r) => msg.doctorTitles[r.id]!.length));
  for (const r of results) {
    const line = `[${MARK[r.status]}] ${msg.doctorTitles[r.id]!.padEnd(width)}  ${r.detail}${r.fix ? `\n       ${r.fix}` : ""}`;
    // Problems on stderr, so --quiet keeps exactly them.
    if (r.status === "fail") log.error(line);
    else if (r.status === "warn") log.warn(line);
    else log.info(line, r.status === "pass" ? undefined : "dim");
  }
  const count = (status: CheckResult["status"]) => results.filter((r) => r.status === status).length;
  log.info(msg.doctorSummary(count("fail"), count("warn"), count("pass")));
}

export function doctorJson(results: CheckResult[]) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    ok: doctorPassed(results),
    checks: results.map((r) => ({ id: r.id, title: msg.doctorTitles[r.id], status: r.status, detail: r.detail, fix: r.fix })),
  };
}
