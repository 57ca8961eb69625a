import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { lockOf } from "../helpers/lock-file.js";
import { componentTags, emptyLock, parseLock, serializeLock, type Lock, type LockTable } from "../../src/staleness/lock.js";
import { CLI, exampleRepo, type Repo } from "../helpers/repo.js";
import { addColumn, addTooling, expect0, git, HOOK_ENV, sh, team } from "../helpers/team.js";

/**
 * Two teammates regenerate different tables and commit; one pushes, the
 * other pulls. Git merges zero-models.lock with the merge driver `init`
 * installed (.gitattributes, committed) and `npm install` configured in each
 * clone (the prepare script), so the pull goes through, and the hooks leave
 * exactly what a full regeneration makes. Without the driver, the same pull
 * stops on a conflict in the lock.
 */

const LOCK = "zero-models.lock";

const readLock = (repo: Repo) => lockOf(repo.read(LOCK));

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
      // Nothing was stale after the merge, so the hook's generate left the lock as merged: nothing to commit.
      expect(git(bob.dir, "status", "--porcelain", "--untracked-files=all")).toBe("");
      const check = bob.zc(["check"], { env: HOOK_ENV });
      expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
      expectSameAsFullRun(bob);
      expect(bob.read("frontend/src/lib/models/types/person-data.ts")).toMatch(/nickname/);
    });
  }

  it("both sides changed the same table: the driver keeps ours, the table is stale, and post-rewrite regenerates it", () => {
    const { alice, bob } = team();
    addColumn(alice, "cacti", 't.string "nickname"');
    expect0(alice.zc(["generate", "-q"], { env: HOOK_ENV }), "alice: generate");
    git(alice.dir, "commit", "-q", "-am", "cacti get a nickname");
    git(alice.dir, "push", "-q");
    bob.edit("db/schema.rb", (s) => s.replace('    t.date "planted_on"\n', '    t.date "planted_on"\n    t.string "motto"\n'));
    expect0(bob.zc(["generate", "-q"], { env: HOOK_ENV }), "bob: generate");
    git(bob.dir, "commit", "-q", "-am", "cacti get a motto");

    const pull = sh(bob.dir, "git", ["pull", "--rebase"]);
    expect(pull.code, `${pull.stdout}${pull.stderr}`).toBe(0);
    expect(`${pull.stdout}${pull.stderr}`).toMatch(/^\[REGEN\] Cactus \(/m);
    expect0(bob.zc(["check"], { env: HOOK_ENV }), "check");
    expectSameAsFullRun(bob);
    expect(bob.read("frontend/src/lib/models/types/cactus-data.ts")).toMatch(/motto/);
  });

  it("without the driver (plain git), the same pull stops on a conflict in the lock", () => {
    const { bob } = divergedTeam();
    // A teammate who has not run npm install since: .gitattributes names the driver, git config has none.
    expect0(sh(bob.dir, "git", ["config", "--remove-section", "merge.zero-models"]), "remove the driver");
    const pull = sh(bob.dir, "git", ["pull", "--rebase"]);
    expect(pull.code).not.toBe(0);
    expect(`${pull.stdout}${pull.stderr}`).toContain(`CONFLICT (content): Merge conflict in ${LOCK}`);
    // One fix, the same in every message, and doctor names what is missing.
    const check = bob.zc(["check"], { env: HOOK_ENV });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("Fix: npx zero-models generate\n");
    expect(check.stderr).toContain("Run `npx zero-models generate` to rebuild it. Git merges it by itself once its merge driver is set up: `npx zero-models doctor` says how.");
    expect(`${check.stdout}${check.stderr}`).not.toContain("--all");
    const doctor = bob.zc(["doctor"], { env: HOOK_ENV });
    expect(doctor.stderr).toContain("merge.zero-models.driver is not set in this clone's git config");
    expect(doctor.stderr).toContain("Fix: npm install (its prepare script sets it up in each clone), or npx zero-models init.");
    expect0(bob.zc(["generate", "-q"], { env: HOOK_ENV }), "the fix");
    git(bob.dir, "add", LOCK);
    expect0(sh(bob.dir, "git", ["-c", "core.editor=true", "rebase", "--continue"]), "rebase --continue");
    expect0(bob.zc(["check"], { env: HOOK_ENV }), "check after the fix");
    expectSameAsFullRun(bob);
  });
});

describe("zero-models merge-lock, run as git runs it (%O %A %B from the top level)", () => {
  const h = (c: string) => c.repeat(64);
  const entry = (model: string, c: string): LockTable => ({
    model,
    fingerprint: h(c),
    components: componentTags({ [`schema ${model}`]: h(c) }),
    outputs: { [`frontend/src/lib/models/${model.toLowerCase()}.ts`]: h(c) },
  });
  const lock = (tables: Record<string, LockTable>): Lock => ({ ...emptyLock(1), tables });
  const ancestor = lock({ people: entry("Person", "a"), jobs: entry("Job", "a") });
  const ours = lock({ people: entry("Person", "b"), jobs: entry("Job", "a") });
  const theirs = lock({ people: entry("Person", "a"), jobs: entry("Job", "c") });
  const merged = lock({ people: entry("Person", "b"), jobs: entry("Job", "c") });
  const markers = `<<<<<<< ours\n${serializeLock(ours)}=======\n${serializeLock(theirs)}>>>>>>> theirs\n`;

  /** Writes the three files git would (null: an empty file, git's %O without a common ancestor) and runs the driver. */
  function driver(repo: Repo, sides: [string | null, string, string], args: string[] = []) {
    const names = [".merge_file_O", ".merge_file_A", ".merge_file_B"];
    sides.forEach((text, i) => writeFileSync(path.join(repo.dir, names[i]!), text ?? ""));
    const r = repo.zc([...args, "merge-lock", ...names]);
    return { ...r, result: readFileSync(path.join(repo.dir, names[1]!), "utf8") };
  }
  const isOutput = picomatch(["frontend/src/lib/models/**"], { dot: true });
  const parses = (text: string) => parseLock(text, "zero-models.lock", isOutput).status === "ok";

  it("writes the three-way merge over ours, silently, exit 0; it parses with the config's output patterns", () => {
    const repo = exampleRepo();
    const r = driver(repo, [serializeLock(ancestor), serializeLock(ours), serializeLock(theirs)]);
    expect(r.code, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.result).toBe(serializeLock(merged));
    expect(parses(r.result)).toBe(true);
    // No common ancestor (git passes an empty file): a table both sides have differently is ours.
    expect(driver(repo, [null, serializeLock(ours), serializeLock(theirs)]).result).toBe(serializeLock(lock({ people: entry("Person", "b"), jobs: entry("Job", "a") })));
  });

  it("a side that is not a readable lock (conflict markers, bad JSON, a foreign output path, a symlink) falls back to the other, with one line", () => {
    const repo = exampleRepo();
    const foreign = lock({ ...theirs.tables, jobs: { ...entry("Job", "c"), outputs: { "app/models/job.rb": h("c") } } });
    for (const [bad, which] of [[markers, "merge conflict markers"], ["{ not json", "not valid JSON"], [serializeLock(foreign), "app/models/job.rb"]] as const) {
      const r = driver(repo, [serializeLock(ancestor), serializeLock(ours), bad]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.result).toBe(serializeLock(ours));
      expect(r.stderr).toContain("their side of the lock is not a readable lock");
      expect(r.stderr).toContain(which);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      const back = driver(repo, [serializeLock(ancestor), bad, serializeLock(theirs)]);
      expect(back.code).toBe(0);
      expect(back.result).toBe(serializeLock(theirs));
      expect(parses(back.result)).toBe(true);
    }
    writeFileSync(path.join(repo.dir, "elsewhere.json"), serializeLock(ours));
    writeFileSync(path.join(repo.dir, ".merge_file_A"), serializeLock(ours));
    writeFileSync(path.join(repo.dir, ".merge_file_O"), serializeLock(ancestor));
    symlinkSync("elsewhere.json", path.join(repo.dir, ".merge_file_L"));
    const link = repo.zc(["merge-lock", ".merge_file_O", ".merge_file_A", ".merge_file_L"]);
    expect(link.code).toBe(0);
    expect(link.stderr).toContain("symlink");
    expect(repo.read(".merge_file_A")).toBe(serializeLock(ours));
  });

  it("neither side readable: exit 1, ours untouched, git reports the conflict", () => {
    const repo = exampleRepo();
    const r = driver(repo, [serializeLock(ancestor), markers, "{ not json"]);
    expect(r.code).toBe(1);
    expect(r.result).toBe(markers);
    expect(r.stderr).toContain("neither side is a readable lock");
    expect(r.stderr).toContain("npx zero-models generate");
  });

  it("merges when the config does not load (every later read checks the paths again), and never exits 2 or 3", () => {
    const repo = exampleRepo();
    repo.write(".zeromodelsrc.json", "{ broken");
    const r = driver(repo, [serializeLock(ancestor), serializeLock(ours), serializeLock(theirs)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.result).toBe(serializeLock(merged));
    // An unsafe path is refused even so.
    const escape = lock({ jobs: { ...entry("Job", "c"), outputs: { "../outside.ts": h("c") } } });
    const unsafe = driver(repo, [serializeLock(ancestor), serializeLock(ours), serializeLock(escape)]);
    expect(unsafe.code).toBe(0);
    expect(unsafe.result).toBe(serializeLock(ours));
    // Where it cannot write (ours is a folder), a conflict, not a crash.
    const folder = repo.zc(["merge-lock", ".merge_file_O", "frontend", ".merge_file_B"]);
    expect(folder.code).toBe(1);
    expect(folder.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("zero-models hook prepare (npm install): never fails the install", () => {
  const driverOf = (repo: Repo) => sh(repo.dir, "git", ["config", "--get", "merge.zero-models.driver"]).stdout;

  it("sets the driver silently; nothing in CI, with ZERO_MODELS_SKIP, or outside a git checkout; one line when the package's CLI is missing", () => {
    const repo = exampleRepo();
    addTooling(repo);
    for (const env of [{ CI: "true" }, { ZERO_MODELS_SKIP: "1" }]) {
      const r = repo.zc(["hook", "prepare"], { env: { ...HOOK_ENV, ...env } });
      expect(r).toMatchObject({ code: 0, stdout: "", stderr: "" });
      expect(driverOf(repo)).toBe("");
    }
    const r = repo.zc(["hook", "prepare"], { env: HOOK_ENV });
    expect(r).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(driverOf(repo)).toBe("node node_modules/zero-models/dist/cli.cjs merge-lock %O %A %B\n");

    const outside = mkdtempSync(path.join(tmpdir(), "zero-models-no-git-"));
    try {
      expect(sh(outside, process.execPath, [CLI, "hook", "prepare"], { GIT_CEILING_DIRECTORIES: tmpdir() })).toMatchObject({ code: 0, stdout: "", stderr: "" });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }

    git(repo.dir, "config", "--remove-section", "merge.zero-models");
    rmSync(path.join(repo.dir, "node_modules/zero-models"));
    const missing = repo.zc(["hook", "prepare"], { env: HOOK_ENV });
    expect(missing.code).toBe(0);
    expect(missing.stderr.trim().split("\n")).toEqual(["zero-models: node_modules/zero-models/dist/cli.cjs is missing, so the lock's merge driver was not set up; `npx zero-models doctor` says more."]);
    expect(driverOf(repo)).toBe("");
  });
});
