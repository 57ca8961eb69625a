import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { globalComponents, parseComponent } from "../staleness/components.js";
import type { Plan, TableVerdict } from "../staleness/verdict.js";
import { byName, ComponentNames } from "../staleness/component-names.js";
import { shortHashes } from "../staleness/lock.js";

/** `--explain`: the components that changed in each stale table; "all": every component of every table. */
export type Explain = "changed" | "all" | null;

/**
 * Lists the stale tables of a plan and why, under `header`. Tables with the
 * same reasons (a template edit makes every table stale alike) share one
 * line; a reason of one table's own keeps its line.
 */
export function report(plan: Plan, log: Logger, explain: Explain, header: string): void {
  log.info(header);
  for (const group of byReasons(plan.stale)) {
    const why = reasonsText(group[0]!);
    log.info(`  ${group.length === 1 ? `${group[0]!.table} (${group[0]!.model})` : msg.tableGroup(group.map((v) => v.table))}: ${why}`);
    if (explain) explainTables(plan, group.map((v) => v.table), explain, log);
  }
  for (const d of plan.dropped) log.info(`  ${d.table}: ${msg.reason.droppedTable(Object.values(d.outputs).filter(Boolean).length)}`);
  for (const file of Object.keys(plan.leftovers)) log.info(`  ${file}: ${msg.reason.leftover}`);
  if (plan.shared.length) {
    log.info(`  ${msg.sharedHeader} ${plan.shared.map((r) => r.message).join("; ")}`);
  }
  if (explain) explainNotInputs(plan, log);
  if (explain === "all") explainFresh(plan, log);
}

const reasonsText = (v: TableVerdict) => v.reasons.map((r) => r.message).join("; ");

/** Verdicts with the same reasons, in groups, in the order their first table comes. */
export function byReasons<T extends TableVerdict>(verdicts: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const v of verdicts) {
    const key = reasonsText(v);
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return [...groups.values()];
}

/**
 * The components of stale tables with their recorded and current hash, so
 * "why" has a full answer: the changed ones, or all under --explain=all. A
 * group's tables share their changed global components: each row once.
 */
function explainTables(plan: Plan, tables: string[], explain: "changed" | "all", log: Logger): void {
  const lock = plan.lock.lock;
  const names = lock ? new ComponentNames(plan.analysis, lock) : null;
  const seen = new Set<string>();
  for (const table of tables) {
    // Compared as the lock records them: short hashes (see staleness/lock.ts).
    const now = { ...globalComponents(shortHashes(plan.analysis.global)), ...byName(plan.analysis.tables[table]!.components) };
    const before: Record<string, string> = lock ? { ...globalComponents(lock.global), ...names!.recorded(table) } : {};
    const rows: Array<[string, string | undefined, string | undefined]> = Object.entries(now).map(([k, v]) => [k, before[k], v]);
    for (const [k, was] of Object.entries(before)) if (!(k in now)) rows.push([k, was, undefined]);
    for (const [name, was, is] of rows) {
      const state = was === is ? "same" : was === undefined ? "new" : is === undefined ? "gone" : "changed";
      if (state === "same" && explain === "changed") continue;
      const line = `      ${state.padEnd(7)} ${label(name)}  ${short(was)} -> ${short(is)}`;
      if (seen.has(line)) continue;
      seen.add(line);
      log.info(line);
    }
  }
}

/** Model files whose edit changed no declaration (--explain, fresh or stale): why they regenerate nothing. */
export function explainNotInputs(plan: Plan, log: Logger): void {
  for (const file of plan.notInputs) log.info(`  ${msg.notAnInput(file)}`);
}

/** Each fresh table with its component count and fingerprint (--explain=all). */
export function explainFresh(plan: Plan, log: Logger): void {
  for (const t of plan.fresh) {
    const a = plan.analysis.tables[t]!;
    log.info(`  ${msg.explainFresh(t, a.model, Object.keys(a.components).length, short(a.fingerprint))}`);
  }
}

/** A global component by its kind alone ("global inputs", not "global global inputs"); the others as the lock names them. */
const label = (component: string) => {
  const key = parseComponent(component);
  return key.scope === "global" ? key.kind : component;
};

const short = (hash: string | undefined) => (hash ? hash.slice(0, 12) : "-");
