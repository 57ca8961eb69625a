import { EXIT, ZeroModelsError } from "../common/errors.js";
import * as msg from "../common/messages.js";
import { closest } from "../common/closest.js";
import type { Plan } from "./verdict.js";

/** The tables a command was restricted to (`check cacti`, `generate --table notes`), and the plan as it concerns them only. */

/**
 * The tables `names` mean, each a table or a model name of the plan, or of a
 * dropped table the lock still records. An unknown name is a usage error
 * naming the closest known one.
 */
export function selectTables(plan: Plan, names: string[]): string[] {
  const byName = new Map<string, string>();
  for (const [table, t] of Object.entries(plan.analysis.tables)) byName.set(table, table).set(t.model, table);
  for (const d of plan.dropped) byName.set(d.table, d.table);
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length) {
    const known = [...byName.keys()];
    throw new ZeroModelsError(msg.unknownTables(unknown.map((n) => ({ name: n, suggestion: closest(n, known) }))), EXIT.usage);
  }
  return [...new Set(names.map((n) => byName.get(n)!))].sort();
}

/**
 * The plan as if the app had only these tables: other tables are neither
 * stale nor fresh, and the shared files, which list every table, are not
 * judged.
 */
export function restrictPlan(plan: Plan, tables: string[]): Plan {
  const only = new Set(tables);
  return {
    ...plan,
    stale: plan.stale.filter((v) => only.has(v.table)),
    fresh: plan.fresh.filter((t) => only.has(t)),
    dropped: plan.dropped.filter((d) => only.has(d.table)),
    shared: [],
    leftovers: {},
    // A run over some tables stores only theirs: it never vouches for the whole work tree (see recordKept).
    freshDigest: undefined,
  };
}
