import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { globalComponents } from "../staleness/components.js";
import type { Plan } from "../staleness/verdict.js";

/** Lists the stale tables of a plan and why, under `header`. */
export function report(plan: Plan, log: Logger, explain: boolean, header: string): void {
  log.info(header);
  for (const v of plan.stale) {
    log.info(`  ${v.table} (${v.model}): ${v.reasons.map((r) => r.message).join("; ")}`);
    if (explain) explainTable(plan, v.table, log);
  }
  for (const d of plan.dropped) log.info(`  ${d.table}: ${msg.reason.droppedTable(Object.values(d.outputs).filter(Boolean).length)}`);
  if (plan.shared.length) {
    log.info(`  ${msg.sharedHeader} ${plan.shared.map((r) => r.message).join("; ")}`);
  }
  if (plan.pendingMigrations.length) log.info(msg.migrateHint);
  if (explain) explainFresh(plan, log);
}

/** Every component of a stale table with its recorded and current hash, so "why" has a full answer. */
function explainTable(plan: Plan, table: string, log: Logger): void {
  const now = { ...globalComponents(plan.analysis.global), ...plan.analysis.tables[table]!.components };
  const lock = plan.lock.lock;
  const before: Record<string, string> = lock ? { ...globalComponents(lock.global), ...lock.tables[table]?.components } : {};
  const rows: Array<[string, string | undefined, string | undefined]> = Object.entries(now).map(([k, v]) => [k, before[k], v]);
  for (const [k, was] of Object.entries(before)) if (!(k in now)) rows.push([k, was, undefined]);
  for (const [name, was, is] of rows) {
    const state = was === is ? "same" : was === undefined ? "new" : is === undefined ? "gone" : "changed";
    log.info(`      ${state.padEnd(7)} ${name}  ${short(was)} -> ${short(is)}`);
  }
}

export function explainFresh(plan: Plan, log: Logger): void {
  for (const file of plan.notInputs) log.info(`  ${msg.notAnInput(file)}`);
  for (const t of plan.fresh) {
    const a = plan.analysis.tables[t]!;
    log.info(`  fresh ${t} (${a.model}): ${Object.keys(a.components).length} components match, fingerprint ${short(a.fingerprint)}`);
  }
}

const short = (hash: string | undefined) => (hash ? hash.slice(0, 12) : "-");
