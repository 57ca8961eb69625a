import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../common/errors.js";
import * as msg from "../common/messages.js";
import { DEFAULTS } from "./defaults.js";

/**
 * Where the config lives and how its paths map into the repo: shared by the
 * full loader (cosmiconfig + schema) and the hooks' fast path, which must not
 * pay for either.
 */

export const MODULE_NAME = "zeromodels";

/** cosmiconfig's standard places for module `zeromodels`, minus .ts (that would need a TypeScript loader). */
export const SEARCH_PLACES = [
  "package.json",
  ".zeromodelsrc",
  ".zeromodelsrc.json",
  ".zeromodelsrc.yaml",
  ".zeromodelsrc.yml",
  ".zeromodelsrc.js",
  ".zeromodelsrc.cjs",
  ".zeromodelsrc.mjs",
  ".config/zeromodelsrc",
  ".config/zeromodelsrc.json",
  ".config/zeromodelsrc.yaml",
  ".config/zeromodelsrc.yml",
  ".config/zeromodelsrc.js",
  ".config/zeromodelsrc.cjs",
  ".config/zeromodelsrc.mjs",
  "zeromodels.config.js",
  "zeromodels.config.cjs",
  "zeromodels.config.mjs",
];

export const TABLE_PLACEHOLDERS = ["{table}", "{model}", "{model_snake}", "{model_kebab}"];

/** An outputs.perTable pattern as a glob matching the files of every table. */
export function anyTableGlob(pattern: string): string {
  return TABLE_PLACEHOLDERS.reduce((p, ph) => p.split(ph).join("*"), pattern);
}

/** A config path or glob made repo-relative (POSIX); null when it leaves the repo. */
export function toRepoPath(root: string, projectDir: string, pattern: string): string | null {
  const rel = path.relative(root, path.resolve(projectDir, pattern)).split(path.sep).join("/");
  return rel === "" || rel.startsWith("../") || rel === ".." || path.isAbsolute(rel) ? null : rel;
}

export function isInside(root: string, dir: string): boolean {
  const rel = path.relative(root, dir);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * The config file cosmiconfig would find from `cwd` up to the git top level,
 * found with stat calls only. cosmiconfig takes the first of its places in a
 * folder and never looks at the rest, so a second config beside it (a
 * `.zeromodelsrc.yml` next to the `.zeromodelsrc.json`) would be silently
 * ignored, and which one is meant cannot be told: that is a ConfigError.
 */
export function findConfigFile(cwd: string, root: string): string | null {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const found = SEARCH_PLACES.map((place) => path.join(dir, place)).filter(isConfigFile);
    if (found.length > 1) throw new ConfigError(msg.configAmbiguous(found), found[0]);
    if (found.length === 1) return found[0]!;
    if (dir === root || path.dirname(dir) === dir || !isInside(root, dir)) return null;
  }
}

/** Whether `file` exists and is a config: package.json only when it has the zeromodels key. */
function isConfigFile(file: string): boolean {
  if (!existsSync(file)) return false;
  if (path.basename(file) !== "package.json") return true;
  return (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>)[MODULE_NAME] !== undefined;
}

type Globs = string | string[];

/** The keys that decide which files are watched. */
export interface WatchedKeys {
  schema: string;
  models: Globs;
  concerns: Globs;
  migrations: Globs;
  templates: Globs;
  inflections: string;
  globalInputs: string[];
  beforeGenerate: Array<{ when: Globs }>;
  outputs: { perTable: string[]; shared: string[] };
  lockfile: string;
}

/**
 * The one list of the files that matter, in named groups; every other list
 * (what git lists for a snapshot, what wakes a hook, what pre-commit treats
 * as generated) is derived from it. Paths as the config gives them.
 */
export interface Watched {
  /** What the generator reads: a change can make tables stale. */
  inputs: string[];
  /** beforeGenerate's `when` globs: a change there runs a step before generating. */
  triggers: string[];
  /** What the generator writes (per-table patterns as globs, and the shared files). */
  outputs: string[];
  /** The lock that records what was generated from what. */
  lock: string;
}

export function watched(keys: WatchedKeys): Watched {
  const list = (g: Globs) => (Array.isArray(g) ? g : [g]);
  return {
    inputs: [keys.schema, ...list(keys.models), ...list(keys.concerns), ...list(keys.migrations), ...list(keys.templates), keys.inflections, ...keys.globalInputs],
    triggers: keys.beforeGenerate.flatMap((step) => list(step.when)),
    outputs: [...keys.outputs.perTable.map(anyTableGlob), ...keys.outputs.shared],
    lock: keys.lockfile,
  };
}

/**
 * Every repo-relative glob whose change can change a verdict: all watched
 * groups and the config file itself. A change outside them cannot, which is
 * what lets a hook stop early. Null when a path leaves the repository.
 */
export function watchedGlobs(keys: WatchedKeys, root: string, projectDir: string, file: string | null): string[] | null {
  const { inputs, triggers, outputs, lock } = watched(keys);
  const globs = [...inputs, ...triggers, ...outputs, lock].map((g) => toRepoPath(root, projectDir, g));
  if (file) globs.push(path.relative(root, file).split(path.sep).join("/"));
  return globs.every((g): g is string => typeof g === "string") ? globs : null;
}

/**
 * The watched globs read without cosmiconfig or the schema (together ~40 ms):
 * the same file, JSON or YAML parsed directly, defaults filled in. Null when
 * only a full load can tell (a .js config, values of the wrong shape).
 */
export async function peekWatchedGlobs(cwd: string, root: string, explicitFile?: string): Promise<string[] | null> {
  try {
    const file = explicitFile ? path.resolve(cwd, explicitFile) : findConfigFile(cwd, root);
    const data = file === null ? {} : await readPlain(file);
    if (data === null) return null;
    const keys = { ...DEFAULTS, beforeGenerate: [], ...data, outputs: { ...DEFAULTS.outputs, ...(data.outputs as object | undefined) } } as unknown as WatchedKeys;
    return watchedGlobs(keys, root, file ? path.dirname(file) : root, file);
  } catch {
    return null;
  }
}

/** A JSON or YAML config (or package.json's key) read without cosmiconfig; null for a .js config or one that is not an object. Throws on bad syntax. */
export async function readPlain(file: string): Promise<Record<string, unknown> | null> {
  return /\.[cm]?js$/.test(file) ? null : parsePlain(file, readFileSync(file, "utf8"));
}

/**
 * yaml's parse. Bundled into the ESM chunks, the CommonJS build of yaml comes
 * back from a dynamic import as `default` only; without this every YAML config
 * went the slow way through cosmiconfig, which also skips a file holding only
 * comments (the config init writes) as if there were none.
 */
async function yamlParse(): Promise<(text: string) => unknown> {
  const yaml = (await import("yaml")) as { parse?: (text: string) => unknown; default?: { parse: (text: string) => unknown } };
  return yaml.parse ?? yaml.default!.parse;
}

/** parsePlain for the text of `file` (its name tells the format). */
export async function parsePlain(file: string, text: string): Promise<Record<string, unknown> | null> {
  const base = path.basename(file);
  if (/\.[cm]?js$/.test(base)) return null;
  let data: unknown;
  if (base === "package.json") data = (JSON.parse(text) as Record<string, unknown>)[MODULE_NAME];
  else if (base.endsWith(".json")) data = JSON.parse(text);
  else data = (await yamlParse())(text) ?? {};
  return data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

/** The leading folders of a glob that hold no glob syntax ("db/migrate" for "db/migrate/*.rb"), or the whole path when it has none. */
export function staticBase(glob: string): string {
  // picomatch reads a top-level "|" as "either side", anywhere in the glob.
  if (glob.includes("|")) return "";
  const parts = glob.split("/");
  const firstMagic = parts.findIndex((part) => /[*?[\]{}()!+@|\\]/.test(part));
  return firstMagic === -1 ? glob : parts.slice(0, firstMagic).join("/");
}

/** True when `path` is, or is under, one of `bases` (an empty base holds everything). */
export function underBase(path: string, bases: string[]): boolean {
  return bases.some((base) => base === "" || path === base || path.startsWith(`${base}/`));
}
