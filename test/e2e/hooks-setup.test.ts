import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, exampleRepo, makeRepo, PROJECT } from "../helpers/repo.js";
import { addColumn, addTooling, delay, expect0, zcAsync, git, HOOK_ENV, linkNodeModules, scratchDir, sh, team } from "../helpers/team.js";

/** Setting the hooks up (`init`, husky, core.hooksPath) and the places they must work: subfolders, worktrees, GUI clients, races. */

describe("zero-models init", () => {
  it("sets up husky hooks, the prepare script and the config, keeps what was there, and changes nothing when run again", () => {
    const root = scratchDir();
    const repo = exampleRepo({ dir: path.join(root, "app"), commit: false });
    addTooling(repo);
    repo.remove(".zeromodelsrc.json");
    repo.write("package.json", `${JSON.stringify({ name: "app", private: true, scripts: { prepare: "echo ready" }, devDependencies: { husky: "^9.1.7" } }, null, 2)}\n`);
    repo.write(".husky/pre-commit", "echo team-hook-ran");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "--no-verify", "-m", "app");

    const first = expect0(repo.zc(["init"], { env: HOOK_ENV }), "init");
    expect(first.stdout).toContain(".zeromodelsrc: created with every key at its default");
    expect(JSON.parse(repo.read("package.json")).scripts.prepare).toBe("zero-models hook prepare && echo ready && husky .husky");
    expect(repo.read(".gitattributes")).toBe("zero-models.lock merge=zero-models\n");
    expect(git(repo.dir, "config", "merge.zero-models.driver")).toBe("node node_modules/zero-models/dist/cli.cjs merge-lock %O %A %B\n");
    expect(git(repo.dir, "check-attr", "merge", "--", "zero-models.lock")).toBe("zero-models.lock: merge: zero-models\n");
    expect(repo.read(".husky/pre-commit")).toMatch(/^echo team-hook-ran\n\(if command -v node .*zero-models hook pre-commit "\$@"/);
    for (const name of ["post-merge", "post-checkout", "post-rewrite"]) expect(repo.read(`.husky/${name}`)).toContain(`zero-models hook ${name} "$@"`);
    expect(git(repo.dir, "config", "core.hooksPath")).toBe(".husky/_\n");
    // The example's .gitignore already ignores /tmp, so cacheDir needs no line.
    expect(repo.read(".gitignore")).not.toContain("zero-models' local cache");

    const files = repo.tree("", true);
    const second = expect0(repo.zc(["init"], { env: HOOK_ENV }), "init again");
    expect(second.stdout).toContain("everything was already set up");
    expect(repo.tree("", true)).toEqual(files);

    // The team's own hook line still runs, and ours after it.
    repo.write("docs/a.md", "x\n");
    git(repo.dir, "add", "docs/a.md");
    expect(git(repo.dir, "commit", "-m", "docs")).toContain("team-hook-ran");
  });

  it("adds cacheDir to .gitignore when git does not ignore it yet", () => {
    const repo = exampleRepo({ dir: path.join(scratchDir(), "app"), commit: false, config: (c) => ({ ...c, cacheDir: ".cache/zero-models" }) });
    addTooling(repo);
    expect0(repo.zc(["init"], { env: HOOK_ENV }), "init");
    expect(repo.read(".gitignore")).toContain("\n/.cache/zero-models/\n");
    expect(git(repo.dir, "check-ignore", ".cache/zero-models/parsed.json")).toBe(".cache/zero-models/parsed.json\n");
  });

  it("works with package.json in a frontend/ subfolder: the hooks cd there and point back at the config", () => {
    const repo = exampleRepo({ dir: path.join(scratchDir(), "app"), commit: false });
    addTooling(repo, "frontend");
    expect0(repo.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate");
    expect0(repo.zc(["init", "--package", "frontend"], { env: HOOK_ENV }), "init");
    expect(JSON.parse(repo.read("frontend/package.json")).scripts.prepare).toBe("zero-models -C .. hook prepare && cd .. && husky frontend/.husky");
    // The driver runs the package's CLI from the top level; a teammate's npm install (in frontend/) sets the same.
    const driver = "node frontend/node_modules/zero-models/dist/cli.cjs merge-lock %O %A %B";
    expect(git(repo.dir, "config", "merge.zero-models.driver")).toBe(`${driver}\n`);
    git(repo.dir, "config", "--remove-section", "merge.zero-models");
    expect(expect0(sh(path.join(repo.dir, "frontend"), "npm", ["run", "prepare", "--silent"]), "npm run prepare").stderr).toBe("");
    expect(git(repo.dir, "config", "merge.zero-models.driver")).toBe(`${driver}\n`);
    for (const f of ["O", "A", "B"]) repo.write(`.merge_file_${f}`, repo.read("zero-models.lock"));
    expect0(sh(repo.dir, "sh", ["-c", driver.replace("%O %A %B", ".merge_file_O .merge_file_A .merge_file_B")]), "the driver as git runs it");
    for (const f of ["O", "A", "B"]) repo.remove(`.merge_file_${f}`);
    expect(repo.read("frontend/.husky/pre-commit")).toContain("cd frontend && if command -v node");
    expect(repo.read("frontend/.husky/pre-commit")).toContain('zero-models -C .. hook pre-commit "$@"');
    expect(git(repo.dir, "config", "core.hooksPath")).toBe("frontend/.husky/_\n");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "-m", "app");

    addColumn(repo, "cacti", 't.datetime "due_at"');
    git(repo.dir, "add", "db/schema.rb");
    const refused = sh(repo.dir, "git", ["commit", "-m", "due_at"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/commit refused: \d+ of 11 tables are stale/);
    const fix = /^Fix: (.+)$/m.exec(refused.stderr)?.[1];
    expect(fix).toBe("(cd frontend && npx zero-models -C .. generate --stage)");
    expect0(sh(repo.dir, "sh", ["-c", fix!]), "the printed fix");
    expect0(sh(repo.dir, "git", ["commit", "-m", "due_at"]), "commit after the fix");
  });

  it("refuses to set up hooks when husky is not a dependency, and says how to fix it", () => {
    const repo = exampleRepo({ dir: path.join(scratchDir(), "app") });
    addTooling(repo);
    repo.write("package.json", '{ "name": "app" }\n');
    const r = repo.zc(["init"], { env: HOOK_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("husky is not a dependency");
    expect(r.stderr).toContain("npm install --save-dev husky");
    expect(existsSync(path.join(repo.dir, ".husky"))).toBe(false);
  });
});

describe("where hooks run", () => {
  it("works in a linked worktree (git worktree add)", () => {
    const { bob } = team();
    const wt = path.join(path.dirname(bob.dir), "bob worktree");
    git(bob.dir, "worktree", "add", "-q", "-b", "wt", wt);
    linkNodeModules(wt);
    expect0(sh(wt, "npm", ["run", "prepare", "--silent"]), "npm run prepare in the worktree");
    const tree = makeRepo(wt);
    addColumn(tree, "cacti", 't.datetime "due_at"');
    git(wt, "add", "db/schema.rb");
    const refused = sh(wt, "git", ["commit", "-m", "due_at"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("commit refused");
    git(wt, "commit", "-q", "--no-verify", "-m", "due_at without generated files");
    git(wt, "checkout", "-q", "-b", "wt-before", "HEAD~1");
    const out = git(wt, "checkout", "wt");
    expect(out).toMatch(/\[REGEN\] Cactus/);
    expect(tree.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  });

  it("treats a checkout from nothing (fresh clone) and a merge without ORIG_HEAD (shallow clone) as a full check", () => {
    const { bob } = team();
    addColumn(bob, "cacti", 't.datetime "due_at"');
    const head = git(bob.dir, "rev-parse", "HEAD").trim();
    const fresh = bob.zc(["hook", "post-checkout", "0".repeat(40), head, "1"], { env: HOOK_ENV });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/\[REGEN\] Cactus/);

    addColumn(bob, "cacti", 't.datetime "due_on"');
    expect(existsSync(path.join(bob.dir, ".git/ORIG_HEAD"))).toBe(false);
    const merged = bob.zc(["hook", "post-merge", "0"], { env: HOOK_ENV });
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(/\[REGEN\] Cactus/);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  });

  it("never fails a post-* hook: a broken generator is reported loudly and git completes", () => {
    const { alice, bob } = team();
    addColumn(alice, "cacti", 't.datetime "due_at"');
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "due_at");
    git(alice.dir, "push", "-q");
    git(bob.dir, "fetch", "-q");
    bob.write("bin/rails", "#!/bin/sh\necho 'rails: boom' >&2\nexit 7\n");
    const r = sh(bob.dir, "git", ["checkout", "-q", "-b", "next", "origin/main"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("exited with code 7");
    expect(r.stderr).toContain("rails: boom");
    expect(r.stderr).toContain("the git command itself completed");
    expect(git(bob.dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("next\n");
  });
});

describe("the fast path", () => {
  it("decides from dist/cli.cjs alone: no CLI parser, config loader, schema or parser is loaded when nothing watched changed", () => {
    const { bob } = team();
    const before = git(bob.dir, "rev-parse", "HEAD").trim();
    bob.write("docs/readme.md", "x\n");
    git(bob.dir, "add", "docs/readme.md");
    git(bob.dir, "commit", "-q", "--no-verify", "-m", "docs");
    const after = git(bob.dir, "rev-parse", "HEAD").trim();
    // The entry copied away from dist/main.js, its chunks and node_modules: loading any of them would fail.
    const alone = path.join(path.dirname(bob.dir), "alone");
    mkdirSync(alone);
    copyFileSync(path.join(PROJECT, "dist/cli.cjs"), path.join(alone, "cli.cjs"));
    const quick = sh(bob.dir, process.execPath, [path.join(alone, "cli.cjs"), "hook", "post-checkout", before, after, "1"]);
    expect(quick).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(sh(bob.dir, process.execPath, [path.join(alone, "cli.cjs"), "hook", "pre-commit"])).toEqual({ code: 0, stdout: "", stderr: "" });
    // A watched change needs the rest of the CLI, which is not there.
    addColumn(bob, "cacti", 't.datetime "due_at"');
    git(bob.dir, "add", "db/schema.rb");
    expect(sh(bob.dir, process.execPath, [path.join(alone, "cli.cjs"), "hook", "pre-commit"]).code).not.toBe(0);
  });
});

describe("plain hooks/ scripts (core.hooksPath)", () => {
  function plainHooks() {
    const root = scratchDir();
    const repo = exampleRepo({ dir: path.join(root, "app"), commit: false });
    expect0(repo.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "-m", "app");
    // As installed from npm: node_modules/zero-models/hooks next to its dist/.
    mkdirSync(path.join(root, "pkg"));
    symlinkSync(path.join(PROJECT, "hooks"), path.join(root, "pkg", "hooks"));
    symlinkSync(path.join(PROJECT, "dist"), path.join(root, "pkg", "dist"));
    git(repo.dir, "config", "core.hooksPath", path.join(root, "pkg", "hooks"));
    addColumn(repo, "cacti", 't.datetime "due_at"');
    git(repo.dir, "add", "db/schema.rb");
    return repo;
  }

  it("refuse a stale commit", () => {
    const repo = plainHooks();
    const r = sh(repo.dir, "git", ["commit", "-m", "due_at"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("commit refused");
  });

  it("let the commit through with a clear line when node is not on the PATH (GUI git clients)", () => {
    const repo = plainHooks();
    // A PATH with git and the few tools the hook script uses, but no node.
    const bin = path.join(path.dirname(repo.dir), "bin-without-node");
    mkdirSync(bin);
    for (const tool of ["git", "sh", "basename", "dirname"]) {
      symlinkSync(sh("/", "sh", ["-c", `command -v ${tool}`]).stdout.trim(), path.join(bin, tool));
    }
    const r = sh(repo.dir, "git", ["commit", "-m", "due_at"], { PATH: bin });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("zero-models: node is not on PATH, so the pre-commit hook was skipped");
  });
});

describe("two runs at once", () => {
  it("never interleave: the second waits for the first, then finds nothing left to do", async () => {
    const repo = exampleRepo({ dir: path.join(scratchDir(), "app") });
    expect0(repo.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate");
    addColumn(repo, "cacti", 't.datetime "due_at"');
    const slow = { ...HOOK_ENV, ZERO_EXAMPLE_BOOT_MS: "1500" };
    const [a, b] = await Promise.all([zcAsync(repo.dir, ["generate"], slow), delay(300).then(() => zcAsync(repo.dir, ["generate"], slow))]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    // Whichever got the lock first regenerated; the other found nothing left.
    const outputs = [a.stdout, b.stdout];
    expect(outputs.filter((out) => /\[REGEN\] Cactus/.test(out))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes("the generator did not run"))).toHaveLength(1);
  });

  it("the second gives up after lockTimeout and names the run holding the lock", async () => {
    const repo = exampleRepo({ dir: path.join(scratchDir(), "app"), config: (c) => ({ ...c, lockTimeout: 1 }) });
    addColumn(repo, "cacti", 't.datetime "due_at"');
    const first = zcAsync(repo.dir, ["generate", "--all"], { ...HOOK_ENV, ZERO_EXAMPLE_BOOT_MS: "4000" });
    await waitFor(() => existsSync(path.join(repo.dir, "tmp/zero-models/run.owner.json")));
    const second = await zcAsync(repo.dir, ["generate"], HOOK_ENV);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another zero-models run holds .*run\.lock \(pid \d+ on .*: `zero-models generate`/);
    expect(second.stderr).toContain("waited 1s");
    expect((await first).code).toBe(0);
  });

  it("a lock left by a killed run is taken over at once", async () => {
    const repo = exampleRepo({ dir: path.join(scratchDir(), "app"), config: (c) => ({ ...c, lockTimeout: 1 }) });
    const child = spawn(process.execPath, [CLI, "generate", "--all"], { cwd: repo.dir, env: { ...process.env, ...HOOK_ENV, ZERO_EXAMPLE_BOOT_MS: "10000" }, stdio: "ignore" });
    await waitFor(() => existsSync(path.join(repo.dir, "tmp/zero-models/run.owner.json")));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("exit", resolve));
    expect(existsSync(path.join(repo.dir, "tmp/zero-models/run.lock"))).toBe(true);
    const next = await zcAsync(repo.dir, ["generate", "--all", "-q"], HOOK_ENV);
    expect(next.code).toBe(0);
    expect(repo.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  });
});

/** Polls every 5 ms: a coarser poll hid a run killed mid-write of its owner file (an empty file no one could take over from). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await delay(5);
  if (!condition()) throw new Error("condition not met in 10 s");
}
