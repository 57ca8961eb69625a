import path from "node:path";
import { existsSync } from "node:fs";
import { parse as parseShell } from "shell-quote";
import { ConfigError } from "./errors.js";
import type { RawConfig } from "./config-schema.js";
import { DEFAULTS } from "./config-defaults.js";
import { MODULE_NAME, SEARCH_PLACES, TABLE_PLACEHOLDERS, isInside, toRepoPath } from "./config-file.js";
import { sha256 } from "./hash.js";
import { readFile } from "node:fs/promises";
import { VERSION } from "./version.js";
import * as msg from "./messages.js";

export interface GeneratorArgv {
  all: string[];
  table?: string[];
  tables?: string[];
  exclude?: string[];
}

/** Config with every path made relative to the git top level (POSIX), ready for the engine. */
export interface Config {
  /** Absolute path of the config file, or null when running on defaults. */
  file: string | null;
  /** Git top level, absolute. */
  root: string;
  /** Where the generator runs: the config file's folder (the Rails root), absolute. */
  projectDir: string;
  schema: string;
  models: string[];
  concerns: string[];
  migrations: string[];
  templates: string[];
  inflections: string;
  globalInputs: string[];
  excludeTables: string[];
  outputs: { perTable: string[]; shared: string[] };
  generator: GeneratorArgv;
  beforeGenerate: Array<{ run: string[]; when: string[] }>;
  cascade: RawConfig["cascade"];
  hooks: { preCommit: RawConfig["preCommit"]; postMerge: RawConfig["postMerge"]; postCheckout: RawConfig["postCheckout"]; inCI: boolean };
  /** How long a run waits for another one holding cacheDir's run lock, in ms. */
  lockTimeoutMs: number;
  lockfile: string;
  /** Absolute. */
  cacheDir: string;
}


/** Finds the config from `cwd` up to the git top level and validates it. */
export async function loadConfig(cwd: string, root: string, explicitFile?: string): Promise<Config> {
  const found = explicitFile ? await loadFile(path.resolve(cwd, explicitFile)) : await search(cwd, root);
  const file = found?.filepath ?? null;
  const projectDir = file ? path.dirname(file) : root;
  const raw = await validate(found?.config ?? {}, file, projectDir);
  return resolveConfig(raw, file, root, projectDir);
}

async function explorer() {
  const { cosmiconfig } = await import("cosmiconfig");
  return cosmiconfig(MODULE_NAME, { searchPlaces: SEARCH_PLACES, searchStrategy: "none", cache: false });
}

async function loadFile(file: string) {
  if (!existsSync(file)) throw new ConfigError(msg.configFileMissing(file), file);
  try {
    const result = await (await explorer()).load(file);
    return result ?? { filepath: file, config: {} };
  } catch (error) {
    throw new ConfigError(msg.configUnreadable(file, error), file, { cause: error });
  }
}

async function search(cwd: string, root: string) {
  const ex = await explorer();
  let dir = path.resolve(cwd);
  // Walk up by hand: cosmiconfig's "global" strategy would also read ~/.config,
  // and a repo tool must not change behaviour with who runs it.
  for (;;) {
    try {
      const result = await ex.search(dir);
      if (result && !result.isEmpty) return result;
      if (result?.isEmpty) return { ...result, config: {} };
    } catch (error) {
      const file = (error as { filepath?: string }).filepath ?? dir;
      throw new ConfigError(msg.configUnreadable(file, error), file, { cause: error });
    }
    if (dir === root || path.dirname(dir) === dir || !isInside(root, dir)) return null;
    dir = path.dirname(dir);
  }
}

/**
 * Validation is a pure function of the loaded config, so its result is cached
 * in cacheDir per config content (and zero-cache version): a config that does
 * not change is validated once, and zod stays unloaded on the hot path.
 * Values that do not survive JSON (a function in a .js config) are never
 * cached, so they always meet the schema.
 */
async function validate(data: unknown, file: string | null, projectDir: string): Promise<RawConfig> {
  const json = isPlainJson(data) ? JSON.stringify(data) : null;
  const cacheDir = (data as { cacheDir?: unknown })?.cacheDir;
  const cacheFile = path.join(projectDir, typeof cacheDir === "string" ? cacheDir : DEFAULTS.cacheDir, "config.json");
  const key = json === null ? null : sha256(`${VERSION}\0${file ?? ""}\0${json}`);
  if (key) {
    try {
      const cached = JSON.parse(await readFile(cacheFile, "utf8")) as { key?: string; config?: RawConfig };
      if (cached.key === key && cached.config) return cached.config;
    } catch {
      // no cache yet, or unreadable: validate
    }
  }
  const raw = (await import("./config-schema.js")).validateConfig(data, file);
  if (key) await (await import("./atomic.js")).writeAtomic(cacheFile, JSON.stringify({ key, config: raw })).catch(() => {});
  return raw;
}

function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === "object") return Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(isPlainJson);
  return false;
}

function resolveConfig(raw: RawConfig, file: string | null, root: string, projectDir: string): Config {
  const where = file ?? "defaults";
  const toRepo = (key: string, pattern: string): string => {
    const rel = toRepoPath(root, projectDir, pattern);
    if (rel === null) throw new ConfigError(msg.configOutsideRepo(where, key, pattern, root), file ?? undefined);
    return rel;
  };
  const globs = (key: string, value: string | string[]) => (Array.isArray(value) ? value : [value]).map((g) => toRepo(key, g));
  const perTable = raw.outputs.perTable.map((p, i) => {
    if (!TABLE_PLACEHOLDERS.some((ph) => p.includes(ph))) {
      throw new ConfigError(msg.configPerTableNeedsPlaceholder(where, `outputs.perTable[${i}]`, p), file ?? undefined);
    }
    return toRepo(`outputs.perTable[${i}]`, p);
  });
  return {
    file,
    root,
    projectDir,
    schema: toRepo("schema", raw.schema),
    models: globs("models", raw.models),
    concerns: globs("concerns", raw.concerns),
    migrations: globs("migrations", raw.migrations),
    templates: globs("templates", raw.templates),
    inflections: toRepo("inflections", raw.inflections),
    globalInputs: globs("globalInputs", raw.globalInputs),
    excludeTables: raw.excludeTables,
    outputs: { perTable, shared: raw.outputs.shared.map((p, i) => toRepo(`outputs.shared[${i}]`, p)) },
    generator: resolveGenerator(raw.generator, where, file),
    beforeGenerate: raw.beforeGenerate.map((step, i) => ({
      run: splitArgv(step.run, `beforeGenerate[${i}].run`, where, file),
      when: globs(`beforeGenerate[${i}].when`, step.when),
    })),
    cascade: raw.cascade,
    hooks: { preCommit: raw.preCommit, postMerge: raw.postMerge, postCheckout: raw.postCheckout, inCI: raw.hooksInCI },
    lockTimeoutMs: raw.lockTimeout * 1000,
    lockfile: toRepo("lockfile", raw.lockfile),
    cacheDir: path.join(root, toRepo("cacheDir", raw.cacheDir)),
  };
}

const REQUIRED_PLACEHOLDER = { table: "{table}", tables: "{tables}", exclude: "{excluded}" } as const;

function resolveGenerator(raw: RawConfig["generator"], where: string, file: string | null): GeneratorArgv {
  const out: GeneratorArgv = { all: splitArgv(raw.all, "generator.all", where, file) };
  for (const kind of ["table", "tables", "exclude"] as const) {
    const value = raw[kind];
    if (value === undefined) continue;
    const args = splitArgv(value, `generator.${kind}`, where, file);
    if (!args.some((a) => a.includes(REQUIRED_PLACEHOLDER[kind]))) {
      throw new ConfigError(msg.configGeneratorPlaceholder(where, `generator.${kind}`, REQUIRED_PLACEHOLDER[kind]), file ?? undefined);
    }
    out[kind] = args;
  }
  return out;
}

/** Splits a command string like a POSIX shell would, refusing anything only a shell could do. */
export function splitArgv(value: string | string[], key: string, where: string, file: string | null): string[] {
  if (Array.isArray(value)) return value;
  const parts = parseShell(value, (name) => `$${name}`);
  const args: string[] = [];
  for (const part of parts) {
    if (typeof part === "string") args.push(part);
    else if ("op" in part && part.op === "glob") args.push(part.pattern);
    else throw new ConfigError(msg.configShellOperator(where, key, value), file ?? undefined);
  }
  if (args.length === 0) throw new ConfigError(msg.configWrongType(key, JSON.stringify(value), "a command"), file ?? undefined);
  return args;
}
