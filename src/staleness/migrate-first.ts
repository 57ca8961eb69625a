import picomatch from "picomatch";
import type { Config } from "../config/load.js";
import type { Plan } from "./verdict.js";

/**
 * Whether a stale plan needs `bin/rails db:migrate` before `generate` can
 * help: a pending migration makes a table stale and no beforeGenerate step
 * runs for it (generate leaves such tables alone, see decide.ts).
 */
export function migrateFirst(plan: Plan, config: Config): boolean {
  const pending = new Set(plan.stale.flatMap((v) => v.reasons.filter((r) => r.kind === "pending-migration").map((r) => r.file!)));
  if (pending.size === 0) return false;
  const covered = config.beforeGenerate.map((step) => picomatch(step.when, { dot: true }));
  return [...pending].some((file) => !covered.some((isMatch) => isMatch(file)));
}
