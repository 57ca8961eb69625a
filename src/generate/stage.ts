import { stage, unstagedChanges } from "../git/changes.js";
import type { Project } from "../config/project.js";
import type { GenerateResult } from "./run.js";

/**
 * Stages the lock and every file the run may have written or deleted: the
 * outputs of the regenerated and dropped tables and the shared ones. Only
 * those that differ from the index are named to git (others may not exist).
 */
export async function stageResult(project: Project, result: GenerateResult): Promise<string[]> {
  const { config } = project;
  const { analysis, lock } = result.plan;
  const candidates = new Set([
    config.lockfile,
    ...config.outputs.shared,
    ...[...result.regenerated, ...result.restored].flatMap((v) => [...analysis.tables[v.table]!.outputs, ...Object.keys(lock.lock?.tables[v.table]?.outputs ?? {})]),
    ...result.plan.dropped.flatMap((d) => Object.keys(d.outputs)),
  ]);
  const changed = (await unstagedChanges(config.root)).filter((p) => candidates.has(p));
  await stage(config.root, changed);
  return changed;
}
