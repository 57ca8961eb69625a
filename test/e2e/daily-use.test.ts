import { describe, expect, it } from "vitest";
import { git, HOOK_ENV, sh, team } from "../helpers/team.js";

/**
 * A normal day with zero-models in a team (issue 20, items 1 to 5): refused
 * commits and their way out, pending migrations, a failing generator, output
 * at scale, and what the hooks say after regenerating. Real clones of a bare
 * remote, hooks installed by `zero-models init` and husky, the built CLI.
 */

const TEMPLATE = "lib/generators/zero/active_models/templates/model.ts.tpl";
const LOCK = "zero-models.lock";

/** A visible class-level edit: the model's declarations change (a comment would not count). */
function addValidation(file: string, text: string): string {
  return text.replace(/^(class \S+ < \S+\n)/m, `$1  validates :nickname, presence: true\n`);
}

const lines = (text: string, pattern: RegExp) => text.split("\n").filter((l) => pattern.test(l));

describe("a refused commit names inputs that are changed but not staged (item 1)", () => {
  it("after a refused `commit -a` and the printed fix, the second refusal says why and how out", () => {
    const { bob } = team();
    bob.edit(TEMPLATE, (t) => `${t}// a template change\n`);
    const first = sh(bob.dir, "git", ["commit", "-am", "template"]);
    expect(first.code).not.toBe(0);
    // git commit -a rolled its staging back: the template is not staged now.
    expect(git(bob.dir, "diff", "--cached", "--name-only")).toBe("");

    expect(sh(bob.dir, "npx", ["zero-models", "generate", "--stage"]).code).toBe(0);
    const second = sh(bob.dir, "git", ["commit", "-m", "template"]);
    expect(second.code).not.toBe(0);
    const text = second.stdout + second.stderr;
    expect(text).toContain(`${TEMPLATE} is changed but not staged`);
    expect(text).toContain(`Fix: git add -- ${TEMPLATE} && npx zero-models generate --stage`);

    // The fix as printed lets the commit through.
    git(bob.dir, "add", "--", TEMPLATE);
    expect(sh(bob.dir, "npx", ["zero-models", "generate", "--stage"]).code).toBe(0);
    expect(sh(bob.dir, "git", ["commit", "-m", "template"]).code).toBe(0);
  });

  it("names a watched input staged in one state and edited back in the work tree", () => {
    const { bob } = team();
    const before = bob.read("app/models/cactus.rb");
    bob.edit("app/models/cactus.rb", (t) => addValidation("app/models/cactus.rb", t));
    git(bob.dir, "add", "app/models/cactus.rb");
    bob.write("app/models/cactus.rb", before);
    const refused = sh(bob.dir, "git", ["commit", "-m", "validation"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain("app/models/cactus.rb is changed but not staged");
  });

  it("says nothing of the kind when every watched change is staged", () => {
    const { bob } = team();
    bob.edit("app/models/cactus.rb", (t) => addValidation("app/models/cactus.rb", t));
    git(bob.dir, "add", "-A");
    const refused = sh(bob.dir, "git", ["commit", "-m", "validation"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).not.toContain("not staged");
    expect(refused.stdout + refused.stderr).toContain("Fix: npx zero-models generate --stage");
  });
});

describe("a pending migration (item 2)", () => {
  const MIGRATION = "db/migrate/20990101000000_add_spines_to_cacti.rb";
  const migration = "class AddSpinesToCacti < ActiveRecord::Migration[8.0]\n  def change\n    add_column :cacti, :spines, :integer\n  end\nend\n";

  it("check's fix is the migration; a blocked generate leaves the lock alone and claims no cache hit", () => {
    const { bob } = team();
    bob.write(MIGRATION, migration);
    const check = bob.zc(["check"], { env: HOOK_ENV });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("Fix: bin/rails db:migrate && npx zero-models generate");
    const json = JSON.parse(bob.zc(["check", "--json"], { env: HOOK_ENV }).stdout) as { fix: string };
    expect(json.fix).toBe("bin/rails db:migrate && npx zero-models generate");

    const lock = bob.read(LOCK);
    const generate = bob.zc(["generate"], { env: HOOK_ENV });
    expect(generate.code).toBe(1);
    expect(bob.read(LOCK)).toBe(lock);
    expect(generate.stdout).not.toMatch(/cache hit/);
    expect(generate.stdout).toMatch(/^\[BLOCKED\] Cactus/m);
    expect(generate.stdout).toMatch(/1 blocked by pending migrations/);
    expect(generate.stderr).toContain("Run bin/rails db:migrate, then npx zero-models generate");
  });
});

describe("a pending migration in a commit (item 2)", () => {
  it("the refused commit's fix is the migration first", () => {
    const { bob } = team();
    bob.write("db/migrate/20990101000000_add_spines_to_cacti.rb", "class AddSpinesToCacti < ActiveRecord::Migration[8.0]\n  def change\n    add_column :cacti, :spines, :integer\n  end\nend\n");
    git(bob.dir, "add", "-A");
    const refused = sh(bob.dir, "git", ["commit", "-m", "migration"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain("Fix: bin/rails db:migrate && npx zero-models generate --stage");
  });
});

describe("a failing generator (item 3)", () => {
  it("one line for the failed tables, the generator's output once, failures counted, no cache hit claimed", () => {
    const { bob } = team();
    bob.write("bin/rails", '#!/bin/sh\necho "Error: Cannot find module \'missing-package\'" >&2\necho "    at Module._resolveFilename (node:internal/modules)" >&2\nexit 1\n');
    bob.edit(TEMPLATE, (t) => `${t}// a template change\n`);
    const r = bob.zc(["generate"], { env: HOOK_ENV });
    expect(r.code).toBe(1);
    const all = r.stdout + r.stderr;
    expect(lines(r.stdout, /^\[FAILED\]/)).toEqual(["[FAILED] 11 tables (activity_events, admin_audit_logs, cacti and 8 more)"]);
    expect(all.match(/Module\._resolveFilename/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/0 regenerated, 11 failed, 0 cached/);
    expect(r.stdout).not.toMatch(/cache hit/);

    // Under --quiet nothing streamed: the last lines are in the error, once.
    const quiet = bob.zc(["generate", "-q"], { env: HOOK_ENV });
    expect((quiet.stdout + quiet.stderr).match(/Module\._resolveFilename/g)).toHaveLength(1);
  });
});

describe("output at scale is grouped (item 4)", () => {
  it("check and the refused commit give one line for tables that share a reason; per-table reasons keep theirs", () => {
    const { bob } = team();
    bob.edit(TEMPLATE, (t) => `${t}// a template change\n`);
    const check = bob.zc(["check"], { env: HOOK_ENV });
    expect(check.stdout).toContain(`  11 tables (activity_events, admin_audit_logs, cacti and 8 more): template ${TEMPLATE} changed`);
    expect(lines(check.stdout, /^ {2}\S/)).toHaveLength(1);

    git(bob.dir, "add", "-A");
    const refused = sh(bob.dir, "git", ["commit", "-m", "template"]);
    expect(refused.code).not.toBe(0);
    expect(lines(refused.stdout + refused.stderr, /^ {2}\S/)).toEqual([`  11 tables (activity_events, admin_audit_logs, cacti and 8 more): template ${TEMPLATE} changed`]);

    // A table's own reason stays on its own line beside the group.
    bob.edit("app/models/cactus.rb", (t) => addValidation("app/models/cactus.rb", t));
    const mixed = bob.zc(["check"], { env: HOOK_ENV });
    expect(mixed.stdout).toMatch(/^ {2}cacti \(Cactus\): .*app\/models\/cactus\.rb/m);
    expect(mixed.stdout).toMatch(/^ {2}10 tables \(activity_events, admin_audit_logs, clients and 7 more\): template/m);
  });

  it("--explain shows the changed components only, --explain=all every one; no doubled words", () => {
    const { bob } = team();
    const fresh = bob.zc(["check", "--explain=all"], { env: HOOK_ENV });
    expect(fresh.code).toBe(0);
    expect(lines(fresh.stdout, /^ {2}fresh /)).toHaveLength(11);
    expect(fresh.stdout).not.toMatch(/\b1 components/);
    bob.edit(TEMPLATE, (t) => `${t}// a template change\n`);
    const explain = bob.zc(["check", "--explain"], { env: HOOK_ENV }).stdout;
    const rows = lines(explain, /^ {6}/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^ {6}changed templates {2}[\w-]{8} -> [\w-]{8}$/);
    const all = bob.zc(["check", "cacti", "--explain=all"], { env: HOOK_ENV }).stdout;
    expect(lines(all, /^ {6}same /).length).toBeGreaterThan(3);
    expect(all).not.toMatch(/global global/);
  });

  it("generate collapses the cached tables into one line, however few", () => {
    const { bob } = team();
    bob.edit("app/models/cactus.rb", (t) => addValidation("app/models/cactus.rb", t));
    const r = bob.zc(["generate"], { env: HOOK_ENV });
    expect(r.code).toBe(0);
    expect(lines(r.stdout, /^\[CACHED\]/)).toHaveLength(1);
    expect(r.stdout).toMatch(/^\[CACHED\] \d+ tables \(/m);
  });
});

describe("after a hook regenerates (item 5)", () => {
  it("a pull whose author skipped the hook ends with one line naming the files and the commit command", () => {
    const { alice, bob } = team();
    alice.edit("app/models/cactus.rb", (t) => addValidation("app/models/cactus.rb", t));
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "cactus validation, generated files not committed");
    git(alice.dir, "push", "-q");

    const out = git(bob.dir, "pull", "--no-rebase");
    const changed = git(bob.dir, "status", "--porcelain").split("\n").filter(Boolean).map((l) => l.slice(3)).sort();
    expect(changed).toContain(LOCK);
    const hint = lines(out, /^zero-models \(post-merge\): regenerated/);
    expect(hint).toHaveLength(1);
    expect(hint[0]).toMatch(/regenerated cacti, which the commit lacked/);
    expect(hint[0]).toContain(`git add -- ${changed.join(" ")} && git commit -m "Regenerate Zero models"`);

    // The command as printed commits exactly the regeneration.
    expect(sh(bob.dir, "sh", ["-c", hint[0]!.slice(hint[0]!.indexOf("git add"))]).code).toBe(0);
    expect(git(bob.dir, "status", "--porcelain")).toBe("");
  });

  it("says nothing more when the regenerated files are what the commit has (a branch switch restoring them)", () => {
    const { bob } = team();
    git(bob.dir, "checkout", "-q", "-b", "feature");
    bob.edit("app/models/cactus.rb", (t) => addValidation("app/models/cactus.rb", t));
    expect(bob.zc(["generate", "-q"], { env: HOOK_ENV }).code).toBe(0);
    git(bob.dir, "add", "-A");
    git(bob.dir, "commit", "-q", "-m", "validation with its generated files");
    const back = git(bob.dir, "checkout", "main");
    expect(back).not.toMatch(/which the commit lacked/);
    const there = git(bob.dir, "checkout", "feature");
    expect(there).not.toMatch(/which the commit lacked/);
  });
});
