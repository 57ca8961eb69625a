import { describe, expect, it } from "vitest";
import { exampleRepo } from "../helpers/repo.js";

describe("bad input: one clear message, exit 2, nothing written", () => {
  it("a config with an unknown key names the file and suggests the key", () => {
    const repo = exampleRepo({ config: (c) => ({ ...c, cascde: "none" }) });
    const before = repo.tree("", true);
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(".zeromodelsrc.json: invalid config");
    expect(r.stderr).toContain("unknown key `cascde`: did you mean `cascade`?");
    expect(repo.tree("", true)).toEqual(before);
  });

  it("a missing schema says which file and what to do", () => {
    const repo = exampleRepo();
    repo.remove("db/schema.rb");
    const r = repo.zc(["check"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("db/schema.rb: schema file not found");
    expect(r.stderr).toContain("db:schema:dump");
  });

  it("a model that does not parse names the file and line", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.zc(["check"]); // settles the caches (the config is cached once cacheDir exists)
    const before = repo.tree("", true);
    repo.edit("app/models/tag.rb", (s) => s.replace(/\nend\s*$/, "\n  def broken(\nend\n"));
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/app\/models\/tag\.rb:\d+: Ruby syntax error/);
    const after = repo.tree("", true);
    after.set("app/models/tag.rb", before.get("app/models/tag.rb")!);
    expect(after).toEqual(before);
  });

  it("a schema with merge conflict markers is a syntax error with its line", () => {
    const repo = exampleRepo();
    repo.edit("db/schema.rb", (s) => s.replace('  create_table "tags"', '<<<<<<< HEAD\n  create_table "tags"'));
    const r = repo.zc(["check"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/db\/schema\.rb:\d+: Ruby syntax error/);
  });

  it("a non-UTF-8 model file is refused by name", () => {
    const repo = exampleRepo();
    repo.write("app/models/latin.rb", Buffer.from([0x23, 0x20, 0xe9, 0x0a]));
    const r = repo.zc(["check"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("app/models/latin.rb: not valid UTF-8");
  });

  it("outside a git repository says so", () => {
    const repo = exampleRepo({ commit: false });
    repo.remove(".git");
    const r = repo.zc(["check"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not inside a git repository");
  });

  it("--json reports errors as JSON on stdout", () => {
    const repo = exampleRepo();
    repo.remove("db/schema.rb");
    const r = repo.zc(["check", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { exitCode: 2, file: "db/schema.rb" } });
  });

  it("a deleted (still tracked) inflections file or model is simply absent", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.remove("config/initializers/inflections.rb");
    repo.remove("app/models/tag.rb");
    const r = repo.zc(["check", "--json"]);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body.stale.find((t: { table: string }) => t.table === "tags").reasons[0].components).toContain("global inflections");
    expect(body.stale.find((t: { table: string }) => t.table === "tags").reasons[0].components).toContain("model app/models/tag.rb");
  });

  it("reads CRLF sources the same as LF ones", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    for (const file of ["db/schema.rb", "app/models/person.rb"]) repo.edit(file, (s) => s.replace(/\n/g, "\r\n"));
    const r = repo.zc(["check", "--json"]);
    expect(JSON.parse(r.stdout).stale.flatMap((t: { reasons: Array<{ components?: string[] }> }) => t.reasons.flatMap((x) => x.components ?? []))).not.toContain("schema people");
  });
});

describe("lock file trust", () => {
  it("a corrupt lock makes every table stale with a warning, and generate rebuilds it", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.write("zero-models.lock", repo.read("zero-models.lock").slice(0, 200));
    const r = repo.zc(["check"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("zero-models.lock cannot be trusted");
    expect(r.stdout).toContain("11 of 11 tables stale");
    expect(repo.zc(["generate"]).code).toBe(0);
    expect(repo.zc(["check"]).code).toBe(0);
  });

  it("a lock from an unknown future version is not trusted", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit("zero-models.lock", (s) => s.replace('"version": 2', '"version": 99'));
    const r = repo.zc(["check"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown lock version 99");
  });
});

describe("migrations", () => {
  it("a migration newer than schema.rb marks its tables stale with the db:migrate hint", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.write("db/migrate/20990101000000_add_nickname_to_people.rb", 'class AddNicknameToPeople < ActiveRecord::Migration[8.0]\n  def change\n    add_column :people, :nickname, :string\n  end\nend\n');
    const r = repo.zc(["check", "--json"]);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body.pendingMigrations).toEqual(["db/migrate/20990101000000_add_nickname_to_people.rb"]);
    expect(body.stale.map((t: { table: string }) => t.table)).toEqual(["people"]);
    expect(body.stale[0].reasons[0].message).toContain("run bin/rails db:migrate");
  });

  it("runs beforeGenerate when a matching input changed, then regenerates what it changed", () => {
    const repo = exampleRepo({
      config: (c) => ({ ...c, beforeGenerate: [{ run: ["node", "-e", "const f=require('fs');f.writeFileSync('db/schema.rb', f.readFileSync('db/schema.rb','utf8').replace('2024_05_20_094500','2024_06_01_000000').replace('create_table \"tags\", force: :cascade do |t|\\n','create_table \"tags\", force: :cascade do |t|\\n    t.string \"slug\"\\n'))"], when: "db/migrate/*_add_slug_to_tags.rb" }] }),
    });
    repo.zc(["generate"]);
    repo.write("db/migrate/20240601000000_add_slug_to_tags.rb", "class AddSlugToTags < ActiveRecord::Migration[8.0]\n  def change\n    add_column :tags, :slug, :string\n  end\nend\n");
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("zero-models: running node -e");
    expect(r.stdout).toContain("changed: db/migrate/20240601000000_add_slug_to_tags.rb");
    expect(r.stdout).toMatch(/\[REGEN\] Tag \(schema changed: \+ column slug\)/);
    expect(repo.read("frontend/src/lib/models/types/tag-data.ts")).toContain("slug");
  });
});

describe("generator failure", () => {
  it("exits 1 with the tail of its output and leaves the lock untouched for its tables", () => {
    const boom = ["node", "-e", "console.error('boom: database is down'); process.exit(3)"];
    const repo = exampleRepo({ config: (c) => ({ ...c, generator: { ...(c.generator as object), table: [...boom, "{table}"], exclude: [...boom, "{excluded}"] } }) });
    repo.zc(["generate"]);
    const lockBefore = repo.read("zero-models.lock");
    repo.edit("db/schema.rb", (s) => s.replace('t.string "species", null: false', 't.string "species", null: true'));
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("exited with code 3");
    expect(r.stderr).toContain("boom: database is down");
    expect(r.stdout).toContain("[FAILED] Cactus");
    expect(repo.read("zero-models.lock")).toBe(lockBefore);
    expect(repo.zc(["check"]).code).toBe(1);
  });

  it("a generator that cannot start is named", () => {
    const repo = exampleRepo({ config: (c) => ({ ...c, generator: { all: ["bin/no-such-generator"] } }) });
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot start bin/no-such-generator");
  });
});
