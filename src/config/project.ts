import type { Debug } from "../common/log.js";
import { topLevel } from "../git/repo.js";
import { loadConfig, type Config } from "./load.js";

/** A loaded project: the config found from a folder, and where debug lines go. */
export interface Project {
  config: Config;
  debug: Debug;
}

export async function openProject(cwd: string, configFile: string | undefined, debug: Debug): Promise<Project> {
  const root = await topLevel(cwd);
  const config = await loadConfig(cwd, root, configFile);
  debug(`root ${root}; config ${config.file ?? "(defaults)"}; generator runs in ${config.projectDir}`);
  return { config, debug };
}
