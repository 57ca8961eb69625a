import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { visibleEdit } from "../helpers/edits.js";
import { exampleRepo, PROJECT, type Repo } from "../helpers/repo.js";

/**
 * `check` answers "fresh" without a full check when nothing it watches
 * changed since its last fresh verdict (src/fresh-record.ts). Each change
 * below must get the same answer from `check` as from `check --json`, which
 * never takes that shortcut, and the expected one.
 */
const full = (repo: Repo, args: string[] = []) => repo.zc(["check", "--json", ...args]).code;

function shortcut(repo: Repo, args: string[] = []) {
  const r = repo.zc(["check", "--debug", ...args]);
  return { code: r.code, used: r.stderr.includes("nothing changed since the last fresh verdict of") };
}

function freshRepo(config?: (c: Record<string, unknown>) => Record<string, unknown>): Repo {
  const repo = exampleRepo({ config });
  expect(repo.zc(["generate"]).code).toBe(0);
  repo.commitAll("generated");
  expect(repo.zc(["check"]).code).toBe(0); // a full check, which records the verdict
  expect(shortcut(repo)).toEqual({ code: 0, used: true });
  return repo;
}

describe("the fresh-verdict shortcut of check", () => {
  const cases: Array<[string, (repo: Repo) => void, number]> = [
    ["an edited tracked model", (r) => r.edit("app/models/tag.rb", (s) => s.replace("has_many :taggings", "has_many :taggings, dependent: :destroy")), 1],
    ["a column added to schema.rb", (r) => r.edit("db/schema.rb", (s) => s.replace('t.string "species", null: false', 't.string "species"')), 1],
    ["a generated file edited by hand", (r) => r.edit("frontend/src/lib/models/cactus.ts", (s) => `${s}// edited\n`), 1],
    ["a generated file deleted", (r) => r.remove("frontend/src/lib/models/types/tag-data.ts"), 1],
    ["the lock deleted", (r) => r.remove("zero-models.lock"), 1],
    ["a model edited and put back byte for byte", (r) => {
      const before = r.read("app/models/tag.rb");
      r.write("app/models/tag.rb", "class Tag\nend\n");
      r.write("app/models/tag.rb", before);
    }, 0],
    ["a new model file, untracked", (r) => r.write("app/models/concerns/unused.rb", "module Unused\nend\n"), 0],
    ["a file nothing watches", (r) => r.write("docs/notes.md", "hello\n"), 0],
    ["the config changed", (r) => r.edit(".zeromodelsrc.json", (s) => s.replace('"templates"', '"cascade": "none",\n  "templates"')), 1],
    [
      "a model edited while git is told to assume it unchanged",
      (r) => {
        r.git("update-index", "--assume-unchanged", "app/models/tag.rb");
        r.edit("app/models/tag.rb", (s) => s.replace("has_many :taggings", "has_many :taggings, dependent: :destroy"));
      },
      1,
    ],
  ];
  for (const [what, change, expected] of cases) {
    it(`${what}: ${expected === 0 ? "fresh" : "stale"}, as a full check says`, () => {
      const repo = freshRepo();
      change(repo);
      expect(full(repo)).toBe(expected);
      const quick = shortcut(repo);
      expect(quick.code).toBe(expected);
      // A changed state never reuses the old verdict (an identical one may record a new one).
      if (expected === 1) expect(quick.used).toBe(false);
    });
  }

  it("sees hand edits of git-ignored generated files", () => {
    const repo = freshRepo();
    repo.write(".gitignore", `${repo.read(".gitignore")}/frontend/\n`);
    repo.git("rm", "-r", "-q", "--cached", "frontend");
    repo.commitAll("generated files are not committed");
    expect(repo.zc(["check"]).code).toBe(0);
    expect(shortcut(repo)).toEqual({ code: 0, used: true });
    repo.edit("frontend/src/lib/models/cactus.ts", (s) => `${s}// edited\n`);
    expect(full(repo)).toBe(1);
    expect(shortcut(repo).code).toBe(1);
  });

  it("answers from dist/cli.cjs alone when nothing changed: no CLI parser, config loader or engine is loaded", () => {
    const repo = freshRepo();
    // The entry copied away from dist/main.js, its chunks and node_modules: loading any of them would fail.
    const alone = mkdtempSync(path.join(tmpdir(), "zero-models-alone-"));
    onTestFinished(() => rmSync(alone, { recursive: true, force: true }));
    copyFileSync(path.join(PROJECT, "dist/cli.cjs"), path.join(alone, "cli.cjs"));
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(alone, "cli.cjs"), ...args], { cwd: repo.dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(run("check")).toMatchObject({ status: 0, stdout: "zero-models: all 11 tables fresh.\n", stderr: "" });
    expect(run("check", "-q")).toMatchObject({ status: 0, stdout: "" });
    // A change needs the rest of the CLI, which is not there.
    repo.edit("app/models/tag.rb", (s) => visibleEdit(s));
    expect(run("check").status).not.toBe(0);
    expect(repo.zc(["check"]).code).toBe(1);
  });

  it("judges the index on its own for --staged", () => {
    const repo = freshRepo();
    expect(repo.zc(["check", "--staged"]).code).toBe(0);
    expect(shortcut(repo, ["--staged"])).toEqual({ code: 0, used: true });
    repo.edit("db/schema.rb", (s) => s.replace('t.string "species", null: false', 't.string "species"'));
    expect(shortcut(repo, ["--staged"])).toEqual({ code: 0, used: true }); // unstaged: the index did not change
    repo.git("add", "db/schema.rb");
    expect(full(repo, ["--staged"])).toBe(1);
    expect(shortcut(repo, ["--staged"]).code).toBe(1);
  });
});
