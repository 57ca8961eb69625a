import { EXIT } from "../errors.js";
import { openProject } from "../engine.js";
import type { Logger } from "../log.js";
import { JSON_SCHEMA_VERSION } from "../report.js";
import { LocalStore } from "../store.js";
import * as msg from "../messages.js";
import { locked } from "./generate.js";

/** `zero-models clean`: empties the local store of generated files (the lock, the parse cache and the shared store are left alone). */
export async function clean(options: { cwd: string; config?: string; json: boolean }, log: Logger): Promise<number> {
  const project = await openProject(options.cwd, options.config, log.debug);
  const store = new LocalStore(project.config.cacheDir, project.config.store.maxBytes, log.debug);
  const freed = await locked(project, "zero-models clean", () => store.clear());
  if (options.json) process.stdout.write(`${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ok: true, ...freed }, null, 2)}\n`);
  else log.info(msg.cleaned(freed.entries, freed.bytes));
  return EXIT.ok;
}
