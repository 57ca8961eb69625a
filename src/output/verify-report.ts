import { EXIT } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import type { AdapterCheck, Difference, VerifyResult } from "../generate/verify.js";

/** What `zero-models verify` prints: each file that differs from a full run (tables, then shared files), then each subset command's verdict. */

export const verifyOk = (result: VerifyResult) => result.differences.length === 0 && result.adapters.every((a) => a.ok);

export function reportVerify(result: VerifyResult, log: Logger): number {
  for (const w of result.generate.plan.warnings) log.warn(w);
  if (result.differences.length) {
    log.error(msg.verifyHeader);
    const tables = result.differences.filter((d) => d.table !== null);
    const shared = result.differences.filter((d) => d.table === null);
    for (const d of [...tables, ...shared]) log.error(`  ${differenceLine(d)}`);
    log.error(msg.verifyDiffered(result.differences.length));
  } else {
    log.info(msg.verifyMatched(result.compared, result.ignored.length));
  }
  for (const check of result.adapters) {
    const key = `generator.${check.kind}`;
    if (check.ok) log.info(msg.adapterOk(key, [...new Set(check.runs.flatMap((r) => r.tables))]));
    else if (check.failed) log.error(msg.adapterFailed(key, check.failed.argv, check.failed.code, check.failed.signal, check.failed.tail));
    else log.error(msg.adapterBroken(key, problemsText(check), remaining(result.adapters, check)));
  }
  return verifyOk(result) ? EXIT.ok : EXIT.failed;
}

function differenceLine(d: Difference): string {
  if (d.table === null) return d.kind === "false-hit" ? msg.verifySharedFalseHit(d.file) : d.kind === "stale" ? msg.verifySharedStale(d.file) : msg.verifySharedLockOnly(d.file);
  return d.kind === "false-hit" ? msg.verifyFalseHit(d.table, d.file) : d.kind === "stale" ? msg.verifyStale(d.table, d.file) : msg.verifyLockOnly(d.table, d.file);
}

/** "wrote nothing for `cacti`, `notes`", then what else went wrong per table, from the problems of one adapter. */
function problemsText(check: AdapterCheck): string[] {
  const tables = [...new Set(check.problems.map((p) => p.table))];
  const nothing: string[] = [];
  const other: string[] = [];
  for (const table of tables) {
    const mine = check.problems.filter((p) => p.table === table);
    const missing = mine.filter((p) => p.problem === "missing").map((p) => p.file);
    const different = mine.filter((p) => p.problem === "different").map((p) => p.file);
    // Every file of the table missing: the run did nothing for it.
    const expected = check.files[table] ?? [];
    if (different.length === 0 && missing.length === expected.length) nothing.push(table);
    else {
      if (missing.length) other.push(msg.adapterMissed(table, missing));
      if (different.length) other.push(msg.adapterDiffers(table, different));
    }
  }
  return [...(nothing.length ? [msg.adapterWroteNothing(nothing)] : []), ...other];
}

/** The subset commands that work, which generate uses once the broken one is removed. */
function remaining(all: AdapterCheck[], broken: AdapterCheck): string[] {
  return all.filter((a) => a !== broken && a.ok).map((a) => a.kind);
}
