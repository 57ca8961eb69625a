import { mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleRepo, type Repo } from "../helpers/repo.js";
import { closedPortUrl, startRemoteServer, type RemoteServer } from "../helpers/remote-server.js";
import { addColumn, addTooling, expect0, git, HOOK_ENV, scratchDir, sh, team, writeJson } from "../helpers/team.js";

/**
 * `zero-models doctor` on the example team's clone, as set up by init and
 * husky, then broken one way at a time: each failure it knows is named, with
 * its fix line, and only failures (not warnings) make it exit 1.
 */

interface Check {
  id: string;
  status: "pass" | "warn" | "fail" | "skip";
  detail: string;
  fix: string | null;
}

function doctor(repo: Repo, env: NodeJS.ProcessEnv = {}): { code: number | null; checks: Record<string, Check>; text: string } {
  const r = repo.zc(["doctor", "--json"], { env: { ...HOOK_ENV, ...env } });
  const checks = Object.fromEntries((JSON.parse(r.stdout) as { checks: Check[] }).checks.map((c) => [c.id, c]));
  const human = repo.zc(["doctor"], { env: { ...HOOK_ENV, ...env } });
  expect(human.code).toBe(r.code);
  return { code: r.code, checks, text: `${human.stdout}${human.stderr}` };
}

const editConfig = (repo: Repo, change: (c: Record<string, unknown>) => Record<string, unknown>) =>
  writeJson(path.join(repo.dir, ".zeromodelsrc.json"), change(JSON.parse(repo.read(".zeromodelsrc.json")) as Record<string, unknown>));

describe("zero-models doctor on a healthy app", () => {
  let server: RemoteServer;
  beforeAll(async () => {
    server = await startRemoteServer({ token: "doctor-token" });
  }, 30_000);
  afterAll(() => server?.stop());

  it("passes every check and exits 0; the shared store is checked only when configured", () => {
    const { bob } = team();
    const { code, checks, text } = doctor(bob);
    expect(code, text).toBe(0);
    expect(Object.keys(checks)).toEqual(["node", "git", "config", "package", "hooks", "merge", "generator", "lock", "migrations", "store", "remote"]);
    for (const c of Object.values(checks)) if (c.id !== "remote") expect(c, text).toMatchObject({ status: "pass", fix: null });
    expect(checks.remote!.status).toBe("skip");
    expect(text).toMatch(/^\[ok {2}\] git hooks +pre-commit, post-merge, post-checkout and post-rewrite run zero-models/m);
    expect(text).toMatch(/^\[ok {2}\] lock merge driver +git merges zero-models.lock entry by entry \(zero-models merge-lock\)$/m);
    expect(text).toContain("All 10 checks passed.");

    editConfig(bob, (c) => ({ ...c, remote: { url: server.url, team: "doctor" } }));
    const remote = doctor(bob, { ZERO_MODELS_REMOTE_TOKEN: server.token });
    expect(remote.checks.remote, remote.text).toMatchObject({ status: "pass", detail: `${new URL(server.url).host} answers` });
    expect(remote.code).toBe(0);
  });
});

describe("zero-models doctor with package.json in frontend/", () => {
  it("finds the package from where npx runs it, or from --package", () => {
    const repo = exampleRepo({ dir: path.join(scratchDir(), "app"), commit: false });
    addTooling(repo, "frontend");
    expect0(repo.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate");
    expect0(repo.zc(["init", "--package", "frontend"], { env: HOOK_ENV }), "init");
    repo.commitAll("app");
    for (const [cwd, args] of [[path.join(repo.dir, "frontend"), []], [repo.dir, ["--package", "frontend"]]] as const) {
      const r = repo.zc(["doctor", "--json", ...args], { cwd, env: HOOK_ENV });
      const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks;
      expect(r.code, r.stdout).toBe(0);
      expect(checks.filter((c) => c.status !== "pass").map((c) => c.id)).toEqual(["remote"]);
      expect(checks.find((c) => c.id === "hooks")!.detail).toContain("core.hooksPath frontend/.husky/_");
    }
    expect(repo.zc(["doctor"], { env: HOOK_ENV }).stderr).toContain("or pass --package <dir>");
  });
});

describe("zero-models doctor: each failure with its fix", () => {
  it("the package: not installed, another package's zero-models command", () => {
    const { bob } = team();
    const bin = path.join(bob.dir, "node_modules/.bin/zero-models");

    unlinkSync(bin);
    let d = doctor(bob);
    expect(d.code).toBe(1);
    expect(d.checks.package).toMatchObject({ status: "fail", fix: "Fix: npm install --save-dev zero-models, or npm install if package.json lists it." });
    expect(d.text).toContain("[FAIL] zero-models installed  node_modules/.bin/zero-models is missing");
    expect(d.text).toMatch(/\n {7}Fix: npm install --save-dev zero-models/);

    const other = path.join(bob.dir, "node_modules/other-tool");
    mkdirSync(other);
    writeFileSync(path.join(other, "package.json"), '{ "name": "other-tool", "version": "1.0.0", "bin": { "zero-models": "cli.js" } }\n');
    writeFileSync(path.join(other, "cli.js"), "#!/usr/bin/env node\n");
    symlinkSync(path.join(other, "cli.js"), bin);
    d = doctor(bob);
    expect(d.checks.package).toMatchObject({ status: "fail", detail: expect.stringContaining("belongs to other-tool, not to zero-models") });
    expect(d.checks.package!.fix).toContain("node node_modules/zero-models/dist/cli.cjs");
  });

  it("the hooks: a missing line, an outdated line, husky not active", () => {
    const { bob } = team();
    const preCommit = bob.read(".husky/pre-commit");
    bob.write(".husky/pre-commit", "");
    let d = doctor(bob);
    expect(d.code).toBe(1);
    expect(d.checks.hooks).toMatchObject({ status: "fail", detail: "no zero-models line in .husky/pre-commit", fix: "Fix: npx zero-models init" });

    bob.write(".husky/pre-commit", "npx zero-models hook pre-commit\n");
    d = doctor(bob);
    expect(d.code).toBe(0);
    expect(d.checks.hooks).toMatchObject({ status: "warn", fix: "Fix: npx zero-models uninstall && npx zero-models init" });

    bob.write(".husky/pre-commit", preCommit);
    git(bob.dir, "config", "--unset", "core.hooksPath");
    d = doctor(bob);
    expect(d.checks.hooks).toMatchObject({ status: "fail", fix: "Fix: npm install (its prepare script runs husky), or npx zero-models init." });
    expect(d.checks.hooks!.detail).toContain("core.hooksPath is unset, expected .husky/_");
  });

  it("the lock's merge driver: no .gitattributes line, not in this clone's git config, pointing at a missing file", () => {
    const { bob } = team();
    const attributes = bob.read(".gitattributes");
    bob.write(".gitattributes", "");
    let d = doctor(bob);
    expect(d.code).toBe(1);
    expect(d.checks.merge).toMatchObject({
      status: "fail",
      detail: "git merges zero-models.lock as text (its merge attribute is unspecified): branches that regenerated different tables conflict in it",
      fix: "Fix: npx zero-models init (it adds `zero-models.lock merge=zero-models` to .gitattributes), then commit .gitattributes.",
    });
    bob.write(".gitattributes", attributes);

    git(bob.dir, "config", "--remove-section", "merge.zero-models");
    d = doctor(bob);
    expect(d.checks.merge).toMatchObject({ status: "fail", detail: expect.stringContaining("merge.zero-models.driver is not set"), fix: "Fix: npm install (its prepare script sets it up in each clone), or npx zero-models init." });
    // The fix, as a teammate runs it.
    expect0(sh(bob.dir, "npm", ["run", "prepare", "--silent"]), "npm run prepare");
    expect(doctor(bob).checks.merge!.status).toBe("pass");

    git(bob.dir, "config", "merge.zero-models.driver", "node old/cli.cjs merge-lock %O %A %B");
    expect(doctor(bob).checks.merge).toMatchObject({ status: "fail", detail: "merge.zero-models.driver is `node old/cli.cjs merge-lock %O %A %B`, not the command this version sets" });
    expect0(bob.zc(["init"], { env: HOOK_ENV }), "init");

    rmSync(path.join(bob.dir, "node_modules/zero-models"));
    d = doctor(bob);
    expect(d.checks.merge).toMatchObject({ status: "fail", detail: "the merge driver runs node_modules/zero-models/dist/cli.cjs, which is missing" });
    expect(d.checks.merge!.fix).toContain("npm install");
  });

  it("the config: missing (warning), invalid (failure naming the example's path; what needs it is skipped)", () => {
    const { bob } = team();
    const config = bob.read(".zeromodelsrc.json");
    bob.remove(".zeromodelsrc.json");
    let d = doctor(bob);
    expect(d.checks.config).toMatchObject({ status: "warn", fix: "Fix: npx zero-models init" });

    bob.write(".zeromodelsrc.json", config.replace('"outputs"', '"outptus"'));
    d = doctor(bob);
    expect(d.code).toBe(1);
    expect(d.checks.config!.status).toBe("fail");
    expect(d.checks.config!.detail).toContain("unknown key `outptus`");
    expect(d.checks.config!.fix).toMatch(/^Fix: edit .*\.zeromodelsrc\.json as the message says \(every key and its default: .*\.zeromodelsrc\.example\)\.$/);
    for (const id of ["package", "hooks", "merge", "generator", "lock", "migrations", "store", "remote"]) expect(d.checks[id]!.status).toBe("skip");
  });

  it("the generator command, the cache folder not ignored, the remote unreachable", async () => {
    const { bob } = team();
    editConfig(bob, (c) => ({ ...c, generator: { ...(c.generator as object), all: ["bin/rails-missing", "generate", "zero:active_models"] } }));
    let d = doctor(bob);
    expect(d.code).toBe(1);
    expect(d.checks.generator).toMatchObject({ status: "fail", detail: expect.stringContaining("bin/rails-missing (from generator.all") });
    expect(d.checks.generator!.fix).toBe("Fix: set generator.all in .zeromodelsrc.json to the command that runs your generator, or make that file executable (chmod +x).");

    git(bob.dir, "checkout", "-q", "--", ".zeromodelsrc.json");
    bob.write(".gitignore", bob.read(".gitignore").replace(/^\/tmp.*$/m, ""));
    d = doctor(bob);
    expect(d.checks.store).toMatchObject({ status: "fail", fix: "Fix: npx zero-models init" });
    expect(d.checks.store!.detail).toContain("tmp/zero-models/ is not ignored by git");

    git(bob.dir, "checkout", "-q", "--", ".gitignore");
    const url = await closedPortUrl();
    editConfig(bob, (c) => ({ ...c, remote: { url, team: "doctor" } }));
    d = doctor(bob);
    expect(d.code).toBe(0);
    expect(d.checks.remote).toMatchObject({ status: "warn", fix: "Fix: check remote.url and ZERO_MODELS_REMOTE_TOKEN; runs go on without the shared store meanwhile." });
  });

  it("the lock: missing and stale (warnings), unreadable (failure); a pending migration (warning)", () => {
    const { bob } = team();
    addColumn(bob, "cacti", 't.datetime "due_at"');
    let d = doctor(bob);
    expect(d.code).toBe(0);
    expect(d.checks.lock).toMatchObject({ status: "warn", fix: "Fix: npx zero-models generate" });
    expect(d.checks.lock!.detail).toMatch(/1 of 11 tables are stale/);

    bob.write("db/migrate/29990101000000_add_due_on_to_cacti.rb", "class AddDueOnToCacti < ActiveRecord::Migration[8.0]\nend\n");
    d = doctor(bob);
    expect(d.checks.migrations).toMatchObject({ status: "warn", fix: "Fix: bin/rails db:migrate (it updates db/schema.rb), then npx zero-models generate." });

    bob.write("zero-models.lock", "<<<<<<< HEAD\n{}\n");
    d = doctor(bob);
    expect(d.code).toBe(1);
    expect(d.checks.lock).toMatchObject({ status: "fail", fix: "Fix: npx zero-models generate, then commit the lock file with the generated files." });
    expect(d.checks.lock!.detail).toContain("Git merges it by itself once its merge driver is set up: `npx zero-models doctor` says how.");
    expect(d.checks.lock!.detail).toContain("merge conflict markers");

    bob.remove("zero-models.lock");
    d = doctor(bob);
    expect(d.checks.lock).toMatchObject({ status: "warn", detail: "zero-models.lock does not exist yet: every table counts as stale" });
  });

  it("git older than husky needs", () => {
    const { bob } = team();
    const bin = path.join(path.dirname(bob.dir), "old-git");
    mkdirSync(bin);
    const real = sh("/", "sh", ["-c", "command -v git"]).stdout.trim();
    writeFileSync(path.join(bin, "git"), `#!/bin/sh\n[ "$1" = --version ] && { echo "git version 2.8.6"; exit 0; }\nexec ${real} "$@"\n`, { mode: 0o755 });
    const d = doctor(bob, { PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    rmSync(bin, { recursive: true });
    expect(d.code).toBe(1);
    expect(d.checks.git).toMatchObject({ status: "fail", detail: "git version 2.8.6", fix: "Fix: install git 2.9.0 or later." });
  });
});
