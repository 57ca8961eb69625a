import { stage, unstagedChanges } from "../git/changes.js";
import type { Project } from "../config/project.js";
import type { GenerateResult } from "./run.js";

/**
 * The lock and every file the run may have written or deleted: the outputs
 * of the regenerated, restored and dropped tables and the shared ones.
 */
export function resultPaths(project: Project, result: GenerateResult): Set<string> {
  const { config } = project;
  const { analysis, lock } = result.plan;
  return new Set([
    config.lockfile,
    ...config.outputs.shared,
    ...[...result.regenerated, ...result.restored].flatMap((v) => [...analysis.tables[v.table]!.outputs, ...Object.keys(lock.lock?.tables[v.table]?.outputs ?? {})]),
    ...result.plan.dropped.flatMap((d) => Object.keys(d.outputs)),
    ...Object.keys(result.plan.leftovers),
  ]);
}

/** Of the files the run may have written or deleted, those that differ from the index, in the order git lists them. */
export async function changedByRun(project: Project, result: GenerateResult): Promise<string[]> {
  const candidates = resultPaths(project, result);
  return (await unstagedChanges(project.config.root)).filter((p) => candidates.has(p));
}

/** Stages what the run changed (only what differs from the index is named to git: others may not exist). */
export async function stageResult(project: Project, result: GenerateResult): Promise<string[]> {
  const changed = await changedByRun(project, result);
  await stage(project.config.root, changed);
  return changed;
}
