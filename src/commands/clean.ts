import { EXIT } from "../common/errors.js";
import { openProject } from "../config/project.js";
import type { Logger } from "../common/log.js";
import { JSON_SCHEMA_VERSION, jsonText } from "../output/json.js";
import { LocalStore } from "../store/local.js";
import * as msg from "../common/messages.js";
import { locked } from "../generate/run-lock.js";

/** `zero-models clean`: empties the local store of generated files (the lock, the parse cache and the shared store are left alone). */
export async function clean(options: { cwd: string; config?: string; json: boolean }, log: Logger): Promise<number> {
  const project = await openProject(options.cwd, options.config, log.debug);
  const store = new LocalStore(project.config.cacheDir, project.config.store.maxBytes, log.debug);
  const freed = await locked(project, "zero-models clean", () => store.clear());
  if (options.json) process.stdout.write(jsonText({ schemaVersion: JSON_SCHEMA_VERSION, ok: true, ...freed }));
  else log.info(msg.cleaned(freed.entries, freed.bytes));
  return EXIT.ok;
}
