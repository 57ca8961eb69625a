import picomatch from "picomatch";
import { GeneratorError, InterruptedError } from "../common/errors.js";
import { sha256 } from "../common/hash.js";
import * as msg from "../common/messages.js";
import { readTreeFile, removeTreeFile, writeTreeFile } from "../common/tree-files.js";
import type { Config } from "../config/load.js";
import type { Project } from "../config/project.js";
import type { Analysis } from "../staleness/analyze.js";
import { computePlan } from "../staleness/plan.js";
import { selectTables } from "../staleness/select.js";
import { expandArgv, type RunKind } from "./choose-runs.js";
import { runGenerate, type GenerateResult, type Output } from "./run.js";
import { failureMessage, runCommand, type RunResult } from "./spawn.js";
import { guarded, restoreGuarded } from "./subset-guard.js";

/**
 * `zero-models verify`: the proof, on the user's own app and generator, that
 * the incremental state equals a full regeneration. It runs generator.all
 * (as `generate --all` does: the lock then records the full run, so it
 * doubles as a repair) and compares every generated file with what was there
 * before. With `adapters`, each configured subset command is then run for a
 * few sampled tables and what it writes compared with the full run's files,
 * which are put back afterwards.
 */

export interface VerifyOptions extends Output {
  adapters: boolean;
  /** Compare only these tables' files (not the shared ones), and sample them for the subset commands; the full run still runs. */
  tables?: string[];
}

/**
 * A generated file the full run wrote differently. `false-hit`: the table (or
 * the shared files) was recorded fresh, so check and generate trusted a wrong
 * file; `stale`: check already said so; `lock`: the file was right but the
 * lock recorded another version.
 */
export interface Difference {
  /** Null for a shared file. */
  table: string | null;
  model: string | null;
  file: string;
  kind: "false-hit" | "stale" | "lock";
}

export type AdapterKind = Exclude<RunKind, "all">;

export interface AdapterCheck {
  kind: AdapterKind;
  /** The commands run, with the tables each was asked to regenerate. */
  runs: Array<{ argv: string[]; tables: string[] }>;
  ok: boolean;
  /** The files compared for each sampled table (verify.ignore left out). */
  files: Record<string, string[]>;
  /** Per sampled file that did not come out as the full run wrote it. */
  problems: Array<{ table: string; file: string; problem: "missing" | "different" }>;
  /** Set when a run exited non-zero. */
  failed: { argv: string[]; code: number | null; signal: string | null; tail: string } | null;
}

export interface VerifyResult {
  generate: GenerateResult;
  /** Files compared (per table and shared), and those left out by verify.ignore. */
  compared: number;
  ignored: string[];
  differences: Difference[];
  adapters: AdapterCheck[];
}

export async function runVerify(project: Project, options: VerifyOptions): Promise<VerifyResult> {
  const { config } = project;
  await restoreGuarded(config);
  const before = await computePlan(project, "worktree");
  const { analysis } = before;
  const tables = options.tables ? selectTables(before, options.tables).filter((t) => analysis.tables[t]) : Object.keys(analysis.tables).sort();
  const shared = options.tables ? [] : config.outputs.shared;
  const files = [...tables.flatMap((t) => analysis.tables[t]!.outputs), ...shared];
  const was = await readAll(config.root, files);

  const generate = await runGenerate(project, { ...options, all: true, dryRun: false, tables: undefined });
  const failed = generate.failed[0];
  if (failed) throw new GeneratorError(failureMessage(failed.run.argv, failed.result, config, options.stderr !== null));
  const truth = await readAll(config.root, files);

  const same = sameness(config);
  const isIgnored = picomatch(config.verify.ignore.length ? config.verify.ignore : ["\0"], { dot: true });
  const ignored = files.filter((f) => isIgnored(f));
  const lock = before.lock.lock;
  const trusted = before.lock.status === "ok";
  const fresh = new Set(before.fresh);
  const differences: Difference[] = [];
  const compare = (table: string | null, file: string, recorded: string | null | undefined, wasFresh: boolean) => {
    if (isIgnored(file)) return;
    const a = was.get(file) ?? null;
    const b = truth.get(file) ?? null;
    const model = table ? analysis.tables[table]!.model : null;
    if (!same(a, b)) differences.push({ table, model, file, kind: trusted && wasFresh ? "false-hit" : "stale" });
    else if (trusted && recorded !== undefined && recorded !== hashOf(a) && recorded !== hashOf(b)) differences.push({ table, model, file, kind: "lock" });
  };
  for (const table of tables) {
    for (const file of analysis.tables[table]!.outputs) compare(table, file, lock?.tables[table]?.outputs[file], fresh.has(table));
  }
  for (const file of shared) compare(null, file, lock?.shared[file], before.shared.length === 0);

  const samples = options.tables ? tables : sampleTables(analysis);
  const adapters = options.adapters ? await checkAdapters(project, analysis, samples, truth, same, isIgnored, options) : [];
  return { generate, compared: files.length - ignored.length, ignored, differences, adapters };
}

/** Each configured subset command, run for a few sampled tables and compared with the full run's files (`truth`), which are put back after each run. */
async function checkAdapters(
  project: Project,
  analysis: Analysis,
  samples: string[],
  truth: Map<string, Buffer | null>,
  same: (a: Buffer | null, b: Buffer | null) => boolean,
  isIgnored: (file: string) => boolean,
  output: Output,
): Promise<AdapterCheck[]> {
  const { config } = project;
  const all = Object.keys(analysis.tables).sort();
  const outputsOf = (t: string) => analysis.tables[t]!.outputs;
  const checks: AdapterCheck[] = [];
  for (const kind of ["table", "tables", "exclude"] as const) {
    const template = config.generator[kind];
    if (!template) continue;
    const runs =
      kind === "table"
        ? samples.map((t) => ({ argv: expandArgv(template, { table: t }), tables: [t] }))
        : kind === "tables"
          ? [{ argv: expandArgv(template, { tables: samples }), tables: samples }]
          : [{ argv: expandArgv(template, { excluded: [...all.filter((t) => !samples.includes(t)), ...analysis.excluded].sort() }), tables: samples }];
    const files = Object.fromEntries(samples.map((t) => [t, outputsOf(t).filter((f) => !isIgnored(f))]));
    const check: AdapterCheck = { kind, runs, ok: true, files, problems: [], failed: null };
    for (const run of runs) {
      output.onStep?.({ type: "run", run: { kind, ...run }, index: 0, count: 1 });
      let result: RunResult;
      try {
        const { outcome, unwritten } = await guarded(config, run.tables, outputsOf, () =>
          runCommand(run.argv, { cwd: config.projectDir, stdout: output.stdout, stderr: output.stderr, timeoutMs: config.commandTimeoutMs, signal: output.interrupt }),
        );
        result = outcome;
        output.onStep?.({ type: "run-done", run: { kind, ...run }, result });
        // A subset command stopped because zero-models was interrupted says nothing about the command.
        InterruptedError.throwIf(output.interrupt);
        if (!result.ok) {
          check.failed = { argv: run.argv, code: result.code, signal: result.signal, tail: result.tail };
        } else {
          for (const table of run.tables) {
            for (const file of files[table]!) {
              if (unwritten.get(table)?.includes(file)) check.problems.push({ table, file, problem: "missing" });
              else if (!same(await readTreeFile(config.root, file), truth.get(file) ?? null)) check.problems.push({ table, file, problem: "different" });
            }
          }
        }
      } finally {
        await putBack(config.root, truth);
      }
      if (check.failed) break;
    }
    check.ok = !check.failed && check.problems.length === 0;
    checks.push(check);
  }
  return checks;
}

/**
 * A few tables to try each subset command on: one whose model includes a
 * concern (or, failing that, one with a neighbour), and a neighbour of it,
 * since those are where a subset run most easily reads less than a full one.
 */
export function sampleTables(analysis: Analysis): string[] {
  const tables = Object.keys(analysis.tables).sort();
  const components = (t: string) => Object.keys(analysis.tables[t]!.components);
  const neighbours = (t: string) => components(t).filter((c) => c.startsWith("neighbour schema ")).map((c) => c.slice("neighbour schema ".length)).filter((n) => n in analysis.tables);
  const first = tables.find((t) => components(t).some((c) => c.startsWith("model ") && c.includes("/concerns/"))) ?? tables.find((t) => neighbours(t).length > 0) ?? tables[0];
  if (first === undefined) return [];
  const neighbour = neighbours(first)[0];
  return neighbour ? [first, neighbour] : [first];
}

/** Puts every file back as the full run wrote it, where it is not that now. */
async function putBack(root: string, truth: Map<string, Buffer | null>): Promise<void> {
  for (const [file, bytes] of truth) {
    const now = await readTreeFile(root, file);
    if (now === null ? bytes === null : bytes !== null && now.equals(bytes)) continue;
    if (bytes === null) await removeTreeFile(root, file);
    else await writeTreeFile(root, file, bytes);
  }
}

async function readAll(root: string, files: string[]): Promise<Map<string, Buffer | null>> {
  const out = new Map<string, Buffer | null>();
  for (const file of files) out.set(file, await readTreeFile(root, file));
  return out;
}

function hashOf(bytes: Buffer | null): string | null {
  return bytes === null ? null : sha256(bytes);
}

/** Equality of two versions of a file once the lines verify.ignoreLines names are masked. */
function sameness(config: Config): (a: Buffer | null, b: Buffer | null) => boolean {
  const patterns = config.verify.ignoreLines.map((p) => new RegExp(p));
  const mask = (bytes: Buffer) => bytes.toString("utf8").split("\n").map((line) => (patterns.some((p) => p.test(line)) ? "" : line)).join("\n");
  return (a, b) => {
    if (a === null || b === null) return a === b;
    if (a.equals(b)) return true;
    return patterns.length > 0 && mask(a) === mask(b);
  };
}
