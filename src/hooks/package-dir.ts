import { existsSync } from "node:fs";
import path from "node:path";
import { EXIT, ZeroModelsError } from "../common/errors.js";
import * as msg from "../common/messages.js";

/** Where the app's package.json (husky, the hooks, node_modules) is: init, uninstall and doctor agree on it. */

/** The folder of the nearest package.json from `cwd` up to the git top level. */
export function findPackageDir(cwd: string, root: string): string {
  const found = nearest(path.resolve(cwd), root, "package.json");
  if (!found) throw new ZeroModelsError(msg.initNoPackageJson(cwd), EXIT.usage);
  return path.dirname(found);
}

/** `rel` in the nearest folder from `from` up to `root` holding it, or null. */
export function nearest(from: string, root: string, rel: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, rel))) return path.join(dir, rel);
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}
