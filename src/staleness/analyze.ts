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
import { formatComponent, globalComponents, parseComponent } from "./components.js";
import { blockComponent, blockKey, declaredComponent, extendedModules } from "./declared.js";
import { hashTag } from "./lock.js";
import type { Declarations } from "../ruby/declarations.js";
import type { ParsedSchema, RubyFileFacts } from "../ruby/types.js";
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
  /** What the tables' component names were derived from; lets the next analysis reuse them (see structureOf). */
  structure: Structure;
  /**
   * Each schema block, enum and model file ("model app/models/x.rb", as an
   * own component is named) -> the tables with it among their own or their
   * neighbours' components: what a change to it reaches, without reading every table.
   */
  usedBy: Record<string, string[]>;
}

/**
 * Everything the app model (which files and neighbours each table has, its
 * model name and outputs) is derived from, as digests: the facts of each
 * model file that Rails naming and associations read, the schema's table
 * names and the enum types and foreign keys they use, and the inflections.
 * Component hashes are not in it: a column, a comment or a template change
 * alters hashes, never which components a table has.
 */
export interface Structure {
  key: string;
  /** Model or concern file -> digest of its structural facts (and, under `fingerprint: declarations`, of what it extends and instantiates). */
  files: Record<string, string>;
  schema: SchemaSummary;
  /** Classes and modules whose instance methods may run as a class loads (see staleness/declared.ts), sorted. */
  extended: string[];
  /** The app model's --debug lines, and each model file's own (a file counted byte for byte). */
  appNotes: string[];
  fileNotes: Record<string, string>;
}

/** What the analysis needs of schema.rb, kept so that a run where it did not change need not parse it. */
interface SchemaSummary {
  /** The `define(version: ...)` value, digits only. */
  version: string | null;
  /** SHA-256 of the statements that belong to no table. */
  preamble: string;
  /** Table -> SHA-256 of its create_table block and the statements that name it. */
  blocks: Record<string, string>;
  /** create_enum name -> SHA-256 of its statement. */
  enums: Record<string, string>;
  /** Digest of what the app model and the component names are made from (a block's columns and indexes are not). */
  structure: string;
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
  // Same tool and config only: the last analysis, whose tables may be reused (see reuseTables).
  const setting = sha256(JSON.stringify([VERSION, FINGERPRINT_VERSION, config]));
  const key = sha256(JSON.stringify([setting, inputs, Object.entries(hashes).sort()]));
  const stored = await cache.analysis(snapshot.view, key, setting);
  const previous = stored && looksLikeAnalysis(stored.analysis) ? stored.analysis : null;
  if (previous && stored?.exact) {
    debug("analysis: inputs unchanged since the last run, reused");
    return previous;
  }
  const analysis = await analyzeFiles(config, snapshot, cache, inputs, hashes, previous, debug);
  cache.keepAnalysis(snapshot.view, key, setting, analysis);
  return analysis;
}

async function analyzeFiles(config: Config, snapshot: Snapshot, cache: ParseCache, inputs: Inputs, hashes: Record<string, string>, previous: Analysis | null, debug: Debug): Promise<Analysis> {
  const kindOf = (file: string) => (file === inputs.schema ? "schema" : file === inputs.inflections ? "inflections" : "model");
  const contents = new Map<string, Buffer>();
  // Only files whose facts are not cached are read, in one batch per need.
  const declared = config.fingerprint === "declarations";
  const cached = async (file: string) =>
    (await cache.has(kindOf(file), hashes[file]!)) && !(declared && kindOf(file) === "model" && !(await cache.has("declarations", hashes[file]!)));
  const readUnparsed = async (files: string[]) => {
    const unparsed = [];
    for (const file of files) if (hashes[file] && !contents.has(file) && !(await cached(file))) unparsed.push(file);
    for (const [file, bytes] of await snapshot.read(unparsed)) contents.set(file, bytes);
  };
  const text = (file: string) => {
    const bytes = contents.get(file);
    // Hashed a moment ago but gone now: deleted while zero-models ran.
    if (!bytes) throw new InputError(msg.inputUnreadable(file, "the file disappeared while zero-models was reading"), file);
    return decodeUtf8(bytes, file);
  };
  const facts = async (file: string) => cache.get("model", hashes[file]!, async () => (await import("../ruby/models.js")).parseModelFile(text(file), file));
  const declarations = async (file: string) => cache.get("declarations", hashes[file]!, async () => (await import("../ruby/declarations.js")).declarationsOf(text(file), file));
  const readAllFacts = async () => {
    await readUnparsed(models);
    const sources = new Map<string, RubyFileFacts>();
    for (const file of models) sources.set(file, await facts(file));
    return sources;
  };
  // A model file whose content the last analysis saw has the structure it saw: its facts need not be loaded.
  const knownStructure = (file: string) => (previous && previous.inputs[file] === hashes[file] ? previous.structure.files[file] : undefined);
  const models = inputs.models.filter((file) => hashes[file]);
  await readUnparsed([...(inputs.inflections ? [inputs.inflections] : []), ...models.filter((file) => knownStructure(file) === undefined)]);

  // Listed but unreadable means deleted in the work tree (git still tracks it).
  const inflections = inputs.inflections && hashes[inputs.inflections] ? inputs.inflections : null;
  const rules = inflections
    ? await cache.get("inflections", hashes[inflections]!, async () => (await import("../ruby/inflections.js")).parseInflections(text(inflections), inflections))
    : undefined;
  const { createInflector } = await import("../ruby/inflector.js");
  const inflector = createInflector(rules);

  // schema.rb is parsed only when it changed since the last analysis, or when the tables must be built anew.
  let parsed: ParsedSchema | null = null;
  const parsedSchema = async () => {
    if (parsed) return parsed;
    await readUnparsed([inputs.schema]);
    parsed = await cache.get("schema", hashes[inputs.schema]!, async () => (await import("../ruby/schema.js")).parseSchema(text(inputs.schema), inputs.schema, cache));
    // Kept so that a later run can say what changed in a block ("+ column due_at"); a block the last analysis saw is kept already.
    const seen = previous?.structure.schema.blocks ?? {};
    const blocks = parsed.tables.map((t) => ({ t, hash: blockComponent(t, config.fingerprint) })).filter(({ t, hash }) => seen[t.name] !== hash);
    await cache.put("block", new Map(blocks.map(({ t, hash }) => [blockKey(t.name, hashTag(hash)), t.source])));
    return parsed;
  };
  const schema = previous && previous.inputs[inputs.schema] === hashes[inputs.schema] ? previous.structure.schema : summarize(await parsedSchema(), config);
  const structureFiles: Record<string, string> = {};
  for (const file of models) structureFiles[file] = knownStructure(file) ?? structureDigest(await facts(file), declared ? await declarations(file) : null);
  const structureKey = sha256(JSON.stringify([inflections ? hashes[inflections] : null, schema.structure, Object.entries(structureFiles)]));
  const reuse = previous !== null && previous.structure.key === structureKey;

  // Each model file's component: its declarations' hash, or its bytes' (the same file's is reused when neither it nor the structure changed).
  const modelComponents: Record<string, string> = {};
  const fileNotes: Record<string, string> = {};
  let extended: string[];
  if (declared) {
    const all = reuse ? null : await readAllFacts();
    extended = reuse ? previous.structure.extended : await extendedModules(all!, declarations);
    const unchanged = (file: string) => reuse && previous.inputs[file] === hashes[file] && previous.models[file] !== undefined;
    const reaching = new Set(extended);
    for (const file of models) {
      if (unchanged(file)) {
        modelComponents[file] = previous!.models[file]!;
        if (previous!.structure.fileNotes[file] !== undefined) fileNotes[file] = previous!.structure.fileNotes[file]!;
        continue;
      }
      const c = declaredComponent(file, await declarations(file), reaching, hashes[file]!);
      modelComponents[file] = c.component;
      if (c.note !== null) fileNotes[file] = c.note;
    }
  } else {
    extended = [];
    for (const file of models) modelComponents[file] = hashes[file]!;
  }
  const structure: Structure = { key: structureKey, files: structureFiles, schema, extended, appNotes: [], fileNotes };

  const groupHash = (paths: string[]) => hashRecord(Object.fromEntries(paths.filter((p) => hashes[p]).map((p) => [p, hashes[p]!])));
  const global: Record<string, string> = {
    "tool": sha256(`zero-models fingerprint v${FINGERPRINT_VERSION}`),
    "config": sha256(generatorConfig(config)),
    "templates": groupHash(inputs.templates),
    "global inputs": groupHash(inputs.globalInputs.filter((p) => p !== inflections)),
    "schema preamble": schema.preamble,
  };
  if (inflections) global["inflections"] = hashes[inflections]!;

  const componentHash = hashByName(schema, modelComponents);
  const notesOf = (appNotes: string[]) => [...appNotes, ...models.filter((f) => fileNotes[f] !== undefined).map((f) => fileNotes[f]!)];
  const globalEntries = globalComponents(global);
  const fingerprint = (components: Record<string, string>) => hashRecord({ ...globalEntries, ...components });

  const common = { global, inputs: hashes, schemaVersion: schema.version, migrations: inputs.migrations, models: modelComponents };
  if (reuse) {
    debug("analysis: same models, tables and associations as the last analysis: its components reused, their hashes recomputed");
    const sameGlobals = hashRecord(previous.global) === hashRecord(global);
    structure.appNotes = previous.structure.appNotes;
    return { ...common, structure, tables: reuseTables(previous.tables, sameGlobals, componentHash, fingerprint), excluded: previous.excluded, notes: notesOf(structure.appNotes), usedBy: previous.usedBy };
  }

  const sources = await readAllFacts();
  const { buildAppModel } = await import("../rails/app-model.js");
  const app = buildAppModel(await parsedSchema(), sources, inflector, config.cascade);
  structure.appNotes = app.notes;

  const { tables: schemaTables } = await parsedSchema();
  const isExcluded = picomatch(config.excludeTables);
  const byName = new Map(schemaTables.map((t) => [t.name, t]));
  const tables: Record<string, TableAnalysis> = {};
  const excluded: string[] = [];
  for (const table of schemaTables) {
    if (isExcluded(table.name)) {
      excluded.push(table.name);
      continue;
    }
    const components: Record<string, string> = {};
    // Own components first; a neighbour's are prefixed so a verdict says whose
    // file changed, and skipped where the table has them itself (ApplicationRecord).
    const addTable = (name: string, neighbour: boolean) => {
      const t = byName.get(name)!;
      const put = (kind: "schema" | "enum" | "model", component: string) => {
        const own = formatComponent({ scope: "own", kind, name: component });
        if (!neighbour) components[own] = componentHash(kind, component);
        else if (!(own in components)) components[formatComponent({ scope: "neighbour", kind, name: component })] = componentHash(kind, component);
      };
      put("schema", name);
      for (const e of t.enumTypes) put("enum", e);
      for (const f of app.filesOf.get(name) ?? []) put("model", f);
    };
    addTable(table.name, false);
    for (const n of app.neighbours.get(table.name) ?? []) addTable(n, true);
    for (const f of app.strangers.get(table.name) ?? []) {
      if (!(formatComponent({ scope: "own", kind: "model", name: f }) in components)) components[formatComponent({ scope: "neighbour", kind: "model", name: f })] = componentHash("model", f);
    }
    const model = app.modelOf.get(table.name)!;
    tables[table.name] = {
      model,
      components,
      fingerprint: fingerprint(components),
      outputs: outputPaths(config.outputs.perTable, table.name, model, inflector, inputs.schema, table.line),
    };
  }
  return { ...common, structure, tables, excluded, notes: notesOf(app.notes), usedBy: usersOf(tables) };
}

/** Analysis.usedBy of these tables. */
function usersOf(tables: Record<string, TableAnalysis>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [table, t] of Object.entries(tables)) {
    for (const name of Object.keys(t.components)) {
      const c = parseComponent(name);
      if (c.scope === "global") continue;
      const own = formatComponent({ scope: "own", kind: c.kind as "schema" | "enum" | "model", name: c.name });
      const users = (out[own] ??= []);
      if (users[users.length - 1] !== table) users.push(table);
    }
  }
  return out;
}

/**
 * The analysis after `changed` files changed since `previous` was made, when
 * they are model or concern files and schema.rb (`contents`: what each
 * holds now) whose structure (see
 * Structure) did not change: only the tables one of their components reaches
 * get new hashes and fingerprints, and nothing else is read or parsed. Null
 * when anything else may differ (a file added or removed, a new association,
 * a table or enum added, the schema's version or preamble): then the full
 * analysis decides. `test/unit/staleness/incremental-analysis.test.ts` checks
 * that it equals the full analysis wherever it answers. `previous` is used
 * up: its tables are updated in place.
 */
export async function analyzeChange(config: Config, contents: Map<string, Buffer>, cache: ParseCache, previous: Analysis, changed: string[]): Promise<{ analysis: Analysis; affected: Set<string> } | null> {
  const inputs = { ...previous.inputs };
  for (const file of changed) {
    const bytes = contents.get(file);
    if (!bytes || previous.inputs[file] === undefined) return null;
    inputs[file] = sha256(bytes);
  }
  const text = (file: string) => decodeUtf8(contents.get(file)!, file);
  const declared = config.fingerprint === "declarations";
  const models = { ...previous.models };
  const fileNotes = { ...previous.structure.fileNotes };
  let schema = previous.structure.schema;
  const reached = new Set<string>();
  const reach = (kind: "schema" | "enum" | "model", name: string) => reached.add(formatComponent({ scope: "own", kind, name }));
  for (const file of changed) {
    const hash = inputs[file]!;
    if (file === config.schema) {
      const parsed = await cache.get("schema", hash, async () => (await import("../ruby/schema.js")).parseSchema(text(file), file, cache));
      const now = summarize(parsed, config);
      const sameKeys = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => k in b);
      if (now.structure !== schema.structure || now.version !== schema.version || now.preamble !== schema.preamble || !sameKeys(now.blocks, schema.blocks) || !sameKeys(now.enums, schema.enums)) return null;
      const blocks = parsed.tables.filter((t) => now.blocks[t.name] !== schema.blocks[t.name]);
      for (const t of blocks) reach("schema", t.name);
      for (const name of Object.keys(now.enums)) if (now.enums[name] !== schema.enums[name]) reach("enum", name);
      await cache.put("block", new Map(blocks.map((t) => [blockKey(t.name, hashTag(now.blocks[t.name]!)), t.source])));
      schema = now;
      continue;
    }
    if (models[file] === undefined) return null;
    const facts = await cache.get("model", hash, async () => (await import("../ruby/models.js")).parseModelFile(text(file), file));
    const declarations = declared ? await cache.get("declarations", hash, async () => (await import("../ruby/declarations.js")).declarationsOf(text(file), file)) : null;
    if (structureDigest(facts, declarations) !== previous.structure.files[file]) return null;
    const c = declarations ? declaredComponent(file, declarations, new Set(previous.structure.extended), hash) : { component: hash, note: null };
    delete fileNotes[file];
    if (c.note !== null) fileNotes[file] = c.note;
    if (c.component !== models[file]) reach("model", file);
    models[file] = c.component;
  }

  const componentHash = hashByName(schema, models);
  const globalEntries = globalComponents(previous.global);
  // Updated in place: the last analysis's tables may be read lazily (see ParseCache.analysis), and a copy would read them all.
  const tables = previous.tables;
  const affected = new Set([...reached].flatMap((name) => previous.usedBy[name] ?? []));
  for (const table of affected) {
    const t = tables[table]!;
    const components = rehashed(t.components, componentHash);
    tables[table] = { model: t.model, components, fingerprint: hashRecord({ ...globalEntries, ...components }), outputs: t.outputs };
  }
  const structure: Structure = { ...previous.structure, schema, fileNotes };
  const notes = [...structure.appNotes, ...Object.keys(models).filter((f) => fileNotes[f] !== undefined).map((f) => fileNotes[f]!)];
  return { analysis: { ...previous, inputs, models, structure, tables, notes }, affected };
}

/** A cache file written by another build of the same version may lack a part: then it is not used. */
function looksLikeAnalysis(value: unknown): value is Analysis {
  const a = value as Partial<Analysis> | null;
  return typeof a?.tables === "object" && typeof a.inputs === "object" && typeof a.structure?.files === "object" && typeof a.structure.schema?.blocks === "object" && typeof a.models === "object" && Array.isArray(a.structure.extended) && typeof a.structure.fileNotes === "object" && typeof a.usedBy === "object";
}

type ComponentHash = (kind: "schema" | "enum" | "model", name: string) => string;

/** Every component's hash follows from its kind and name alone, so the same names always give the same hashes. */
function hashByName(schema: SchemaSummary, models: Record<string, string>): ComponentHash {
  return (kind, name) => (kind === "schema" ? schema.blocks[name]! : kind === "enum" ? (schema.enums[name] ?? sha256(`missing enum ${name}`)) : models[name]!);
}

/** A table's components (names as it has them) with each hash recomputed. */
function rehashed(components: Record<string, string>, componentHash: ComponentHash): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(components)) {
    const c = parseComponent(name);
    if (c.scope === "global") throw new Error(`a table's own component is global: ${name}`);
    out[name] = componentHash(c.kind as "schema" | "enum" | "model", c.name);
  }
  return out;
}

/** The last analysis's tables with each component's hash recomputed, and the fingerprint of those where one changed. */
function reuseTables(tables: Record<string, TableAnalysis>, sameGlobals: boolean, componentHash: ComponentHash, fingerprint: (components: Record<string, string>) => string): Record<string, TableAnalysis> {
  const out: Record<string, TableAnalysis> = {};
  for (const [table, t] of Object.entries(tables)) {
    const components = rehashed(t.components, componentHash);
    const changed = !sameGlobals || Object.entries(components).some(([name, hash]) => hash !== t.components[name]);
    out[table] = changed ? { model: t.model, components, fingerprint: fingerprint(components), outputs: t.outputs } : t;
  }
  return out;
}

/**
 * The facts of a model file that decide table names, associations and
 * neighbours. Line numbers only place messages, and only a dynamic
 * association's line reaches one (a --debug note).
 */
function structureDigest(facts: RubyFileFacts, declarations: Declarations | null): string {
  const withoutLines = JSON.stringify(facts, (key, value: unknown) => (key === "line" ? undefined : value));
  const dynamicLines = [...facts.classes, ...facts.modules].flatMap((scope) => scope.associations.filter((a) => a.dynamic).map((a) => a.line));
  // What a file extends or instantiates decides whose method bodies count in every other file (staleness/declared.ts).
  const reach = declarations ? [declarations.extends, declarations.instantiates] : null;
  return sha256(JSON.stringify([withoutLines, dynamicLines, reach]));
}

function summarize(schema: ParsedSchema, { cascade, fingerprint }: Config): SchemaSummary {
  return {
    version: schema.version,
    preamble: sha256(schema.preamble),
    blocks: Object.fromEntries(schema.tables.map((t) => [t.name, blockComponent(t, fingerprint)])),
    enums: Object.fromEntries(Object.entries(schema.enums).map(([name, source]) => [name, sha256(source)])),
    structure: sha256(JSON.stringify(schema.tables.map((t) => [t.name, t.enumTypes, cascade === "foreign-keys" ? [t.foreignKeys, t.idColumns] : null]))),
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
