import { cpSync, existsSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { visibleEdit } from "../helpers/edits.js";
import { exampleRepo, type Repo } from "../helpers/repo.js";

/**
 * `check` after a change judges only the tables a changed file reaches,
 * from the last fresh verdict of the same view (src/staleness/since-fresh.ts).
 * Its answer must be the full check's, word for word: for random sets of
 * edits (staged or not), `check` is run as a user runs it, then again with
 * the record of what the fresh verdict saw moved away, which leaves only the
 * full check, and the two outputs and exit codes must be equal.
 *
 * ZC_SINCE_FRESH_RUNS sets the number of edit sets (30 in CI).
 */
const RUNS = Number(process.env.ZC_SINCE_FRESH_RUNS ?? 30);
const USED = "since the last fresh verdict (";

const TABLES = ["cacti", "clients", "equipment", "jobs", "notes", "people", "tags", "taggings"];
const MODELS = ["cactus", "client", "equipment", "job", "note", "person", "tag", "tagging", "job_assignment", "concerns/notable"];
const OUTPUTS = ["cactus.ts", "reactive-tag.ts", "types/person-data.ts", "job.ts", "index.ts"];
const pick = <T,>(list: T[], n: number) => list[n % list.length]!;
const inBlock = (table: string, line: string) => (s: string) => s.replace(new RegExp(`(create_table "${table}"[^\\n]*\\n)`), `$1    ${line}\n`);

/** Edits, each reaching some tables; some change what the shortcut cannot take (structure, templates, the lock). */
const EDITS: Record<string, (repo: Repo, n: number) => void> = {
  "a column": (r, n) => r.edit("db/schema.rb", inBlock(pick(TABLES, n), `t.string "extra_${n}"`)),
  "an index": (r, n) => r.edit("db/schema.rb", (s) => s.replace(/(\n\s+t\.index \[[^\n]*)/, `$1\n    t.index ["id"], name: "extra_index_${n}"`)),
  "an enum value": (r, n) => r.edit("db/schema.rb", (s) => s.replace('["open", "closed"]', `["open", "closed", "value_${n}"]`)),
  "a validation": (r, n) => r.edit(`app/models/${pick(MODELS, n)}.rb`, (s) => visibleEdit(s, n)),
  "a comment": (r, n) => r.edit(`app/models/${pick(MODELS, n)}.rb`, (s) => `# note ${n}\n${s}`),
  "an association": (r, n) => r.edit(`app/models/${pick(MODELS.slice(0, 8), n)}.rb`, (s) => s.replace(/^(class [^\n]*\n)/m, `$1  has_many :notes, as: :notable\n`)),
  "a generated file edited": (r, n) => r.edit(`frontend/src/lib/models/${pick(OUTPUTS, n)}`, (s) => `${s}// edited ${n}\n`),
  "a generated file deleted": (r, n) => r.remove(`frontend/src/lib/models/${pick(OUTPUTS, n)}`),
  "a template": (r, n) => r.edit("lib/generators/zero/active_models/templates/model.ts.tpl", (s) => `// ${n}\n${s}`),
  "a new model": (r, n) => r.write(`app/models/extra${n}.rb`, `class Extra${n} < ApplicationRecord\nend\n`),
  "the lock": (r) => r.edit("zero-models.lock", (s) => s.replace(/"fingerprint":"[A-Za-z0-9_-]{4}/, '"fingerprint":"AAAA')),
};

function freshRepo(): { repo: Repo; cache: string; saved: string } {
  const repo = exampleRepo();
  expect(repo.zc(["generate"]).code).toBe(0);
  repo.commitAll("generated");
  // Full checks of both views: each records its fresh verdict and what it saw.
  expect(repo.zc(["check", "--json"]).code).toBe(0);
  expect(repo.zc(["check", "--staged", "--json"]).code).toBe(0);
  const cache = path.join(repo.dir, "tmp/zero-models");
  const saved = path.join(repo.dir, "..", `${path.basename(repo.dir)}-cache`);
  cpSync(cache, saved, { recursive: true });
  return { repo, cache, saved };
}

describe("check from the last fresh verdict", () => {
  it(`says what the full check says, for ${RUNS} random sets of edits`, async () => {
    const { repo, cache, saved } = freshRepo();
    let used = 0;
    let usedOther = 0;
    let stale = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.nat(99)), { minLength: 1, maxLength: 3, selector: ([name]) => name }), fc.boolean(), fc.boolean(), async (edits, staged, ownBase) => {
        // Back to the committed, fresh state and the cache folder of its fresh verdicts.
        repo.git("reset", "-q", "--hard");
        repo.git("clean", "-q", "-fd");
        rmSync(cache, { recursive: true, force: true });
        cpSync(saved, cache, { recursive: true });
        for (const [name, n] of edits) EDITS[name]!(repo, n);
        if (staged) repo.git("add", "-A");
        const args = staged ? ["check", "--staged"] : ["check"];
        // Without its own view's, check starts from the other view's last fresh verdict.
        const bases = ["index", "worktree"].map((view) => path.join(cache, `fresh-${view}-base.txt`));
        const own = bases[staged ? 0 : 1]!;
        if (!ownBase) rmSync(own);
        const quick = repo.zc([...args, "--debug"]);
        for (const base of bases) if (existsSync(base)) renameSync(base, `${base}.away`);
        const full = repo.zc([...args, "--debug"]);
        for (const base of bases) if (existsSync(`${base}.away`)) renameSync(`${base}.away`, base);
        const what = `${edits.map(([name, n]) => `${name} (${n})`).join(", ")}${staged ? ", staged" : ""}${ownBase ? "" : ", from the other view's verdict"}`;
        expect(full.stderr, what).not.toContain(USED);
        expect({ code: quick.code, stdout: quick.stdout }, what).toEqual({ code: full.code, stdout: full.stdout });
        if (quick.stderr.includes(USED)) used++;
        if (quick.stderr.includes(`${USED}of the ${staged ? "work tree" : "index"})`)) usedOther++;
        if (full.code === 1) stale++;
      }),
      { numRuns: RUNS, seed: Number(process.env.ZC_SINCE_FRESH_SEED ?? 20261203) },
    );
    // Not vacuous: the shortcut answered often, and not always "fresh".
    expect(used).toBeGreaterThan(RUNS / 4);
    expect(stale).toBeGreaterThan(RUNS / 4);
    expect(usedOther).toBeGreaterThan(0);
    console.log(`check from the last fresh verdict: ${RUNS} edit sets, ${used} answered by the shortcut (${usedOther} from the other view's verdict), ${stale} stale, 0 differences`);
  }, 600_000);

  it("judges only the tables a staged model reaches", () => {
    const { repo } = freshRepo();
    repo.edit("app/models/tag.rb", (s) => visibleEdit(s));
    repo.git("add", "app/models/tag.rb");
    const r = repo.zc(["check", "--staged", "--debug"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/since the last fresh verdict \(of the index\): 1 file changed, 3 of 11 tables judged/);
    expect(r.stdout).toContain("tags (Tag): model app/models/tag.rb changed");
  });

  it("judges a staged model from the work tree's last fresh verdict when the index has none", () => {
    const { repo, cache } = freshRepo();
    rmSync(path.join(cache, "fresh-index-base.txt"));
    repo.edit("app/models/tag.rb", (s) => visibleEdit(s));
    repo.git("add", "app/models/tag.rb");
    const r = repo.zc(["check", "--staged", "--debug"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/since the last fresh verdict \(of the work tree\): 1 file changed, 3 of 11 tables judged/);
    expect(r.stdout).toContain("tags (Tag): model app/models/tag.rb changed");
  });

  it("says which edited files changed no declaration, as the full check does", () => {
    const { repo } = freshRepo();
    repo.edit("app/models/person.rb", (s) => `# who works on jobs\n${s}`);
    const r = repo.zc(["check", "--debug"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(USED);
    expect(r.stderr).toContain("app/models/person.rb: only method bodies or comments changed: not an input");
  });
});
