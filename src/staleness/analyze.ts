import picomatch from "picomatch";
import type { Config } from "../config/load.js";
import { staticBase, underBase } from "../config/file.js";
import { InputError } from "../common/errors.js";
import { hashRecord, sha256 } from "../common/hash.js";
import { outputPaths } from "../rails/output-paths.js";
import { decodeUtf8 } from "../common/utf8.js";
import * as msg from "../common/messages.js";
import type { ParseCache } from "../inputs/parse-cache.js";
import type { Snapshot } from "../inputs/snapshot.js";
import { formatComponent, globalComponents } from "./components.js";
import { blockComponent, declaredComponents } from "./declared.js";
import type { Debug } from "../common/log.js";
import { FINGERPRINT_VERSION, VERSION } from "../common/version.js";

export { FINGERPRINT_VERSION } from "../common/version.js";

export interface TableAnalysis {
  model: string;
  /** Component name -> hash, for this table only (globals are in Analysis.global). */
  components: Record<string, string>;
  fingerprint: string;
  /** Repo-relative output paths. */
  outputs: string[];
}

export interface Analysis {
  global: Record<string, string>;
  tables: Record<string, TableAnalysis>;
  /** Tables in schema.rb that excludeTables leaves out. */
  excluded: string[];
  /** Input file -> SHA-256. */
  inputs: Record<string, string>;
  /** Schema version from define(version: ...), digits only. */
  schemaVersion: string | null;
  migrations: string[];
  /** Model or concern file -> the hash it enters fingerprints with (its declarations', or its bytes'). */
  models: Record<string, string>;
  /** Lines for --debug. */
  notes: string[];
}

interface Inputs {
  schema: string;
  inflections: string | null;
  models: string[];
  migrations: string[];
  templates: string[];
  globalInputs: string[];
}

/** Matches config globs against the snapshot's paths. */
export function selectInputs(config: Config, snapshot: Snapshot): Inputs {
  // Most paths are under none of a glob's fixed leading folders: skip the regex for them.
  const matcher = (globs: string[]) => {
    const bases = globs.map(staticBase);
    const isMatch = picomatch(globs, { dot: true });
    return (p: string) => underBase(p, bases) && isMatch(p);
  };
  const isModel = matcher([...config.models, ...config.concerns]);
  const isMigration = matcher(config.migrations);
  const isTemplate = matcher(config.templates);
  const isGlobal = matcher(config.globalInputs);
  const pick = (test: (p: string) => boolean) => snapshot.paths.filter(test).sort();
  return {
    schema: config.schema,
    inflections: snapshot.paths.includes(config.inflections) ? config.inflections : null,
    models: pick(isModel),
    migrations: pick(isMigration),
    templates: pick(isTemplate),
    globalInputs: pick(isGlobal),
  };
}

export async function analyze(config: Config, snapshot: Snapshot, cache: ParseCache, debug: Debug): Promise<Analysis> {
  const inputs = selectInputs(config, snapshot);
  const files = [inputs.schema, ...inputs.models, ...inputs.migrations, ...inputs.templates, ...inputs.globalInputs];
  if (inputs.inflections) files.push(inputs.inflections);
  const hashes: Record<string, string> = {};
  for (const [file, hash] of await snapshot.hashes(files)) if (hash) hashes[file] = hash;
  if (!hashes[inputs.schema]) throw new InputError(msg.schemaMissing(inputs.schema), inputs.schema);
  debug(`inputs: ${inputs.models.length} model/concern files, ${inputs.migrations.length} migrations, ${inputs.templates.length} templates, ${inputs.globalInputs.length} global inputs`);

  // Same tool, config, file lists and contents: the same analysis, without parsing or resolving anything.
  const key = sha256(JSON.stringify([VERSION, FINGERPRINT_VERSION, config, inputs, Object.entries(hashes).sort()]));
  const stored = await cache.analysis(snapshot.view, key);
  if (stored) {
    debug("analysis: inputs unchanged since the last run, reused");
    return stored as Analysis;
  }
  const analysis = await analyzeFiles(config, snapshot, cache, inputs, hashes);
  cache.keepAnalysis(snapshot.view, key, analysis);
  return analysis;
}

async function analyzeFiles(config: Config, snapshot: Snapshot, cache: ParseCache, inputs: Inputs, hashes: Record<string, string>): Promise<Analysis> {
  // Only files whose facts are not cached are read.
  const kindOf = (file: string) => (file === inputs.schema ? "schema" : file === inputs.inflections ? "inflections" : "model");
  const parsedFiles = [inputs.schema, ...(inputs.inflections ? [inputs.inflections] : []), ...inputs.models];
  const declared = config.fingerprint === "declarations";
  const unparsed = [];
  for (const file of parsedFiles) {
    if (!hashes[file]) continue;
    const missing = !(await cache.has(kindOf(file), hashes[file])) || (declared && kindOf(file) === "model" && !(await cache.has("declarations", hashes[file])));
    if (missing) unparsed.push(file);
  }
  const contents = await snapshot.read(unparsed);
  const text = (file: string) => {
    const bytes = contents.get(file);
    // Hashed a moment ago but gone now: deleted while zero-models ran.
    if (!bytes) throw new InputError(msg.inputUnreadable(file, "the file disappeared while zero-models was reading"), file);
    return decodeUtf8(bytes, file);
  };
  // Listed but unreadable means deleted in the work tree (git still tracks it).
  const inflections = inputs.inflections && hashes[inputs.inflections] ? inputs.inflections : null;
  const rules = inflections
    ? await cache.get("inflections", hashes[inflections]!, async () => (await import("../ruby/inflections.js")).parseInflections(text(inflections), inflections))
    : undefined;
  const { createInflector } = await import("../ruby/inflector.js");
  const inflector = createInflector(rules);

  const schema = await cache.get("schema", hashes[inputs.schema]!, async () => (await import("../ruby/schema.js")).parseSchema(text(inputs.schema), inputs.schema, cache));
  const sources = new Map<string, Awaited<ReturnType<typeof import("../ruby/models.js").parseModelFile>>>();
  for (const file of inputs.models) {
    if (!hashes[file]) continue;
    sources.set(file, await cache.get("model", hashes[file]!, async () => (await import("../ruby/models.js")).parseModelFile(text(file), file)));
  }
  const models = declared ? await declaredComponents(sources, hashes, cache, text) : { components: new Map(Object.entries(hashes)), notes: [] };

  const { buildAppModel } = await import("../rails/app-model.js");
  const app = buildAppModel(schema, sources, inflector, config.cascade);

  const groupHash = (paths: string[]) => hashRecord(Object.fromEntries(paths.filter((p) => hashes[p]).map((p) => [p, hashes[p]!])));
  const global: Record<string, string> = {
    "tool": sha256(`zero-models fingerprint v${FINGERPRINT_VERSION}`),
    "config": sha256(generatorConfig(config)),
    "templates": groupHash(inputs.templates),
    "global inputs": groupHash(inputs.globalInputs.filter((p) => p !== inflections)),
    "schema preamble": sha256(schema.preamble),
  };
  if (inflections) global["inflections"] = hashes[inflections]!;

  const isExcluded = picomatch(config.excludeTables);
  const blockHash = new Map(schema.tables.map((t) => [t.name, blockComponent(t, config.fingerprint)]));
  // Kept so that a later run can say what changed in a block ("+ column due_at").
  await cache.put("block", new Map(schema.tables.map((t) => [blockHash.get(t.name)!, t.source])));
  const byName = new Map(schema.tables.map((t) => [t.name, t]));
  const tables: Record<string, TableAnalysis> = {};
  const excluded: string[] = [];
  for (const table of schema.tables) {
    if (isExcluded(table.name)) {
      excluded.push(table.name);
      continue;
    }
    const components: Record<string, string> = {};
    // Own components first; a neighbour's are prefixed so a verdict says whose
    // file changed, and skipped where the table has them itself (ApplicationRecord).
    const addTable = (name: string, neighbour: boolean) => {
      const t = byName.get(name)!;
      const put = (kind: "schema" | "enum" | "model", component: string, hash: string) => {
        const own = formatComponent({ scope: "own", kind, name: component });
        if (!neighbour) components[own] = hash;
        else if (!(own in components)) components[formatComponent({ scope: "neighbour", kind, name: component })] = hash;
      };
      put("schema", name, blockHash.get(name)!);
      for (const e of t.enumTypes) put("enum", e, sha256(schema.enums[e] ?? `missing enum ${e}`));
      for (const f of app.filesOf.get(name) ?? []) put("model", f, models.components.get(f)!);
    };
    addTable(table.name, false);
    for (const n of app.neighbours.get(table.name) ?? []) addTable(n, true);
    for (const f of app.strangers.get(table.name) ?? []) {
      if (!(formatComponent({ scope: "own", kind: "model", name: f }) in components)) components[formatComponent({ scope: "neighbour", kind: "model", name: f })] = models.components.get(f)!;
    }
    const model = app.modelOf.get(table.name)!;
    tables[table.name] = {
      model,
      components,
      fingerprint: hashRecord({ ...globalComponents(global), ...components }),
      outputs: outputPaths(config.outputs.perTable, table.name, model, inflector, inputs.schema, table.line),
    };
  }
  return {
    global,
    tables,
    excluded,
    inputs: hashes,
    schemaVersion: schema.version,
    migrations: inputs.migrations,
    models: Object.fromEntries(inputs.models.filter((f) => hashes[f]).map((f) => [f, models.components.get(f)!])),
    notes: [...app.notes, ...models.notes],
  };
}

/**
 * The parts of the config that change a table's files. Not the subset
 * commands (each must write what the full run writes, which the subset guard
 * and `verify --adapters` check), nor the shared files: removing a broken
 * adapter or naming a shared file must not regenerate every table.
 */
function generatorConfig(config: Config): string {
  return JSON.stringify({
    generator: config.generator.all,
    outputs: config.outputs.perTable,
    cascade: config.cascade,
    fingerprint: config.fingerprint,
  });
}

/** What the shared files are generated from: every table's fingerprint (and the globals, which each includes). */
export function sharedFingerprint(analysis: Analysis): string {
  const tables = Object.entries(analysis.tables)
    .map(([t, a]) => [t, a.fingerprint])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
  return sha256(JSON.stringify(["shared", analysis.global, tables]));
}
