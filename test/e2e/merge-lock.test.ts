import { describe, expect, it } from "vitest";
import type { Repo } from "../helpers/repo.js";
import { addColumn, expect0, git, HOOK_ENV, sh, team } from "../helpers/team.js";

/**
 * Two teammates regenerate different tables and commit; one pushes, the
 * other pulls. Git merges zero-models.lock with the merge driver `init`
 * installed (.gitattributes, committed) and `npm install` configured in each
 * clone (the prepare script), so the pull goes through, and the hooks leave
 * exactly what a full regeneration makes. Without the driver, the same pull
 * stops on a conflict in the lock.
 */

const LOCK = "zero-models.lock";

interface LockFile {
  tables: Record<string, unknown>;
  inputs: Record<string, string>;
}
const readLock = (repo: Repo) => JSON.parse(repo.read(LOCK)) as LockFile;

/** Alice adds a column to cacti and pushes; Bob adds one to people and commits, both with their generated files and lock. */
function divergedTeam() {
  const { alice, bob } = team();
  const before = readLock(bob);
  addColumn(alice, "cacti", 't.string "nickname"');
  expect0(alice.zc(["generate", "-q"], { env: HOOK_ENV }), "alice: generate");
  git(alice.dir, "commit", "-q", "-am", "cacti get a nickname");
  git(alice.dir, "push", "-q");
  addColumn(bob, "people", 't.string "nickname"');
  expect0(bob.zc(["generate", "-q"], { env: HOOK_ENV }), "bob: generate");
  git(bob.dir, "commit", "-q", "-am", "people get a nickname");

  const [ours, theirs] = [readLock(alice), readLock(bob)];
  // Different tables' entries changed, and both sides changed schema.rb's input hash: the line git cannot merge as text.
  expect(ours.tables.cacti).not.toEqual(before.tables.cacti);
  expect(theirs.tables.people).not.toEqual(before.tables.people);
  expect(ours.tables.people).toEqual(before.tables.people);
  expect(theirs.tables.cacti).toEqual(before.tables.cacti);
  expect(ours.inputs["db/schema.rb"]).not.toEqual(theirs.inputs["db/schema.rb"]);
  return { alice, bob, aliceLock: ours, bobLock: theirs };
}

/** The generated files and lock after the pull are what a full regeneration of the merged inputs writes. */
function expectSameAsFullRun(repo: Repo): void {
  const generated = repo.tree("frontend/src/lib/models");
  expect(generated.size).toBeGreaterThan(10);
  expect0(repo.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate --all");
  const full = repo.tree("frontend/src/lib/models");
  expect([...generated.keys()].sort()).toEqual([...full.keys()].sort());
  for (const [file, text] of full) expect(generated.get(file), file).toBe(text);
  expect(repo.read("frontend/src/lib/models/types/cactus-data.ts")).toMatch(/nickname/);
  expect(repo.read("frontend/src/lib/models/types/person-data.ts")).toMatch(/nickname/);
}

describe("git pull with both sides' lock changes", () => {
  for (const mode of ["--rebase", "--no-rebase"]) {
    it(`git pull ${mode}: the driver merges the lock, no conflict; the tree is fresh and equals a full regeneration`, () => {
      const { bob, aliceLock, bobLock } = divergedTeam();
      const pull = sh(bob.dir, "git", ["pull", mode]);
      expect(pull.code, `${pull.stdout}${pull.stderr}`).toBe(0);
      expect(`${pull.stdout}${pull.stderr}`).not.toContain("CONFLICT");
      const text = bob.read(LOCK);
      expect(text).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
      // Each side's table entry survived the merge.
      const merged = readLock(bob);
      expect(merged.tables.cacti).toEqual(aliceLock.tables.cacti);
      expect(merged.tables.people).toEqual(bobLock.tables.people);
      // Both sides changed schema.rb, so the hook's generate records the merged file's hash in the lock's `inputs`
      // (what the last whole run saw); nothing else in the lock, and no generated file, differs from the merge's commit.
      expect(git(bob.dir, "status", "--porcelain", "--untracked-files=all")).toMatch(/^( M zero-models\.lock\n)?$/);
      const committed = JSON.parse(git(bob.dir, "show", `HEAD:${LOCK}`)) as Record<string, unknown>;
      const { inputs: _now, ...rest } = readLock(bob) as unknown as Record<string, unknown>;
      const { inputs: _then, ...committedRest } = committed;
      expect(rest).toEqual(committedRest);
      const check = bob.zc(["check"], { env: HOOK_ENV });
      expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
      expectSameAsFullRun(bob);
    });
  }

  it("without the driver (plain git), the same pull stops on a conflict in the lock", () => {
    const { bob } = divergedTeam();
    // A teammate who has not run npm install since: .gitattributes names the driver, git config has none.
    expect0(sh(bob.dir, "git", ["config", "--remove-section", "merge.zero-models"]), "remove the driver");
    const pull = sh(bob.dir, "git", ["pull", "--rebase"]);
    expect(pull.code).not.toBe(0);
    expect(`${pull.stdout}${pull.stderr}`).toContain(`CONFLICT (content): Merge conflict in ${LOCK}`);
    git(bob.dir, "rebase", "--abort");
  });
});
