import path from "node:path";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { parse as parseShell } from "shell-quote";
import { ConfigError, InputError } from "../common/errors.js";
import { symlinkOnTheWay } from "../common/path-guard.js";
import type { RawConfig } from "./schema.js";
import { DEFAULTS } from "./defaults.js";
import { MODULE_NAME, SEARCH_PLACES, TABLE_PLACEHOLDERS, findConfigFile, isInside, parsePlain, toRepoPath } from "./file.js";
import { sha256 } from "../common/hash.js";
import { readFile } from "node:fs/promises";
import { VERSION } from "../common/version.js";
import { unsafePath } from "../common/path-guard.js";
import * as msg from "../common/messages.js";

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
  /** SHA-256 of the config file as read, when it is JSON or YAML (its content alone decides the config); else null. */
  fileSha: string | null;
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
  /**
   * How long one command (a generator run, a beforeGenerate step) may take, in
   * ms; null: no limit. Kept out of `generator`, which is part of every
   * fingerprint: a longer timeout writes the same files.
   */
  commandTimeoutMs: number | null;
  beforeGenerate: Array<{ run: string[]; when: string[] }>;
  cascade: RawConfig["cascade"];
  /** What of a model, concern or create_table block is an input: what class-level introspection can see, or every byte. */
  fingerprint: RawConfig["fingerprint"];
  hooks: { preCommit: RawConfig["preCommit"]; postMerge: RawConfig["postMerge"]; postCheckout: RawConfig["postCheckout"]; inCI: boolean };
  /** How long a run waits for another one holding cacheDir's run lock, in ms. */
  lockTimeoutMs: number;
  lockfile: string;
  /** Absolute. */
  cacheDir: string;
  /** The local store of generated files (in cacheDir); 0 bytes: none. */
  store: { maxBytes: number };
  /** `zero-models verify`: files regenerated but not compared (repo-relative globs), and line patterns masked before comparing. */
  verify: { ignore: string[]; ignoreLines: string[] };
  /** The shared store (Turborepo remote-cache API), or null. Secrets come from the environment, never from here. */
  remote: { url: string; team: string | null; read: boolean; write: boolean; timeoutMs: number; maxBodyBytes: number; maxInflatedBytes: number } | null;
}


/** Finds the config from `cwd` up to the git top level and validates it. */
export async function loadConfig(cwd: string, root: string, explicitFile?: string): Promise<Config> {
  const direct = await loadDirect(cwd, root, explicitFile);
  const found = direct !== undefined ? direct : explicitFile ? await loadFile(path.resolve(cwd, explicitFile)) : await search(cwd, root);
  const fileSha = direct ? direct.sha : null;
  const file = found?.filepath ?? null;
  const projectDir = file ? path.dirname(file) : root;
  const { raw, save } = await validate(found?.config ?? {}, file, projectDir);
  const config = { ...resolveConfig(raw, file, root, projectDir), fileSha };
  // Cached only once the whole config is known good (a cacheDir outside the
  // repo must never be written), and only into a cacheDir that exists: a run
  // that then fails on bad input, or a first run in an empty repo, leaves
  // nothing behind. The next successful run creates cacheDir anyway.
  if (save && existsSync(config.cacheDir)) await save(path.join(config.cacheDir, "config.json"));
  return config;
}

/**
 * The config found and read without cosmiconfig, whose loading costs more
 * than a whole fresh check: JSON and YAML files, as nearly every app has, in
 * the same places and order. Null: there is no config. Undefined: only
 * cosmiconfig can tell (a .js config, or a file that does not parse, so its
 * error reads as cosmiconfig words it).
 */
async function loadDirect(cwd: string, root: string, explicitFile?: string): Promise<{ filepath: string; config: unknown; sha: string } | null | undefined> {
  try {
    const file = explicitFile ? path.resolve(cwd, explicitFile) : findConfigFile(cwd, root);
    if (file === null) return null;
    if (!existsSync(file)) return undefined;
    const bytes = readFileSync(file);
    const config = await parsePlain(file, bytes.toString("utf8"));
    return config === null ? undefined : { filepath: file, config, sha: sha256(bytes) };
  } catch (error) {
    // Two config files in one folder: cosmiconfig would silently take the first.
    if (error instanceof ConfigError) throw error;
    return undefined;
  }
}

async function explorer() {
  const { cosmiconfig } = await import("cosmiconfig");
  // An empty config file is still the config: it places the Rails root.
  return cosmiconfig(MODULE_NAME, { searchPlaces: SEARCH_PLACES, searchStrategy: "none", cache: false, ignoreEmptySearchPlaces: false });
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
 * in cacheDir per config content (and zero-models version): a config that does
 * not change is validated once, and zod stays unloaded on the hot path.
 * Values that do not survive JSON (a function in a .js config) are never
 * cached, so they always meet the schema.
 */
async function validate(
  data: unknown,
  file: string | null,
  projectDir: string,
): Promise<{ raw: RawConfig; save?: (cacheFile: string) => Promise<void> }> {
  const json = isPlainJson(data) ? JSON.stringify(data) : null;
  const given = (data as { cacheDir?: unknown })?.cacheDir;
  const cacheDir = typeof given === "string" ? given : DEFAULTS.cacheDir;
  const cacheFile = path.join(projectDir, cacheDir, "config.json");
  // The defaults are in the key so a zero-models that knows new keys never takes an older validation (same version in development).
  const key = json === null ? null : sha256(`${VERSION}\0${JSON.stringify(DEFAULTS)}\0${file ?? ""}\0${json}`);
  // Reached through a symlink, the cached validation could be anyone's: validate (and openProject then refuses the folder).
  if (key && symlinkOnTheWay(projectDir, path.relative(projectDir, path.dirname(cacheFile)).split(path.sep).join("/")) === null) {
    try {
      const cached = JSON.parse(await readFile(cacheFile, "utf8")) as { key?: string; config?: RawConfig };
      // The cached config names its own cache folder, so a planted one could not move the check that git tracks nothing there.
      if (cached.key === key && cached.config && cached.config.cacheDir === cacheDir) return { raw: cached.config };
    } catch {
      // no cache yet, or unreadable: validate
    }
  }
  const raw = (await import("./schema.js")).validateConfig(data, file);
  if (!key) return { raw };
  const save = async (target: string) => {
    await (await import("../common/atomic.js")).writeAtomic(target, JSON.stringify({ key, config: raw })).catch(() => {});
  };
  return { raw, save };
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
  const outputs = { perTable, shared: raw.outputs.shared.map((p, i) => toRepo(`outputs.shared[${i}]`, p)) };
  const lockfile = toRepo("lockfile", raw.lockfile);
  const cacheDir = toRepo("cacheDir", raw.cacheDir);
  // What zero-models (and the generator) write must not leave the repo through a symlink either.
  const realRoot = realpathSync(root);
  const tracked: Array<[string, string, string]> = [
    ...outputs.perTable.map((p, i): [string, string, string] => [`outputs.perTable[${i}]`, raw.outputs.perTable[i]!, p]),
    ...outputs.shared.map((p, i): [string, string, string] => [`outputs.shared[${i}]`, raw.outputs.shared[i]!, p]),
    ["lockfile", raw.lockfile, lockfile],
  ];
  // Generated files and the lock are committed files: inside .git a write
  // would rewrite git's own state (hooks, config), and the lock guard refuses
  // any recorded output unsafePath refuses. cacheDir is local state and may
  // live in .git.
  for (const [key, pattern, rel] of tracked) {
    const why = unsafePath(rel);
    if (why) throw new ConfigError(msg.configUnsafeOutput(where, key, pattern, why), file ?? undefined);
  }
  const written: Array<[string, string, string]> = [...tracked, ["cacheDir", raw.cacheDir, cacheDir]];
  for (const [key, pattern, rel] of written) {
    const escape = symlinkEscape(root, realRoot, rel);
    if (escape) throw new ConfigError(msg.configThroughSymlink(where, key, pattern, escape.through, escape.real, root), file ?? undefined);
  }
  // Not even a symlink that stays inside: its target is tracked, so a commit could fill the cache folder.
  const cacheLink = symlinkOnTheWay(root, cacheDir);
  if (cacheLink !== null) throw new InputError(msg.symlinkRefused(cacheDir, cacheLink, "write"), cacheLink);
  return {
    file,
    fileSha: null,
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
    outputs,
    generator: resolveGenerator(raw.generator, where, file),
    commandTimeoutMs: raw.generator.timeout === null ? null : raw.generator.timeout * 1000,
    beforeGenerate: raw.beforeGenerate.map((step, i) => ({
      run: splitArgv(step.run, `beforeGenerate[${i}].run`, where, file),
      when: globs(`beforeGenerate[${i}].when`, step.when),
    })),
    cascade: raw.cascade,
    fingerprint: raw.fingerprint,
    hooks: { preCommit: raw.preCommit, postMerge: raw.postMerge, postCheckout: raw.postCheckout, inCI: raw.hooksInCI },
    lockTimeoutMs: raw.lockTimeout * 1000,
    lockfile,
    cacheDir: path.join(root, cacheDir),
    store: { maxBytes: Math.round(raw.store.maxSizeMB * 1024 * 1024) },
    verify: { ignore: globs("verify.ignore", raw.verify.ignore), ignoreLines: raw.verify.ignoreLines },
    remote: raw.remote.url ? { ...raw.remote, url: raw.remote.url.replace(/\/+$/, "") } : null,
  };
}

/**
 * The first existing part of a repo-relative path (up to its first placeholder
 * or glob character) whose real location is outside the repo, or null. A few
 * realpath calls: cheap enough for every run.
 */
function symlinkEscape(root: string, realRoot: string, rel: string): { through: string; real: string } | null {
  const wild = rel.search(/[{*?[]/);
  const fixed = wild === -1 ? rel : rel.slice(0, rel.lastIndexOf("/", wild) + 1);
  const realOf = (dir: string) => {
    try {
      return realpathSync(dir);
    } catch {
      return null; // not created yet: its parent decides
    }
  };
  let dir = path.join(root, fixed);
  while (dir !== root && realOf(dir) === null && isInside(root, dir)) dir = path.dirname(dir);
  const real = realOf(dir);
  if (real === null || isInside(realRoot, real)) return null;
  // Name the link itself: the topmost part of the path that is already outside.
  while (path.dirname(dir) !== root && isInside(root, path.dirname(dir)) && !isInside(realRoot, realOf(path.dirname(dir)) ?? realRoot)) dir = path.dirname(dir);
  return { through: path.relative(root, dir).split(path.sep).join("/"), real: realOf(dir)! };
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
