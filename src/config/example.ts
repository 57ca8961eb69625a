import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where .zeromodelsrc.example is: it documents every key and its default, so
 * the config init writes and every config error point at it by path.
 */

export const EXAMPLE_NAME = ".zeromodelsrc.example";

/** The example shipped with the running zero-models (at the package root, above dist/ and dist/chunks/), or null. */
export function shippedExample(): string | null {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, EXAMPLE_NAME))) return path.join(dir, EXAMPLE_NAME);
    if (path.dirname(dir) === dir) return null;
  }
}

/** How to name the shipped example from `dir`: relative when it is below, else absolute. */
export function exampleFrom(dir: string): string {
  const file = shippedExample();
  if (!file) return `node_modules/zero-models/${EXAMPLE_NAME}`;
  const rel = path.relative(dir, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}

/** The example as installed in the app's node_modules, named from the config's folder: what a committed config may point at. */
export function installedExample(configDir: string, packageDir: string): string {
  return path.relative(configDir, path.join(packageDir, "node_modules", "zero-models", EXAMPLE_NAME)).split(path.sep).join("/");
}
