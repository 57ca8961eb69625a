import { describe, expect, it } from "vitest";
import { fullRegeneration } from "../helpers/oracle.js";
import { visibleEdit } from "../helpers/edits.js";
import { exampleRepo, type Repo } from "../helpers/repo.js";

const PEOPLE_NEIGHBOURS = ["admin_audit_logs", "job_assignments", "jobs", "notes"];
const ALL_TABLES = ["activity_events", "admin_audit_logs", "cacti", "clients", "equipment", "job_assignments", "jobs", "notes", "people", "taggings", "tags"];

function json(repo: Repo, args: string[]) {
  const r = repo.zc([...args, "--json"]);
  return { code: r.code, stderr: r.stderr, body: JSON.parse(r.stdout) };
}

function addColumn(repo: Repo, table: string, line: string) {
  repo.edit("db/schema.rb", (s) => s.replace(`create_table "${table}", force: :cascade do |t|\n`, `create_table "${table}", force: :cascade do |t|\n    ${line}\n`));
}

describe("generate and check on the example app", () => {
  it("regenerates only the changed table and its neighbours, matching a full regeneration byte for byte", () => {
    const repo = exampleRepo();
    expect(repo.zc(["check"]).code).toBe(1); // nothing generated yet

    const first = json(repo, ["generate", "--all"]);
    expect(first.code).toBe(0);
    expect(first.body.runs).toEqual([{ kind: "all", argv: ["bin/rails", "generate", "zero:active_models"], tables: ALL_TABLES }]);
    expect(repo.exists("zero-models.lock")).toBe(true);
    const check = repo.zc(["check"]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("all 11 tables fresh");

    addColumn(repo, "people", 't.datetime "due_at"');
    const stale = repo.zc(["check"]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/^ {2}people \(Person\): schema changed: \+ column due_at$/m);
    // The neighbours share one reason, so one line.
    expect(stale.stdout).toMatch(/^ {2}4 tables \(admin_audit_logs, job_assignments, jobs, notes\): neighbour schema people changed: \+ column due_at$/m);
    expect(stale.stdout).toContain("Fix: npx zero-models generate");
    const staleJson = json(repo, ["check"]);
    expect(staleJson.body.stale.map((t: { table: string }) => t.table)).toEqual(["people", ...PEOPLE_NEIGHBOURS].sort());
    expect(staleJson.body.stale.find((t: { table: string }) => t.table === "people").reasons).toEqual([
      { kind: "component", message: "schema changed: + column due_at", components: ["schema people"], changes: { "schema people": ["+ column due_at"] } },
    ]);

    const incremental = json(repo, ["generate"]);
    expect(incremental.code).toBe(0);
    expect(incremental.body.runs).toHaveLength(1);
    expect(incremental.body.runs[0].tables).toEqual(["people", ...PEOPLE_NEIGHBOURS].sort());
    expect(incremental.body.runs[0].argv.slice(0, 4)).toEqual(["bin/rails", "generate", "zero:active_models", "--exclude-tables"]);
    expect(incremental.body.runs[0].argv.slice(4).sort()).toEqual(ALL_TABLES.filter((t) => !["people", ...PEOPLE_NEIGHBOURS].includes(t)));
    expect(incremental.body.cached).toBe(ALL_TABLES.length - 5);
    // The generator's share of the run, so zero-models' own cost can be told apart.
    expect(incremental.body.generatorMs).toBeGreaterThan(0);
    expect(incremental.body.generatorMs).toBeLessThanOrEqual(incremental.body.ms);
    expect(repo.read("frontend/src/lib/models/types/person-data.ts")).toContain("due_at: number | null");

    expect(repo.zc(["check"]).code).toBe(0);
    expect(repo.tree("frontend")).toEqual(fullRegeneration(repo));
  });

  it("does not run the generator when nothing is stale", () => {
    const repo = exampleRepo();
    expect(repo.zc(["generate"]).code).toBe(0);
    const again = repo.zc(["generate"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("all 11 tables fresh; the generator did not run");
    expect(again.stdout).not.toContain("running bin/rails");
    expect(json(repo, ["generate"]).body).toMatchObject({ runs: [], generatorMs: 0 });
  });

  it("prints a summary with regenerated and cached tables, files written and the hit ratio", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    addColumn(repo, "cacti", 't.string "colour"');
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[REGEN\] Cactus \(schema changed: \+ column colour\)$/m);
    expect(r.stdout).toMatch(/^\[CACHED\] 10 tables \(activity_events, admin_audit_logs, clients and 7 more\)$/m);
    expect(r.stdout).toMatch(/zero-models: 1 regenerated, 10 cached, 1 file\(s\) written, [\d.]+s, cache hit 91%/);
  });

  it("follows a concern to exactly the models that include it when cascade is none", () => {
    const repo = exampleRepo({ config: (c) => ({ ...c, cascade: "none" }) });
    repo.zc(["generate"]);
    repo.edit("app/models/concerns/notable.rb", (s) => visibleEdit(s));
    const body = json(repo, ["check"]).body;
    expect(body.stale.map((t: { table: string }) => t.table)).toEqual(["jobs", "people"]);
    expect(body.stale[0].reasons[0].components).toEqual(["model app/models/concerns/notable.rb"]);
  });

  it("marks a polymorphic target stale when a model adds `as:` for it", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit("app/models/client.rb", (s) => s.replace(/^class Client < ApplicationRecord\n/m, "class Client < ApplicationRecord\n  has_many :notes, as: :notable\n"));
    const body = json(repo, ["check"]).body;
    const stale = body.stale.map((t: { table: string }) => t.table);
    expect(stale).toContain("clients");
    const notes = body.stale.find((t: { table: string }) => t.table === "notes");
    expect(notes.reasons[0].components).toEqual(["neighbour model app/models/client.rb", "neighbour schema clients"]);
    expect(repo.zc(["generate"]).code).toBe(0);
    expect(repo.read("frontend/src/lib/models/note.ts")).toContain("Client");
    expect(repo.tree("frontend")).toEqual(fullRegeneration(repo));
  });

  it("invalidates every table when a template changes", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit("lib/generators/zero/active_models/templates/reactive.ts.tpl", (s) => `// edited\n${s}`);
    const body = json(repo, ["check"]).body;
    expect(body.stale).toHaveLength(11);
    expect(body.stale[0].reasons[0].components).toEqual(["global templates"]);
    expect(json(repo, ["generate"]).body.runs[0].kind).toBe("all");
  });

  it("reports hand-edited and missing generated files, and regenerating restores them", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit("frontend/src/lib/models/tag.ts", (s) => `${s}// mine\n`);
    repo.remove("frontend/src/lib/models/reactive-client.ts");
    const r = repo.zc(["check"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("tags (Tag): generated file edited by hand: frontend/src/lib/models/tag.ts");
    expect(r.stdout).toContain("clients (Client): generated file missing: frontend/src/lib/models/reactive-client.ts");
    expect(repo.zc(["generate"]).code).toBe(0);
    expect(repo.zc(["check"]).code).toBe(0);
    expect(repo.tree("frontend")).toEqual(fullRegeneration(repo));
  });

  it("deletes the outputs of a dropped table, but keeps a hand-edited one", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit("db/schema.rb", (s) => s.replace(/ {2}create_table "cacti".*?\n {2}end\n\n/s, ""));
    repo.edit("frontend/src/lib/models/reactive-cactus.ts", (s) => `${s}// kept\n`);
    const check = repo.zc(["check"]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("cacti: table dropped or excluded");
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("deleted orphaned frontend/src/lib/models/cactus.ts");
    expect(r.stderr).toContain("kept frontend/src/lib/models/reactive-cactus.ts");
    expect(repo.exists("frontend/src/lib/models/cactus.ts")).toBe(false);
    expect(repo.exists("frontend/src/lib/models/types/cactus-data.ts")).toBe(false);
    expect(repo.exists("frontend/src/lib/models/reactive-cactus.ts")).toBe(true);
    expect(JSON.parse(repo.read("zero-models.lock")).tables.cacti).toBeUndefined();
    expect(repo.read("frontend/src/lib/models/index.ts")).not.toContain("Cactus");
    const full = fullRegeneration(repo);
    for (const shared of ["index.ts", "loggable-models.ts"]) {
      expect(repo.read(`frontend/src/lib/models/${shared}`)).toBe(full.get(`frontend/src/lib/models/${shared}`));
    }
    expect(repo.zc(["check"]).code).toBe(0);
  });

  it("treats a newly excluded table like a dropped one, without regenerating the others", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit(".zeromodelsrc.json", (s) => s.replace('"globalInputs"', '"excludeTables": ["schema_migrations", "ar_internal_metadata", "cact*"],\n  "globalInputs"'));
    const check = json(repo, ["check"]);
    expect(check.code).toBe(1);
    expect(check.body.stale).toEqual([]);
    expect(check.body.dropped).toEqual([{ table: "cacti", outputs: ["frontend/src/lib/models/cactus.ts", "frontend/src/lib/models/reactive-cactus.ts", "frontend/src/lib/models/types/cactus-data.ts"] }]);
    const r = json(repo, ["generate"]);
    expect(r.code).toBe(0);
    expect(r.body.runs).toHaveLength(1);
    expect(r.body.runs[0].tables).toHaveLength(1); // one table, to refresh the shared files
    // One table: the per-table command, not an exclude list (excluded tables reaching --exclude-tables runs: bad-input.test.ts).
    expect(r.body.runs[0].argv).toEqual(["bin/rails", "generate", "zero:active_models", `--table=${r.body.runs[0].tables[0]}`]);
    expect(repo.exists("frontend/src/lib/models/cactus.ts")).toBe(false);
    expect(JSON.parse(repo.read("zero-models.lock")).tables.cacti).toBeUndefined();
    expect(repo.zc(["check"]).code).toBe(0);
  });

  it("deletes the old files of a renamed model once its table is regenerated", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.remove("app/models/cactus.rb");
    repo.write("app/models/succulent.rb", 'class Succulent < ApplicationRecord\n  self.table_name = "cacti"\nend\n');
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("deleted orphaned frontend/src/lib/models/cactus.ts");
    expect(repo.exists("frontend/src/lib/models/succulent.ts")).toBe(true);
    expect(repo.exists("frontend/src/lib/models/types/cactus-data.ts")).toBe(false);
    expect(repo.zc(["check"]).code).toBe(0);
  });

  it("refreshes an edited shared file from the store, or with a one-table run when the store is off", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit("frontend/src/lib/models/index.ts", (s) => `${s}// mine\n`);
    const check = repo.zc(["check"]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("shared generated files stale: generated file edited by hand: frontend/src/lib/models/index.ts");
    const fromStore = json(repo, ["generate"]);
    expect(fromStore.code).toBe(0);
    expect(fromStore.body.runs).toEqual([]);
    expect(fromStore.body.sharedRestored).toBe("local");
    expect(repo.zc(["check"]).code).toBe(0);
    expect(repo.tree("frontend")).toEqual(fullRegeneration(repo));

    repo.edit(".zeromodelsrc.json", (s) => JSON.stringify({ ...JSON.parse(s), store: { maxSizeMB: 0 } }));
    repo.edit("frontend/src/lib/models/index.ts", (s) => `${s}// mine\n`);
    const r = json(repo, ["generate"]);
    expect(r.code).toBe(0);
    expect(r.body.runs).toHaveLength(1);
    expect(r.body.runs[0].tables).toHaveLength(1);
    expect(r.body.regenerated[0].reasons[0].message).toBe("regenerated to refresh the shared files");
    expect(repo.zc(["check"]).code).toBe(0);
    expect(repo.tree("frontend")).toEqual(fullRegeneration(repo));
  });

  it("--dry-run shows the runs and writes nothing", () => {
    const repo = exampleRepo();
    const before = repo.tree();
    const r = repo.zc(["generate", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("would run: bin/rails generate zero:active_models");
    expect(repo.tree()).toEqual(before);
  });
});
