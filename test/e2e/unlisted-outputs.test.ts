import { describe, expect, it } from "vitest";
import { exampleRepo } from "../helpers/repo.js";
import { lockOf, lockText } from "../helpers/lock-file.js";

/** A file the generator writes that no outputs pattern names: warned about, and adopted once the user names it. */

const EXTRA = { ZERO_EXAMPLE_EXTRA_FILE: "1" };
const NAMES = "frontend/src/lib/models/model-names.ts";

describe("files the generator writes that no pattern names", () => {
  it("warns once per file with the line to add, and a file added to outputs.shared is adopted without regenerating anything", () => {
    const repo = exampleRepo();
    const plain = repo.zc(["generate", "--all"]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain("no `outputs` pattern names");

    const first = repo.zc(["generate", "--all", "--json"], { env: EXTRA });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).unlisted).toEqual([NAMES]);
    const warnings = first.stderr.split("\n").filter((l) => l.includes("no `outputs` pattern names"));
    expect(warnings).toEqual([
      `zero-models: the generator wrote ${NAMES}, which no \`outputs\` pattern names, so zero-models neither checks, stores nor restores it. ` +
        `If it lists every table, add it to the config's outputs.shared: "${NAMES}" (a file per table: its pattern to outputs.perTable).`,
    ]);
    repo.commitAll("generated");

    // Written again unchanged: nothing new to say.
    repo.edit("db/schema.rb", (s) => s.replace('create_table "cacti", force: :cascade do |t|\n', 'create_table "cacti", force: :cascade do |t|\n    t.string "zone"\n'));
    const again = repo.zc(["generate"], { env: EXTRA });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain("no `outputs` pattern names");
    repo.commitAll("zone");

    repo.edit(".zeromodelsrc.json", (s) => s.replace('"frontend/src/lib/models/loggable-models.ts"]', `"frontend/src/lib/models/loggable-models.ts", "${NAMES}"]`));
    const check = repo.zc(["check"]);
    expect(check.stdout + check.stderr).not.toContain("edited by hand");
    expect(check.code).toBe(0);
    const adopt = JSON.parse(repo.zc(["generate", "--json"], { env: EXTRA }).stdout);
    expect(adopt).toMatchObject({ ok: true, runs: [], regenerated: [], cached: 11, unlisted: [] });
    const lock = lockOf(repo.read("zero-models.lock"));
    expect(Object.keys(lock.shared)).toContain(NAMES);
    expect(lock.shared[NAMES]).toMatch(/^[0-9a-f]{64}$/);
    // From now on it is checked like any generated file.
    repo.write(NAMES, "// edited\n");
    const edited = repo.zc(["check"]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(`generated file edited by hand: ${NAMES}`);
  });
});
