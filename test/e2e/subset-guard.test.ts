import { describe, expect, it } from "vitest";
import { fullRegeneration } from "../helpers/oracle.js";
import { exampleRepo, type Repo } from "../helpers/repo.js";

/**
 * The guard on subset runs: a `generator.table` command that exits 0 without
 * writing anything (as zero:active_models' --table path may) must not let the
 * old files be recorded as the new fingerprint's.
 */

const NOOP = { ZERO_EXAMPLE_TABLE_NOOP: "1" };
const CACTUS = "frontend/src/lib/models/cactus.ts";

/** A generated repo in which only `cacti` is stale (a schema column: cacti has no neighbours), so one `--table` run is chosen. */
function oneStaleTable(): Repo {
  const repo = exampleRepo();
  expect(repo.zc(["generate", "--all", "--quiet"]).code).toBe(0);
  repo.commitAll("generated");
  repo.edit("db/schema.rb", (s) => s.replace('create_table "cacti", force: :cascade do |t|\n', 'create_table "cacti", force: :cascade do |t|\n    t.string "zone"\n'));
  return repo;
}

describe("the guard on subset runs", () => {
  it("a --table run that writes nothing fails the run, naming the adapter, with files and lock as they were", () => {
    const repo = oneStaleTable();
    const before = repo.tree();

    const r = repo.zc(["generate"], { env: NOOP });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("[FAILED] Cactus");
    expect(r.stderr).toContain("`generator.table` (bin/rails generate zero:active_models --table=cacti) exited 0 but did not write");
    expect(r.stderr).toContain(`${CACTUS}, frontend/src/lib/models/reactive-cactus.ts, frontend/src/lib/models/types/cactus-data.ts (cacti)`);
    expect(r.stderr).toContain("npx zero-models verify --adapters");
    // Nothing moved, nothing recorded: the old files are back, the lock is the committed one.
    expect(repo.tree()).toEqual(before);
    expect(repo.git("status", "--porcelain")).toBe(" M db/schema.rb\n");
    expect(repo.exists("tmp/zero-models/subset-guard")).toBe(false);
    const check = repo.zc(["check"]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("cacti (Cactus): schema changed: + column zone");

    const json = JSON.parse(repo.zc(["generate", "--json"], { env: NOOP }).stdout);
    expect(json.ok).toBe(false);
    expect(json.failed).toEqual([
      expect.objectContaining({ tables: ["cacti"], exitCode: 0, adapter: "generator.table", unwritten: { cacti: [CACTUS, "frontend/src/lib/models/reactive-cactus.ts", "frontend/src/lib/models/types/cactus-data.ts"] } }),
    ]);

    // A generator that does its job (and, like Rails, writes only files that changed) passes the guard.
    const fixed = repo.zc(["generate", "--json"]);
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout).runs).toEqual([expect.objectContaining({ kind: "table", tables: ["cacti"] })]);
    expect(repo.read("frontend/src/lib/models/types/cactus-data.ts")).toContain("zone");
    expect(repo.zc(["check"]).code).toBe(0);
    expect(repo.tree("frontend")).toEqual(fullRegeneration(repo));
  });

  it("files moved aside by a run that was killed are put back by the next run; a record naming other places is ignored", () => {
    const repo = oneStaleTable();
    const cactus = repo.read(CACTUS);
    // What a kill during the --table run leaves: the record, and the table's file under the cache folder.
    repo.write("tmp/zero-models/subset-guard/record.json", JSON.stringify({ files: [CACTUS, "../victim.txt", "db/schema.rb"] }));
    repo.write(`tmp/zero-models/subset-guard/files/${CACTUS}`, cactus);
    repo.remove(CACTUS);
    repo.write("tmp/zero-models/subset-guard/files/db/schema.rb", "planted");

    const dry = repo.zc(["generate", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(repo.exists(CACTUS)).toBe(false); // a dry run changes nothing

    const r = repo.zc(["generate"], { env: NOOP });
    expect(r.stderr).toContain("put back 1 generated file(s) moved aside by an earlier run that was interrupted");
    // The put-back file is the old one, so the broken adapter is still caught, and the old file stays.
    expect(r.code).toBe(1);
    expect(repo.read(CACTUS)).toBe(cactus);
    expect(repo.read("db/schema.rb")).toContain('t.string "zone"');
    expect(repo.exists("tmp/zero-models/subset-guard")).toBe(false);
  });
});
