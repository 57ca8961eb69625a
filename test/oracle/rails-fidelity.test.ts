import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAppModel } from "../../src/rails/app-model.js";
import { UNKNOWN, type TableName } from "../../src/rails/active-record.js";
import { parseInflections } from "../../src/ruby/inflections.js";
import { createInflector } from "../../src/ruby/inflector.js";
import { parseModelFile } from "../../src/ruby/models.js";
import type { RubyFileFacts } from "../../src/ruby/types.js";
import { EXAMPLE } from "../helpers/repo.js";
import { writeZooApp } from "./zoo-app.js";
import { oracleWords } from "./words.js";

/**
 * The tool's Rails answers against ActiveRecord's own (see README, "Rails
 * fidelity"): every word of the word list through every rule set, and every
 * model class of the scratch apps (table_name, abstract_class?, and each
 * association's class, table and join table). Skipped, saying why, where Ruby
 * or the gems are missing; .ci/run installs them.
 */

const SCRIPT = fileURLToPath(new URL("./activerecord.rb", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../fixtures/oracle/", import.meta.url));
const INFLECTIONS = "config/initializers/inflections.rb";
const run = promisify(execFile);

/** ActiveRecord's version, or why the oracle cannot run here. */
function findOracle(): { version: string } | { missing: string } {
  const probe = spawnSync("ruby", ["-e", 'require "active_record"; require "zeitwerk"; print ActiveRecord::VERSION::STRING'], { encoding: "utf8" });
  if (probe.error) return { missing: "ruby is not installed (apt-get install ruby ruby-activerecord ruby-zeitwerk)" };
  if (probe.status !== 0) return { missing: `ruby cannot load active_record and zeitwerk (apt-get install ruby-activerecord ruby-zeitwerk): ${probe.stderr.trim().split("\n")[0]}` };
  return { version: probe.stdout };
}

const oracle = findOracle();
const skip = "missing" in oracle ? `skipped: ${oracle.missing}` : null;

async function ruby(...args: string[]): Promise<unknown> {
  const { stdout } = await run("ruby", [SCRIPT, ...args], { maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
  return JSON.parse(stdout);
}

const scratch = mkdtempSync(path.join(tmpdir(), "zero-models-rails-oracle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------------------
// The inflector

type Method = "pluralize" | "singularize" | "camelize" | "underscore" | "classify" | "tableize";
const METHODS: Method[] = ["pluralize", "singularize", "camelize", "underscore", "classify", "tableize"];
type Answer = string | { error: string };

/** Rule sets: none, the example app's, and each file of test/fixtures/oracle/inflections. */
function ruleSets(): Array<{ name: string; file: string | null }> {
  const dir = path.join(FIXTURES, "inflections");
  return [
    { name: "default", file: null },
    { name: "examples/rails-app", file: path.join(EXAMPLE, INFLECTIONS) },
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".rb"))
      .sort()
      .map((f) => ({ name: f, file: path.join(dir, f) })),
  ];
}

async function inflectorDisagreements(words: string[], sets: Array<{ name: string; file: string | null }>): Promise<string[]> {
  const request = path.join(scratch, "inflect.json");
  writeFileSync(request, JSON.stringify({ words, ruleSets: sets }));
  const answers = (await ruby("inflect", request)) as Record<string, Record<Method, Answer[]> | { error: string }>;
  const out: string[] = [];
  for (const set of sets) {
    const theirs = answers[set.name]!;
    if ("error" in theirs) {
      out.push(`${set.name}: ActiveSupport could not load it: ${String(theirs.error)}`);
      continue;
    }
    const rules = set.file ? await parseInflections(readFileSync(set.file, "utf8"), INFLECTIONS) : [];
    const ours = createInflector(rules);
    for (const method of METHODS) {
      words.forEach((word, i) => {
        const expected = theirs[method][i]!;
        const actual = ours[method](word);
        if (typeof expected !== "string") out.push(`${set.name}: ${method}(${JSON.stringify(word)}): ActiveSupport raised ${expected.error}, the tool says ${JSON.stringify(actual)}`);
        else if (actual !== expected) out.push(`${set.name}: ${method}(${JSON.stringify(word)}): ActiveSupport ${JSON.stringify(expected)}, the tool ${JSON.stringify(actual)}`);
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Model classes

interface TheirAssociation {
  kind: string;
  class: string | null | { error: string };
  table: string | null | { error: string };
  joinTable?: string | { error: string };
}
interface TheirClass {
  abstract: boolean;
  table: string | null | { error: string };
  associations: Record<string, TheirAssociation>;
}

/** Scratch apps: each folder of test/fixtures/oracle/apps, the example app, and the generated zoo. */
function apps(): Array<{ name: string; dir: string }> {
  const dir = path.join(FIXTURES, "apps");
  const zoo = path.join(scratch, "zoo");
  writeZooApp(zoo);
  return [
    ...readdirSync(dir)
      .sort()
      .map((name) => ({ name, dir: path.join(dir, name) })),
    { name: "examples/rails-app", dir: EXAMPLE },
    { name: "zoo (generated)", dir: zoo },
  ];
}

function rubyFiles(root: string, dir = "app/models"): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? rubyFiles(root, `${dir}/${e.name}`) : e.name.endsWith(".rb") ? [`${dir}/${e.name}`] : [],
  );
}

/** The tool's answers for an app, in the oracle's terms. */
async function toolClasses(dir: string): Promise<Map<string, TheirClass>> {
  const sources = new Map<string, RubyFileFacts>();
  for (const file of rubyFiles(dir)) sources.set(file, await parseModelFile(readFileSync(path.join(dir, file), "utf8"), file));
  const inflections = path.join(dir, INFLECTIONS);
  const rules = existsSync(inflections) ? await parseInflections(readFileSync(inflections, "utf8"), INFLECTIONS) : [];
  const app = buildAppModel({ version: null, tables: [], enums: {}, preamble: "" }, sources, createInflector(rules), "associations");
  const table = (t: TableName) => (t === UNKNOWN ? COMPUTED : t);
  const out = new Map<string, TheirClass>();
  for (const [name, c] of app.classes) {
    const associations: Record<string, TheirAssociation> = {};
    for (const [assoc, a] of c.associations) {
      const polymorphic = a.reflection.association.polymorphic;
      associations[assoc] = {
        kind: a.kind,
        class: polymorphic ? null : (a.className ?? ERROR),
        table: polymorphic ? null : (table(a.table) ?? ERROR),
        ...(a.kind === "has_and_belongs_to_many" ? { joinTable: table(a.joinTable) ?? ERROR } : {}),
      };
    }
    out.set(name, { abstract: c.abstract, table: c.table === null && !c.abstract ? ERROR : table(c.table), associations });
  }
  return out;
}

const ERROR = "(error)";
/** The tool's answer where Ruby computes a name at run time: not a disagreement, the conservative fallback. */
const COMPUTED = "(computed at run time)";
const plain = (value: unknown): unknown => (value !== null && typeof value === "object" && "error" in value ? ERROR : value);

function classDisagreements(app: string, theirs: Record<string, TheirClass>, ours: Map<string, TheirClass>): { lines: string[]; associations: number; computed: number } {
  const lines: string[] = [];
  let associations = 0;
  let computed = 0;
  const differ = (theirs: unknown, ours: unknown) => {
    if (ours === COMPUTED && typeof plain(theirs) === "string") computed++;
    return ours !== COMPUTED && plain(theirs) !== ours;
  };
  for (const name of new Set([...Object.keys(theirs), ...ours.keys()])) {
    const [t, o] = [theirs[name], ours.get(name)];
    if (!t || !o) {
      lines.push(`${app}: ${name}: ${t ? "the tool does not see this model" : "ActiveRecord has no such model"}`);
      continue;
    }
    if (t.abstract !== o.abstract) lines.push(`${app}: ${name}.abstract_class?: ActiveRecord ${t.abstract}, the tool ${o.abstract}`);
    if (differ(t.table, o.table)) lines.push(`${app}: ${name}.table_name: ActiveRecord ${JSON.stringify(plain(t.table))}, the tool ${JSON.stringify(o.table)}`);
    for (const assoc of new Set([...Object.keys(t.associations), ...Object.keys(o.associations)])) {
      associations++;
      const [ta, oa] = [t.associations[assoc], o.associations[assoc]];
      if (!ta || !oa) {
        lines.push(`${app}: ${name} :${assoc}: only ${ta ? "ActiveRecord" : "the tool"} has this association`);
        continue;
      }
      for (const key of ["kind", "class", "table", "joinTable"] as const) {
        if (differ(ta[key], oa[key])) lines.push(`${app}: ${name} ${ta.kind} :${assoc} ${key}: ActiveRecord ${JSON.stringify(plain(ta[key]))}, the tool ${JSON.stringify(oa[key])}`);
      }
    }
  }
  return { lines, associations, computed };
}

describe(`the tool's Rails answers against ActiveRecord ${"version" in oracle ? oracle.version : "(not installed)"}`, () => {
  // A skipped oracle is a gap in what the suite proves: say so where the run's output shows it.
  beforeAll(() => {
    if (skip) console.warn(`Rails oracle ${skip}`);
  });

  it("inflects every word with every rule set as ActiveSupport does", async (ctx) => {
    if (skip) ctx.skip(skip);
    const words = oracleWords();
    const sets = ruleSets();
    expect(words.length).toBeGreaterThanOrEqual(2000);
    expect(sets.length).toBeGreaterThanOrEqual(10);
    const disagreements = await inflectorDisagreements(words, sets);
    console.log(`oracle: ${words.length} words x ${sets.length} rule sets x ${METHODS.length} methods, ${disagreements.length} disagreements`);
    expect(disagreements.slice(0, 50)).toEqual([]);
  });

  it("gives every model class of the scratch apps ActiveRecord's table, abstractness and association targets", async (ctx) => {
    if (skip) ctx.skip(skip);
    const list = apps();
    const answers = (await ruby("models", ...list.map((a) => a.dir))) as Record<string, Record<string, TheirClass> | { error: string }>;
    const results = [];
    for (const { name, dir } of list) {
      const theirs = answers[dir]!;
      if ("error" in theirs && typeof theirs.error === "string") throw new Error(`${name}: ActiveRecord could not load it: ${theirs.error}`);
      const classes = theirs as Record<string, TheirClass>;
      results.push({ name, classes: Object.keys(classes).length, ...classDisagreements(name, classes, await toolClasses(dir)) });
    }
    const classes = results.reduce((n, r) => n + r.classes, 0);
    const associations = results.reduce((n, r) => n + r.associations, 0);
    const computed = results.reduce((n, r) => n + r.computed, 0);
    const disagreements = results.flatMap((r) => r.lines);
    console.log(
      `oracle: ${results.length} apps, ${classes} classes, ${associations} associations, ${disagreements.length} disagreements, ${computed} names computed at run time (the tool counts them for every table)`,
    );
    expect(computed).toBeGreaterThan(0);
    expect(classes).toBeGreaterThanOrEqual(100);
    expect(disagreements).toEqual([]);
  });
});
