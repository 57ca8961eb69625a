import { readFile } from "node:fs/promises";
import path from "node:path";
import type { GeneratorArgv } from "../config/load.js";
import { writeAtomic } from "../common/atomic.js";

/**
 * Which generator invocations cover the stale tables at the least expected
 * cost: one run per table, one for several, one excluding the fresh ones, or
 * a full run, steered by the timings of earlier runs.
 */

export type RunKind = "all" | "table" | "tables" | "exclude";

export interface Run {
  kind: RunKind;
  argv: string[];
  /** Tables whose files this run (re)writes. */
  tables: string[];
}

/** Expands {table}, {tables}, {excluded}: alone they become one argument per table, inside a longer argument a comma-joined list. */
export function expandArgv(template: string[], vars: { table?: string; tables?: string[]; excluded?: string[] }): string[] {
  const lists: Record<string, string[] | undefined> = {
    "{table}": vars.table === undefined ? undefined : [vars.table],
    "{tables}": vars.tables,
    "{excluded}": vars.excluded,
  };
  const out: string[] = [];
  for (const arg of template) {
    const whole = lists[arg];
    if (whole) {
      out.push(...whole);
      continue;
    }
    let expanded = arg;
    for (const [key, list] of Object.entries(lists)) if (list) expanded = expanded.split(key).join(list.join(","));
    out.push(expanded);
  }
  return out;
}

export interface Timings {
  /** Last full run: milliseconds and how many tables it covered. */
  all?: { ms: number; tables: number };
  /** Last single-table run. */
  one?: { ms: number };
}

/**
 * Estimated duration of one run covering `k` of `n` tables: linear between a
 * single-table run (mostly boot) and a full run. Without history, assume boot
 * dominates, as it does for Rails (a one-table run costs ~80% of a full one).
 */
export function estimate(k: number, n: number, timings: Timings): number {
  const full = timings.all?.ms ?? 1000;
  const one = timings.one?.ms ?? Math.min(full, 0.8 * full);
  if (n <= 1) return full;
  return Math.max(one, one + ((k - 1) * (full - one)) / (n - 1));
}

/** Picks the cheapest set of runs that regenerates `stale` out of `all` tables (plus the shared files). */
export function chooseRuns(gen: GeneratorArgv, stale: string[], all: string[], excludedBySchema: string[], timings: Timings): Run[] {
  const n = all.length;
  const k = stale.length;
  const full: Run = { kind: "all", argv: gen.all, tables: all };
  if (k === 0 || k >= n) return [full];
  const candidates: Array<{ cost: number; runs: Run[] }> = [{ cost: estimate(n, n, timings), runs: [full] }];
  if (gen.tables) {
    candidates.push({ cost: estimate(k, n, timings), runs: [{ kind: "tables", argv: expandArgv(gen.tables, { tables: stale }), tables: stale }] });
  }
  if (gen.exclude) {
    const staleSet = new Set(stale);
    const excluded = [...all.filter((t) => !staleSet.has(t)), ...excludedBySchema].sort();
    // An excluded table named "-x" would reach the generator as an option, not a name: use another strategy.
    if (!excluded.some((t) => t.startsWith("-"))) candidates.push({ cost: estimate(k, n, timings), runs: [{ kind: "exclude", argv: expandArgv(gen.exclude, { excluded }), tables: stale }] });
  }
  if (gen.table) {
    candidates.push({
      cost: k * estimate(1, n, timings),
      runs: stale.map((t) => ({ kind: "table" as const, argv: expandArgv(gen.table!, { table: t }), tables: [t] })),
    });
  }
  // On equal cost the more specific command wins: for one table, `--table=X` beats
  // an exclude list naming every other table (the generator has to read that list).
  const order = (c: { runs: Run[] }) => ["tables", "table", "exclude", "all"].indexOf(c.runs[0]!.kind);
  candidates.sort((a, b) => a.cost - b.cost || order(a) - order(b));
  return candidates[0]!.runs;
}

export async function readTimings(cacheDir: string): Promise<Timings> {
  try {
    const data = JSON.parse(await readFile(path.join(cacheDir, "timings.json"), "utf8")) as Timings;
    return typeof data === "object" && data ? data : {};
  } catch {
    return {};
  }
}

export async function recordTiming(cacheDir: string, timings: Timings, run: Run, ms: number, total: number): Promise<void> {
  if (run.kind === "all") timings.all = { ms, tables: total };
  else if (run.tables.length === 1) timings.one = { ms };
  else return;
  try {
    await writeAtomic(path.join(cacheDir, "timings.json"), `${JSON.stringify(timings)}\n`);
  } catch {
    // timings only steer the choice of runs; losing them is harmless
  }
}
