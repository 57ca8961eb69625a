import { describe, expect, it } from "vitest";
import { fullRegeneration } from "../helpers/oracle.js";
import { exampleRepo } from "../helpers/repo.js";
import { sha256 } from "../../src/common/hash.js";
import { lockOf, lockText } from "../helpers/lock-file.js";

/** `zero-models verify`: a full run compared with the incremental state, and `--adapters`: each subset command compared with it. */

const CACTUS = "frontend/src/lib/models/cactus.ts";
const INDEX = "frontend/src/lib/models/index.ts";
const TIMESTAMP = { ZERO_EXAMPLE_TIMESTAMP: "1" };

describe("zero-models verify", () => {
  it("exits 0 on a consistent tree, with the timestamp line masked by verify.ignoreLines; without the mask it names the shared file", () => {
    const repo = exampleRepo({ config: (c) => ({ ...c, verify: { ignoreLines: ["^// Auto-generated: "] } }) });
    expect(repo.zc(["generate", "--all", "--quiet"], { env: TIMESTAMP }).code).toBe(0);
    const ok = repo.zc(["verify"], { env: TIMESTAMP });
    expect(ok.stderr).not.toContain("differ");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("zero-models verify: all 35 generated files match a full run.");

    repo.edit(".zeromodelsrc.json", (s) => s.replace('"^// Auto-generated: "', '"^// never matches"'));
    const unmasked = repo.zc(["verify"], { env: TIMESTAMP });
    expect(unmasked.code).toBe(1);
    expect(unmasked.stderr).toContain(`a false cache hit: the shared file ${INDEX} was recorded fresh but a full run writes something else`);

    repo.edit(".zeromodelsrc.json", (s) => s.replace('"ignoreLines": [\n      "^// never matches"\n    ]', `"ignore": ["${INDEX}"]`));
    const ignored = repo.zc(["verify"], { env: TIMESTAMP });
    expect(ignored.code).toBe(0);
    expect(ignored.stdout).toContain("all 34 generated files match a full run (1 not compared: verify.ignore)");
  }, 120_000);

  it("names the table whose output was edited and recorded in the lock, and leaves the full run's files and a lock recording them", () => {
    const repo = exampleRepo();
    expect(repo.zc(["generate", "--all", "--quiet"]).code).toBe(0);
    // A false cache hit as a broken adapter leaves it: a wrong file that the lock vouches for.
    repo.edit(CACTUS, (s) => `${s}export const wrong = 1;\n`);
    const lock = lockOf(repo.read("zero-models.lock"));
    lock.tables.cacti!.outputs[CACTUS] = sha256(Buffer.from(repo.read(CACTUS)));
    repo.write("zero-models.lock", lockText(lock));
    expect(repo.zc(["check"]).code).toBe(0); // nothing else could have seen it

    const r = repo.zc(["verify", "--json"]);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({ schemaVersion: 1, ok: false, run: ["bin/rails", "generate", "zero:active_models"], compared: 35, ignored: [], adapters: [] });
    expect(body.differences).toEqual([{ table: "cacti", model: "Cactus", file: CACTUS, kind: "false-hit" }]);

    expect(repo.zc(["verify"]).code).toBe(0); // the first verify repaired it
    repo.edit(CACTUS, (s) => `${s}export const wrong = 2;\n`);
    const lock2 = lockOf(repo.read("zero-models.lock"));
    lock2.tables.cacti!.outputs[CACTUS] = sha256(Buffer.from(repo.read(CACTUS)));
    repo.write("zero-models.lock", lockText(lock2));
    const again = repo.zc(["verify"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a false cache hit: \`cacti\` was recorded fresh but a full run writes something else: ${CACTUS}`);
    expect(repo.tree("frontend")).toEqual(fullRegeneration(repo));
    expect(repo.zc(["check"]).code).toBe(0);
  }, 120_000);

  // jobs includes a concern (Notable), clients is its neighbour: the sample.
  it("--adapters names a --table command that writes nothing and the config line to remove, then puts the full run's files back", () => {
    const repo = exampleRepo();
    expect(repo.zc(["generate", "--all", "--quiet"]).code).toBe(0);
    const good = JSON.parse(repo.zc(["verify", "--adapters", "--json"]).stdout);
    expect(good.ok).toBe(true);
    expect(good.adapters).toEqual([
      { adapter: "generator.table", ok: true, runs: [{ argv: ["bin/rails", "generate", "zero:active_models", "--table=jobs"], tables: ["jobs"] }, { argv: ["bin/rails", "generate", "zero:active_models", "--table=clients"], tables: ["clients"] }], files: expect.any(Object), problems: [], failed: null },
      expect.objectContaining({ adapter: "generator.exclude", ok: true, runs: [expect.objectContaining({ tables: ["jobs", "clients"] })] }),
    ]);

    const r = repo.zc(["verify", "--adapters"], { env: { ZERO_EXAMPLE_TABLE_NOOP: "1" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("zero-models verify: `generator.table` wrote nothing for `jobs`, `clients`: remove it from the config, and the exclude run is used.");
    expect(r.stdout).toContain("zero-models verify: `generator.exclude` writes what a full run writes for `jobs`, `clients`.");
    expect(r.stdout).toContain("all 35 generated files match a full run");
    expect(repo.tree("frontend")).toEqual(fullRegeneration(repo));
    expect(repo.zc(["check"]).code).toBe(0);
    expect(repo.exists("tmp/zero-models/subset-guard")).toBe(false);
  }, 150_000);
});
