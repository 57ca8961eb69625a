import picomatch from "picomatch";
import type { Config } from "../config/load.js";
import { watched } from "../config/file.js";
import type { Project } from "../config/project.js";
import type { Snapshot, View } from "../inputs/snapshot.js";
import * as msg from "../common/messages.js";
import { analyzeChange, type Analysis } from "./analyze.js";
import { sinceFresh } from "./fresh-record.js";
import { lockCheckKey, parseLock } from "./lock.js";
import type { BlobHashes } from "../inputs/blob-hashes.js";
import type { ParseCache } from "../inputs/parse-cache.js";
import { makePlan, type Plan } from "./verdict.js";

/**
 * `check` after a small change: the verdict from the last fresh one of the
 * same view, judging only the tables a changed file reaches (issue 22: a
 * commit touching one model of 2,000 must not cost 2,000 tables' work).
 *
 * That verdict said every table was fresh. A table's verdict is a function
 * of its analysis entry, its lock entry and its output files; the lock is
 * the same file, so a table none of whose inputs or outputs changed is
 * fresh still. The changed files must be model or concern files and
 * schema.rb that change no structure (analyzeChange), and output files of a
 * known table; anything else (the lock, a template, a migration, a file
 * added or removed, a shared file, the config) and every doubt: null, and
 * the full plan decides.
 */
export async function planSinceFresh(project: Project, snapshot: Snapshot, caches: { parsed: ParseCache; blobs: BlobHashes }): Promise<Plan | null> {
  // The view's own last fresh verdict first; then the other view's: a commit usually follows a
  // fresh work tree (the hooks' generate), and the index then differs from it by what was staged.
  for (const base of snapshot.view === "index" ? (["index", "worktree"] as const) : (["worktree", "index"] as const)) {
    const plan = await planFrom(base, project, snapshot, caches);
    if (plan) return plan;
  }
  return null;
}

async function planFrom(base: View, project: Project, snapshot: Snapshot, caches: { parsed: ParseCache; blobs: BlobHashes }): Promise<Plan | null> {
  const { config, debug } = project;
  const since = await sinceFresh(config, snapshot, base);
  if (!since || since.changed.length === 0) return null;
  const split = sortChanges(config, since.changed);
  if (!split) return null;
  // Prism loads while git reads the files and the last analysis is read.
  if (split.inputs.length) (await import("../ruby/prism.js")).warmUpPrism();
  const [stored, contents] = await Promise.all([caches.parsed.analysisMadeWith(base, since.analysisKey), snapshot.read([...split.inputs, config.lockfile])]);
  const previous = stored as Analysis | null;
  if (!previous?.tables || !previous.structure) return null;
  const outputsOf = ownersOf(previous, split.outputs);
  if (!outputsOf) return null;
  const change = split.inputs.length ? await analyzeChange(config, contents, caches.parsed, previous, split.inputs) : { analysis: previous, affected: new Set<string>() };
  if (!change) return null;

  const lockText = contents.get(config.lockfile);
  // The lock is the bytes of the fresh verdict's, which passed every check then.
  if (!lockText || (await caches.parsed.checkedLock()) !== lockCheckKey(config, lockText)) return null;
  const judged = new Set([...change.affected, ...outputsOf]);
  const lock = parseLock(lockText.toString("utf8"), config.lockfile, undefined, true, judged);
  if (lock.status !== "ok") return null;
  const models = previous.models;
  const plan = await makePlan(config, snapshot, change.analysis, lock, caches.parsed, judged);
  // Edited since the fresh verdict, yet entering fingerprints as they did: only method bodies or comments changed.
  plan.notInputs = split.inputs.filter((f) => models[f] !== undefined && models[f] === change.analysis.models[f]);
  await Promise.all([caches.parsed.save(), caches.blobs.save()]);
  debug(msg.sinceFresh(base, since.changed.length, judged.size, Object.keys(change.analysis.tables).length));
  for (const note of change.analysis.notes) debug(note);
  for (const file of plan.notInputs) debug(msg.notAnInput(file));
  return plan;
}

/** The changed inputs analyzeChange can take, and the changed generated files; null for any other change. */
function sortChanges(config: Config, changed: string[]): { inputs: string[]; outputs: string[] } | null {
  const isModel = picomatch([...config.models, ...config.concerns], { dot: true });
  const isOtherInput = picomatch([...config.migrations, ...config.templates, ...config.globalInputs, config.inflections], { dot: true });
  const isOutput = picomatch(watched(config).outputs, { dot: true });
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const file of changed) {
    if (file === config.lockfile || config.outputs.shared.includes(file) || isOtherInput(file)) return null;
    if (file === config.schema || isModel(file)) inputs.push(file);
    else if (isOutput(file)) outputs.push(file);
    // else: in a watched folder, but neither an input nor generated: no verdict reads it
  }
  return { inputs, outputs };
}

/** The tables whose generated files these are; null when one is no table's. */
function ownersOf(analysis: Analysis, outputs: string[]): string[] | null {
  if (outputs.length === 0) return [];
  const owner = new Map(Object.entries(analysis.tables).flatMap(([table, t]) => t.outputs.map((p): [string, string] => [p, table])));
  const tables = new Set<string>();
  for (const file of outputs) {
    const table = owner.get(file);
    if (table === undefined) return null;
    tables.add(table);
  }
  return [...tables];
}
