import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { addColumn, delay, git, HOOK_ENV, sh, staleModels, staleTables, team, zcAsync } from "../helpers/team.js";

/**
 * The hooks as a team meets them: real clones of a bare remote, hooks
 * installed by `zero-models init` and husky, driven by real git commands.
 */

/** Lines of the form "[REGEN] Model (...)" in hook output, as model names. */
function regenerated(output: string): string[] {
  return [...output.matchAll(/^\[REGEN\] (\S+)/gm)].map((m) => m[1]!).sort();
}

function restored(output: string): string[] {
  return [...output.matchAll(/^\[RESTORED\] (\S+) \(local store\)/gm)].map((m) => m[1]!).sort();
}

describe("git pull", () => {
  it("regenerates only the tables a teammate's pushed schema change affects (merge)", () => {
    const { alice, bob } = team();
    addColumn(alice, "cacti", 't.datetime "due_at"');
    const expected = staleModels(alice);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(11);
    // A backend teammate without the hooks pushes the schema change alone.
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "add due_at");
    git(alice.dir, "push", "-q");

    const out = git(bob.dir, "pull", "--no-rebase");
    expect(regenerated(out)).toEqual(expected);
    expect(out).toMatch(/^\[CACHED\] \d+ tables \(/m);
    expect(out).toMatch(/zero-models: \d+ regenerated, \d+ cached/);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
    expect(bob.read("frontend/src/lib/models/types/cactus-data.ts")).toMatch(/due_?[aA]t/);
  });

  it("regenerates after git pull --rebase, which fires post-rewrite instead of post-merge", () => {
    const { alice, bob } = team();
    addColumn(alice, "cacti", 't.string "nickname"');
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "nickname");
    git(alice.dir, "push", "-q");
    // Bob has a local commit, so the pull replays it on top (a real rebase).
    bob.write("docs/notes.md", "local work\n");
    git(bob.dir, "add", "docs/notes.md");
    git(bob.dir, "commit", "-q", "-m", "local notes");

    const expected = staleModels(alice);
    const out = git(bob.dir, "pull", "--rebase");
    expect(regenerated(out)).toEqual(expected);
    expect(out.match(/zero-models: \d+ regenerated/g)).toHaveLength(1);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  });

  it("adds no output when the pull touches no watched file", () => {
    const { alice, bob } = team();
    alice.write("README.md", "changed\n");
    git(alice.dir, "commit", "-q", "-am", "docs");
    git(alice.dir, "push", "-q");
    const out = git(bob.dir, "pull", "--no-rebase");
    expect(out).not.toMatch(/zero-models[ :(]|husky -/);
    const rebase = git(bob.dir, "pull", "--rebase");
    expect(rebase).not.toMatch(/zero-models[ :(]|husky -/);
  });
});

describe("git checkout", () => {
  it("leaves check at exit 0 after switching to a branch with another schema and back", () => {
    const { bob } = team();
    git(bob.dir, "checkout", "-q", "-b", "feature");
    addColumn(bob, "cacti", 't.integer "spines"');
    git(bob.dir, "commit", "-q", "--no-verify", "-am", "spines, generated files not committed");
    git(bob.dir, "checkout", "-q", "main");
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);

    const there = git(bob.dir, "checkout", "feature");
    expect(regenerated(there)).toContain("Cactus");
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
    expect(bob.read("frontend/src/lib/models/types/cactus-data.ts")).toContain("spines");

    // Main's Cactus files were generated here before: the store has them.
    const back = git(bob.dir, "checkout", "main");
    expect(regenerated(back)).toEqual([]);
    expect(restored(back)).toEqual(["Cactus"]);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
    expect(bob.read("frontend/src/lib/models/types/cactus-data.ts")).not.toContain("spines");
    expect(git(bob.dir, "status", "--porcelain")).toBe("");
  });

  it("works on a detached HEAD and says nothing for a file checkout or a new branch at the same commit", () => {
    const { bob } = team();
    addColumn(bob, "cacti", 't.integer "spines"');
    git(bob.dir, "commit", "-q", "--no-verify", "-am", "spines, generated files not committed");
    git(bob.dir, "checkout", "-q", "-b", "before", "HEAD~1");
    const detached = git(bob.dir, "checkout", "--detach", "main");
    expect(regenerated(detached)).toContain("Cactus");
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
    expect(git(bob.dir, "checkout", "-b", "same-commit")).not.toMatch(/zero-models[ :(]/);
    bob.write("README.md", "scribble\n");
    expect(git(bob.dir, "checkout", "main", "--", "README.md")).not.toMatch(/zero-models[ :(]/);
  });

  it("regenerates once after a rebase that replays several schema commits, not once per commit", () => {
    const { alice, bob } = team();
    // Bob's feature: three people columns, each committed with its generated files.
    git(bob.dir, "checkout", "-q", "-b", "feature");
    for (const column of ["a", "b", "c"]) {
      addColumn(bob, "people", `t.integer "${column}"`);
      expect(bob.zc(["generate", "-q"], { env: HOOK_ENV }).code).toBe(0);
      git(bob.dir, "add", "-A");
      git(bob.dir, "commit", "-q", "-m", `column ${column}`);
    }
    // Meanwhile main gets a cacti column from a teammate without the hooks.
    addColumn(alice, "cacti", 't.integer "spines"');
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "spines");
    git(alice.dir, "push", "-q");
    git(bob.dir, "fetch", "-q");

    // --exec makes git stop after each replayed commit, like an interactive rebase's steps;
    // post-checkout fires as the rebase starts and must leave the work to post-rewrite.
    const out = git(bob.dir, "rebase", "--exec", "true", "origin/main");
    expect(out.match(/zero-models: \d+ regenerated/g)).toHaveLength(1);
    expect(regenerated(out)).toContain("Cactus");
    expect(regenerated(out)).not.toContain("Person");
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
    expect(bob.read("frontend/src/lib/models/types/cactus-data.ts")).toContain("spines");
  });
});

describe("git commit", () => {
  it("refuses a schema change without regenerated files, names the tables and the fix, and accepts it after the fix", () => {
    const { bob } = team();
    addColumn(bob, "cacti", 't.datetime "due_at"');
    const expected = staleTables(bob);
    git(bob.dir, "add", "db/schema.rb");
    const refused = sh(bob.dir, "git", ["commit", "-m", "due_at"]);
    expect(refused.code).not.toBe(0);
    const text = refused.stdout + refused.stderr;
    expect(text).toContain(`commit refused: ${expected.length} of 11 tables are stale in the staged files`);
    for (const table of expected) expect(text).toMatch(new RegExp(`^ {2}${table} \\(`, "m"));
    const fix = /^Fix: (.+)$/m.exec(text)?.[1];
    expect(fix).toBe("npx zero-models generate --stage");
    expect(git(bob.dir, "log", "--oneline").split("\n")[0]).not.toContain("due_at");

    expect(sh(bob.dir, "sh", ["-c", fix!]).code).toBe(0);
    const accepted = sh(bob.dir, "git", ["commit", "-m", "due_at"]);
    expect(accepted.code).toBe(0);
    expect(git(bob.dir, "log", "-1", "--format=%s")).toBe("due_at\n");
    expect(bob.zc(["check", "--staged"], { env: HOOK_ENV }).code).toBe(0);
    expect(git(bob.dir, "status", "--porcelain")).toBe("");
  });

  it('with preCommit "fix" regenerates and stages the files with the commit', () => {
    const { bob } = team({ config: (c) => ({ ...c, preCommit: "fix" }) });
    addColumn(bob, "cacti", 't.datetime "due_at"');
    git(bob.dir, "add", "db/schema.rb");
    const out = git(bob.dir, "commit", "-m", "due_at");
    expect(regenerated(out)).toContain("Cactus");
    expect(out).toMatch(/regenerated the stale tables and staged \d+ file/);
    const committed = git(bob.dir, "show", "--name-only", "--format=", "HEAD");
    expect(committed).toContain("zero-models.lock");
    expect(committed).toContain("frontend/src/lib/models/types/cactus-data.ts");
    expect(git(bob.dir, "status", "--porcelain")).toBe("");
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  });

  it('with preCommit "fix" sets unstaged work aside while regenerating, like lint-staged: nothing unstaged is committed or lost', () => {
    const { bob } = team({ config: (c) => ({ ...c, preCommit: "fix" }) });
    addColumn(bob, "cacti", 't.datetime "due_at"');
    git(bob.dir, "add", "db/schema.rb");
    // Unstaged work that would change generated files (a new association), and an untracked model.
    bob.edit("app/models/cactus.rb", (s) => s.replace(/end\s*$/, "  has_many :notes, as: :notable\nend\n"));
    bob.write("app/models/shrub.rb", "class Shrub < ApplicationRecord\nend\n");
    const model = bob.read("app/models/cactus.rb");

    const out = git(bob.dir, "commit", "-m", "due_at");
    expect(out).toContain("set aside unstaged changes in 2 watched file(s)");
    expect(bob.read("app/models/cactus.rb")).toBe(model);
    expect(bob.read("app/models/shrub.rb")).toBe("class Shrub < ApplicationRecord\nend\n");
    expect(git(bob.dir, "status", "--porcelain", "--", "app")).toBe(" M app/models/cactus.rb\n?? app/models/shrub.rb\n");
    expect(git(bob.dir, "show", "HEAD:app/models/cactus.rb")).not.toContain("has_many :notes");
    // What was committed is fresh by itself (the generated files match the staged model) ...
    expect(bob.zc(["check", "--staged"], { env: HOOK_ENV }).code).toBe(0);
    expect(git(bob.dir, "show", "--name-only", "--format=", "HEAD")).toContain("frontend/src/lib/models/types/cactus-data.ts");
    // ... and the work tree, with the unstaged association, is not.
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(1);
  });

  it('with preCommit "fix" refuses when a generated file has unstaged edits, which regenerating would overwrite', () => {
    const { bob } = team({ config: (c) => ({ ...c, preCommit: "fix" }) });
    addColumn(bob, "cacti", 't.datetime "due_at"');
    git(bob.dir, "add", "db/schema.rb");
    bob.edit("frontend/src/lib/models/cactus.ts", (s) => `// hand edit\n${s}`);
    const edited = bob.read("frontend/src/lib/models/cactus.ts");
    const refused = sh(bob.dir, "git", ["commit", "-m", "due_at"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("these generated files have changes that are not staged");
    expect(refused.stderr).toContain("frontend/src/lib/models/cactus.ts");
    expect(bob.read("frontend/src/lib/models/cactus.ts")).toBe(edited);
    expect(git(bob.dir, "diff", "--cached", "--name-only")).toBe("db/schema.rb\n");
  });

  it('puts set-aside work back on the next run when a preCommit "fix" commit was killed mid-way', async () => {
    const { bob } = team({ config: (c) => ({ ...c, preCommit: "fix" }) });
    addColumn(bob, "cacti", 't.datetime "due_at"');
    git(bob.dir, "add", "db/schema.rb");
    bob.edit("app/models/cactus.rb", (s) => s.replace(/end\s*$/, "  # unstaged work\nend\n"));
    const model = bob.read("app/models/cactus.rb");
    const commit = spawn("git", ["commit", "-m", "due_at"], { cwd: bob.dir, env: { ...process.env, ...HOOK_ENV, ZERO_EXAMPLE_BOOT_MS: "20000" }, detached: true, stdio: "ignore" });
    const record = path.join(bob.dir, ".git/zero-models/set-aside/record.json");
    // git checkout replaces the file, so it can be missing for a moment.
    const current = () => {
      try {
        return bob.read("app/models/cactus.rb");
      } catch {
        return null;
      }
    };
    const setAside = () => existsSync(record) && current()?.includes("unstaged work") === false;
    for (let i = 0; i < 300 && !setAside(); i++) await delay(50);
    await delay(200);
    expect(bob.read("app/models/cactus.rb")).not.toContain("unstaged work"); // set aside while the generator runs
    process.kill(-commit.pid!, "SIGKILL");
    await new Promise((resolve) => commit.on("exit", resolve));
    rmSync(path.join(bob.dir, ".git/index.lock"), { force: true });

    const next = bob.zc(["generate", "-q"], { env: HOOK_ENV });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain("put back unstaged changes set aside by an earlier run");
    expect(bob.read("app/models/cactus.rb")).toBe(model);
    expect(existsSync(record)).toBe(false);
  });

  it("refuses a commit it cannot judge, naming the file and line", () => {
    const { bob } = team();
    bob.edit("app/models/cactus.rb", (s) => `${s}\ndef broken(\n`);
    git(bob.dir, "add", "app/models/cactus.rb");
    const refused = sh(bob.dir, "git", ["commit", "-m", "broken"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("commit refused: the staged files cannot be checked");
    expect(refused.stderr).toMatch(/app\/models\/cactus\.rb:\d+/);
  });

  it("judges what git commit -a would commit", () => {
    const { bob } = team();
    addColumn(bob, "cacti", 't.datetime "due_at"');
    const refused = sh(bob.dir, "git", ["commit", "-a", "-m", "due_at"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^ {2}cacti \(Cactus\): schema changed: \+ column due_at$/m);
  });

  it("does not run the check when no watched file is staged", () => {
    const { bob } = team();
    addColumn(bob, "cacti", 't.datetime "due_at"'); // stale but not staged
    bob.write("docs/readme.md", "x\n");
    git(bob.dir, "add", "docs/readme.md");
    const out = git(bob.dir, "commit", "-m", "docs");
    expect(out).not.toMatch(/zero-models[ :(]/);
  });
});

describe("post-* modes and races", () => {
  it('with postMerge "warn" lists the stale tables and the fix, and regenerates nothing', () => {
    const { alice, bob } = team({ config: (c) => ({ ...c, postMerge: "warn" }) });
    addColumn(alice, "cacti", 't.datetime "due_at"');
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "due_at");
    git(alice.dir, "push", "-q");
    const r = sh(bob.dir, "git", ["pull", "--no-rebase"]);
    expect(r.code).toBe(0);
    // git shows hook output on stderr.
    expect(r.stderr).toContain('postMerge/postCheckout is "warn", so nothing was regenerated');
    expect(r.stderr).toMatch(/^ {2}cacti \(Cactus\): schema changed: \+ column due_at$/m);
    expect(r.stderr).toContain("Fix: npx zero-models generate");
    expect(r.stdout + r.stderr).not.toContain("[REGEN]");
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(1);
  });

  it("two hooks firing at once never interleave: one regenerates, the other waits and finds nothing to do", async () => {
    const { alice, bob } = team();
    addColumn(alice, "cacti", 't.datetime "due_at"');
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "due_at");
    git(alice.dir, "push", "-q");
    expect(sh(bob.dir, "git", ["pull", "--no-rebase"], { ZERO_MODELS_SKIP: "1" }).code).toBe(0);
    // As if an editor's git and a terminal both ran post-merge for this pull.
    const slow = { ...HOOK_ENV, ZERO_EXAMPLE_BOOT_MS: "1500" };
    const [a, b] = await Promise.all([zcAsync(bob.dir, ["hook", "post-merge", "0"], slow), zcAsync(bob.dir, ["hook", "post-merge", "0"], slow)]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect([a.stdout, b.stdout].filter((out) => out.includes("[REGEN] Cactus"))).toHaveLength(1);
    expect([a.stdout, b.stdout].filter((out) => out === "")).toHaveLength(1);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  });
});

describe("skips", () => {
  it("ZERO_MODELS_SKIP=1 skips every hook with one line", () => {
    const { bob } = team();
    addColumn(bob, "cacti", 't.datetime "due_at"');
    git(bob.dir, "add", "db/schema.rb");
    const r = sh(bob.dir, "git", ["commit", "-m", "skip"], { ZERO_MODELS_SKIP: "1" });
    expect(r.code).toBe(0);
    expect((r.stdout + r.stderr).match(/zero-models: ZERO_MODELS_SKIP is set; pre-commit hook skipped\./g)).toHaveLength(1);
  });

  it("in CI the post-* hooks do nothing unless hooksInCI is set", () => {
    const { alice, bob } = team();
    addColumn(alice, "cacti", 't.datetime "due_at"');
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "due_at");
    git(alice.dir, "push", "-q");
    const r = sh(bob.dir, "git", ["pull", "--no-rebase"], { CI: "true" });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain("[REGEN]");
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(1);
  });
});
