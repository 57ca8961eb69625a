import path from "node:path";
import { existsSync } from "node:fs";
import { parse as parseShell } from "shell-quote";
import type { z } from "zod";
import { ConfigError } from "./errors.js";
import { configSchema, CONFIG_KEYS, type RawConfig } from "./config-schema.js";
import * as msg from "./messages.js";

export const MODULE_NAME = "zerocache";

/** cosmiconfig's standard places for module `zerocache`, minus .ts (that would need a TypeScript loader). */
export const SEARCH_PLACES = [
  "package.json",
  ".zerocacherc",
  ".zerocacherc.json",
  ".zerocacherc.yaml",
  ".zerocacherc.yml",
  ".zerocacherc.js",
  ".zerocacherc.cjs",
  ".zerocacherc.mjs",
  ".config/zerocacherc",
  ".config/zerocacherc.json",
  ".config/zerocacherc.yaml",
  ".config/zerocacherc.yml",
  ".config/zerocacherc.js",
  ".config/zerocacherc.cjs",
  ".config/zerocacherc.mjs",
  "zerocache.config.js",
  "zerocache.config.cjs",
  "zerocache.config.mjs",
];

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
  lockfile: string;
  /** Absolute. */
  cacheDir: string;
}

const TABLE_PLACEHOLDERS = ["{table}", "{model}", "{model_snake}", "{model_kebab}"];

/** Finds the config from `cwd` up to the git top level and validates it. */
export async function loadConfig(cwd: string, root: string, explicitFile?: string): Promise<Config> {
  const found = explicitFile ? await loadFile(path.resolve(cwd, explicitFile)) : await search(cwd, root);
  const file = found?.filepath ?? null;
  const projectDir = file ? path.dirname(file) : root;
  const raw = validate(found?.config ?? {}, file);
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

function validate(data: unknown, file: string | null): RawConfig {
  const where = file ?? "defaults";
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError(msg.configNotObject(where, describe(data)), file ?? undefined);
  }
  const result = configSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => formatIssue(issue));
  throw new ConfigError(msg.configInvalid(where, lines), file ?? undefined);
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${String(p)}` : String(p))).join("") : "(top level)";
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys
        .map((k) => msg.configUnknownKey(issue.path.length ? `${key}.${k}` : k, closest(k, keysAt(issue.path))))
        .join("\n");
    case "invalid_type":
      return msg.configWrongType(key, describe(issue.input), issue.expected === "array" ? "a list of strings" : issue.expected, issue.message);
    case "invalid_union":
      return msg.configWrongType(key, describe(issue.input), "a string or a list of strings");
    case "invalid_value":
      return msg.configWrongType(key, describe(issue.input), `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`);
    case "too_small":
      return msg.configWrongType(key, describe(issue.input), "a non-empty value");
    default:
      return msg.configWrongType(key, describe(issue.input), issue.message);
  }
}

function keysAt(at: PropertyKey[]): string[] {
  if (at.length === 0) return CONFIG_KEYS;
  if (at[0] === "outputs") return ["perTable", "shared"];
  if (at[0] === "generator") return ["all", "table", "tables", "exclude"];
  if (at[0] === "beforeGenerate") return ["run", "when"];
  return [];
}

/** Closest known key by edit distance, for "did you mean" in unknown-key errors. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(word.length / 2)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function resolveConfig(raw: RawConfig, file: string | null, root: string, projectDir: string): Config {
  const where = file ?? "defaults";
  const toRepo = (key: string, pattern: string): string => {
    const abs = path.resolve(projectDir, pattern);
    const rel = path.relative(root, abs).split(path.sep).join("/");
    if (rel === "" || rel.startsWith("../") || rel === ".." || path.isAbsolute(rel)) {
      throw new ConfigError(msg.configOutsideRepo(where, key, pattern, root), file ?? undefined);
    }
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

function isInside(root: string, dir: string): boolean {
  const rel = path.relative(root, dir);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}
