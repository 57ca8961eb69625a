// STAND-IN for the Rails generator `bin/rails generate zero:active_models`.
//
// This is an emulation written in Node for the zero-models example app: it reads
// db/schema.rb and config/initializers/inflections.rb with small line-based
// readers and app/models/**/*.rb with Prism (warning about, and skipping, what
// it does not understand), renders the templates in ./templates and writes the
// generated TypeScript models under frontend/src/lib/models/ the way a Rails
// generator does (compare first, write only what changed, report each file).
//
//   bin/rails generate zero:active_models                       every table
//   bin/rails generate zero:active_models --table=people        one table
//   bin/rails generate zero:active_models --table people        (same)
//   bin/rails generate zero:active_models --exclude-tables a b  all but a, b
//
// ZERO_EXAMPLE_BOOT_MS=<ms> sleeps that long first, to EMULATE the time Rails
// takes to boot (for benchmarks). Nothing else is slowed down.
//
// Switches for zero-models' tests, each EMULATING a way a real generator can
// differ from what zero-models assumes (all off by default):
//   ZERO_EXAMPLE_TABLE_NOOP=1   a --table run writes nothing and exits 0 (a
//                               broken single-table path)
//   ZERO_EXAMPLE_EXTRA_FILE=1   every run also writes model-names.ts, a file
//                               the app's config does not name
//   ZERO_EXAMPLE_TIMESTAMP=1    index.ts starts with an `// Auto-generated: <time>`
//                               line that changes on every run
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import * as prettier from "prettier";

import { AppModel } from "./app_model.mjs";
import { applyInflections } from "./inflections.mjs";
import { readModels } from "./model_reader.mjs";
import { readSchema } from "./schema_reader.mjs";
import { renderTemplate } from "./template.mjs";
import { stderrWarner } from "./warnings.mjs";

const GENERATOR_DIR = dirname(fileURLToPath(import.meta.url));
const TEMPLATES_DIR = join(GENERATOR_DIR, "templates");
// lib/generators/zero/active_models -> app root (like Rails.root, found from the code, not the cwd).
export const APP_ROOT = join(GENERATOR_DIR, "..", "..", "..", "..");
const MODELS_OUT = "frontend/src/lib/models";

const EMULATION_ONLY = "this example's bin/rails only emulates `generate zero:active_models`";

export class UsageError extends Error {}

export function parseArgs(argv) {
  const [command, generator, ...rest] = argv;
  if (!["generate", "g"].includes(command) || generator !== "zero:active_models") {
    throw new UsageError(EMULATION_ONLY);
  }
  const options = { tables: [], exclude: null };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    let m;
    if ((m = /^--table=(.*)$/.exec(arg))) {
      options.tables.push(m[1]);
    } else if (arg === "--table") {
      if (i + 1 >= rest.length || rest[i + 1].startsWith("--")) throw new UsageError("--table needs a table name");
      options.tables.push(rest[++i]);
    } else if (arg === "--exclude-tables" || arg.startsWith("--exclude-tables=")) {
      options.exclude ??= [];
      const values = arg.includes("=") ? [arg.slice(arg.indexOf("=") + 1)] : [];
      while (i + 1 < rest.length && !rest[i + 1].startsWith("--")) values.push(rest[++i]);
      // Thor-style array option; also accept "a,b" and "a b" in a single argument.
      options.exclude.push(...values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean));
    } else {
      throw new UsageError(`unknown option for zero:active_models: ${arg}`);
    }
  }
  for (const t of options.tables) if (t.trim() === "") throw new UsageError("--table needs a table name");
  if (options.tables.length > 0 && options.exclude) {
    throw new UsageError("--table and --exclude-tables cannot be combined");
  }
  return options;
}

function listRubyFiles(root, dir) {
  const out = [];
  const walk = (abs) => {
    const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".rb")) out.push(p);
    }
  };
  if (existsSync(join(root, dir))) walk(join(root, dir));
  return out.map((p) => ({ path: relative(root, p).split("\\").join("/"), text: readFileSync(p, "utf8") }));
}

function loadTemplate(name) {
  return readFileSync(join(TEMPLATES_DIR, name), "utf8");
}

async function format(source, file) {
  try {
    return await prettier.format(source, { parser: "typescript" });
  } catch (error) {
    throw new Error(`rendered ${file} is not valid TypeScript: ${error.message}`);
  }
}

/** Render every output for the selected tables (plus the shared files) in memory. */
export async function renderOutputs(root, options) {
  const inflectionsPath = join(root, "config/initializers/inflections.rb");
  if (existsSync(inflectionsPath)) applyInflections(readFileSync(inflectionsPath, "utf8"));

  const schemaPath = join(root, "db/schema.rb");
  if (!existsSync(schemaPath)) throw new Error("db/schema.rb not found");
  const warn = stderrWarner();
  const schema = readSchema(readFileSync(schemaPath, "utf8"), warn);
  const app = new AppModel(schema, readModels(listRubyFiles(root, "app/models"), warn), warn);

  const allTables = [...schema.tables.keys()].sort();
  const known = new Set(allTables);
  const unknown = [...options.tables, ...(options.exclude ?? [])].filter((t) => !known.has(t));
  if (unknown.length > 0) {
    throw new Error(`unknown table${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (not in db/schema.rb)`);
  }
  let selected = allTables;
  if (options.tables.length > 0) selected = allTables.filter((t) => options.tables.includes(t));
  else if (options.exclude) selected = allTables.filter((t) => !options.exclude.includes(t));

  // Two tables must not write the same files.
  const owners = new Map();
  for (const t of allTables) {
    const { kebab } = app.namesForTable(t);
    if (owners.has(kebab)) throw new Error(`tables ${owners.get(kebab)} and ${t} would both generate ${kebab}.ts`);
    owners.set(kebab, t);
  }

  const templates = {
    model: loadTemplate("model.ts.tpl"),
    reactive: loadTemplate("reactive.ts.tpl"),
    data: loadTemplate("data.ts.tpl"),
    index: loadTemplate("index.ts.tpl"),
    loggable: loadTemplate("loggable-models.ts.tpl"),
  };

  const outputs = [];
  const emit = async (path, template, view, name) => {
    outputs.push({ path, content: await format(renderTemplate(template, view, name), path) });
  };
  for (const table of selected) {
    const view = app.tableView(table);
    await emit(`${MODELS_OUT}/${view.kebab}.ts`, templates.model, view, "model.ts.tpl");
    await emit(`${MODELS_OUT}/reactive-${view.kebab}.ts`, templates.reactive, view, "reactive.ts.tpl");
    await emit(`${MODELS_OUT}/types/${view.kebab}-data.ts`, templates.data, view, "data.ts.tpl");
  }
  const shared = app.sharedView(allTables);
  await emit(`${MODELS_OUT}/index.ts`, templates.index, shared, "index.ts.tpl");
  await emit(`${MODELS_OUT}/loggable-models.ts`, templates.loggable, shared, "loggable-models.ts.tpl");
  if (switchOn("ZERO_EXAMPLE_TIMESTAMP")) {
    const index = outputs.find((o) => o.path === `${MODELS_OUT}/index.ts`);
    index.content = `// Auto-generated: ${new Date().toISOString()}\n${index.content}`;
  }
  if (switchOn("ZERO_EXAMPLE_EXTRA_FILE")) {
    const names = shared.models.map((m) => `  ${JSON.stringify(m.table)},`).join("\n");
    outputs.push({ path: `${MODELS_OUT}/model-names.ts`, content: `// Generated by \`bin/rails generate zero:active_models\`. Do not edit.\nexport const tableNames = [\n${names}\n] as const;\n` });
  }
  if (options.tables.length > 0 && switchOn("ZERO_EXAMPLE_TABLE_NOOP")) return [];
  return outputs;
}

/** Write like a Rails generator: only files whose content differs. */
export function writeOutputs(root, outputs, log = (line) => process.stdout.write(`${line}\n`)) {
  for (const { path, content } of outputs) {
    const abs = join(root, path);
    let status = "create";
    if (existsSync(abs)) status = readFileSync(abs, "utf8") === content ? "identical" : "force";
    if (status !== "identical") {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    log(`${status.padStart(12)}  ${path}`);
  }
}

/** A test switch (see the top of this file): on when set to anything but "" or "0". */
function switchOn(name) {
  const value = process.env[name];
  return value !== undefined && value !== "" && value !== "0";
}

function bootDelayMs() {
  const raw = process.env.ZERO_EXAMPLE_BOOT_MS;
  if (raw === undefined || raw.trim() === "") return 0;
  const ms = Number.parseInt(raw, 10);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

export async function main(argv) {
  try {
    // EMULATION of Rails boot time (see README): not real work.
    const delay = bootDelayMs();
    if (delay > 0) await sleep(delay);
    const options = parseArgs(argv);
    const outputs = await renderOutputs(APP_ROOT, options);
    writeOutputs(APP_ROOT, outputs);
    return 0;
  } catch (error) {
    process.stderr.write(error instanceof UsageError ? `${error.message}\n` : `zero:active_models failed: ${error.message}\n`);
    return 1;
  }
}
