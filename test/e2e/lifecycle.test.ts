import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { exampleRepo, type Repo } from "../helpers/repo.js";
import { addTooling, expect0, git, HOOK_ENV, scratchDir, sh, team } from "../helpers/team.js";

/** A project's life with zero-models: `init` writes little, `uninstall` takes back exactly that, and hooks outlive the package quietly. */

/** An app with a team's own pre-commit hook and prepare script, committed, not yet set up for zero-models. */
function teamApp(options: { keepConfig?: boolean; packageDir?: string } = {}): Repo {
  const repo = exampleRepo({ dir: path.join(scratchDir(), "app"), commit: false });
  const pkg = options.packageDir ? `${options.packageDir}/` : "";
  if (!options.keepConfig) repo.remove(".zeromodelsrc.json");
  repo.write(`${pkg}package.json`, `${JSON.stringify({ name: "app", private: true, scripts: { prepare: "echo ready" }, devDependencies: { husky: "^9.1.7", "zero-models": "^0.1.0" } }, null, 2)}\n`);
  addTooling(repo, options.packageDir);
  repo.write(`${pkg}.husky/pre-commit`, "echo team-hook-ran\n");
  git(repo.dir, "add", "-A");
  git(repo.dir, "commit", "-q", "--no-verify", "-m", "app");
  return repo;
}

/** What uninstall must give back: git's view of the work tree, every hook file byte for byte, git's hooks path and merge drivers. */
function state(repo: Repo, pkg = "") {
  const husky = path.join(repo.dir, pkg, ".husky");
  const hooks = existsSync(husky) ? readdirSync(husky).filter((n) => n !== "_").map((n) => [n, readFileSync(path.join(husky, n))]) : [];
  const hooksPath = sh(repo.dir, "git", ["config", "--get", "core.hooksPath"]).stdout;
  const mergeDrivers = sh(repo.dir, "git", ["config", "--local", "--get-regexp", "^merge\\."]).stdout;
  const attributes = existsSync(path.join(repo.dir, ".gitattributes")) ? repo.read(".gitattributes") : null;
  return { status: git(repo.dir, "status", "--porcelain", "--untracked-files=all"), hooks, hooksPath, mergeDrivers, attributes, huskyScripts: existsSync(path.join(husky, "_")) };
}

describe("init writes only what differs from the defaults", () => {
  it("creates a config that sets no key and names the installed example by its path from the config's folder", () => {
    const repo = teamApp();
    expect0(repo.zc(["init"], { env: HOOK_ENV }), "init");
    const text = repo.read(".zeromodelsrc");
    expect(parseYaml(text) ?? {}).toEqual({});
    expect(text.split("\n").length).toBeLessThan(8);
    const example = /^#\s+(\S*\.zeromodelsrc\.example)$/m.exec(text)?.[1];
    expect(example).toBe("node_modules/zero-models/.zeromodelsrc.example");
    expect(existsSync(path.join(repo.dir, example!))).toBe(true);
    // Running on that config is running on the defaults.
    expect(repo.zc(["check", "--json"], { env: HOOK_ENV }).stdout).toContain('"stale"');
  });

  it("names the example under the package's node_modules when package.json is in a subfolder", () => {
    const repo = teamApp({ packageDir: "frontend" });
    expect0(repo.zc(["init", "--package", "frontend"], { env: HOOK_ENV }), "init");
    const example = /^#\s+(\S*\.zeromodelsrc\.example)$/m.exec(repo.read(".zeromodelsrc"))?.[1];
    expect(example).toBe("frontend/node_modules/zero-models/.zeromodelsrc.example");
    expect(existsSync(path.join(repo.dir, example!))).toBe(true);
  });

  it("config errors give the example's path, not just its name", () => {
    const repo = teamApp();
    repo.write(".zeromodelsrc", "schemaa: db/schema.rb\n");
    const r = repo.zc(["check"], { env: HOOK_ENV });
    expect(r.code).toBe(2);
    const example = /See (\S+\.zeromodelsrc\.example) for every key/.exec(r.stderr)?.[1];
    expect(example, r.stderr).toBeDefined();
    expect(existsSync(path.resolve(repo.dir, example!))).toBe(true);
  });
});

describe("zero-models uninstall", () => {
  it("--purge leaves git status, the hook files and core.hooksPath as they were before init", () => {
    const repo = teamApp();
    const before = state(repo);
    expect0(repo.zc(["init"], { env: HOOK_ENV }), "init");
    expect0(repo.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate");
    expect(state(repo)).not.toEqual(before);
    // The generated files are the team's to keep or delete; the lock is zero-models'.
    repo.remove("frontend/src/lib/models");
    const r = expect0(repo.zc(["uninstall", "--purge"], { env: HOOK_ENV }), "uninstall --purge");
    expect(r.stdout).toContain("npm uninstall zero-models");
    expect(state(repo)).toEqual(before);
    expect(existsSync(path.join(repo.dir, "tmp/zero-models"))).toBe(false);
  });

  it("without --purge keeps the config and the lock, and takes back only the hook set-up", () => {
    const repo = teamApp({ keepConfig: true, packageDir: "frontend" });
    const before = state(repo, "frontend");
    expect0(repo.zc(["init", "--package", "frontend"], { env: HOOK_ENV }), "init");
    const r = expect0(repo.zc(["uninstall", "--package", "frontend"], { env: HOOK_ENV }), "uninstall");
    expect(r.stdout).toContain("uninstall --purge");
    expect(state(repo, "frontend")).toEqual(before);
    expect(repo.zc(["uninstall", "--package", "frontend"], { env: HOOK_ENV }).stdout).toContain("nothing of zero-models was set up here");
  });

  it("keeps the team's .gitattributes and merge drivers, taking back only the lock's line and driver", () => {
    const repo = teamApp({ keepConfig: true });
    repo.write(".gitattributes", "*.png binary\nGemfile.lock merge=bundler");
    git(repo.dir, "config", "merge.bundler.driver", "bundle-merge %O %A %B");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "--no-verify", "-m", "attributes");
    const before = state(repo);
    expect0(repo.zc(["init"], { env: HOOK_ENV }), "init");
    expect(repo.read(".gitattributes")).toBe("*.png binary\nGemfile.lock merge=bundler\nzero-models.lock merge=zero-models\n");
    expect(state(repo).mergeDrivers).toContain("merge.zero-models.driver");
    const r = expect0(repo.zc(["uninstall"], { env: HOOK_ENV }), "uninstall");
    expect(r.stdout).toContain(".gitattributes: removed the zero-models merge line");
    expect(r.stdout).toContain("merge.zero-models");
    // The final newline init had to add after the team's last line stays, as in the hook files.
    expect(repo.read(".gitattributes")).toBe("*.png binary\nGemfile.lock merge=bundler\n");
    repo.write(".gitattributes", "*.png binary\nGemfile.lock merge=bundler");
    expect(state(repo)).toEqual(before);
  });

  it("init again gives an app set up before the merge driver existed the driver, then changes nothing", () => {
    const repo = teamApp({ keepConfig: true });
    expect0(repo.zc(["init"], { env: HOOK_ENV }), "init");
    const current = state(repo);
    // What an earlier init left: no prepare step, no .gitattributes, no driver in git config.
    repo.write("package.json", repo.read("package.json").replace("zero-models hook prepare && ", ""));
    repo.remove(".gitattributes");
    git(repo.dir, "config", "--remove-section", "merge.zero-models");
    const again = expect0(repo.zc(["init"], { env: HOOK_ENV }), "init again");
    expect(again.stdout).toContain("prepare script sets up the lock's merge driver");
    expect(again.stdout).toContain(".gitattributes: created with `zero-models.lock merge=zero-models` (commit it)");
    expect(again.stdout).toContain("git config: merge.zero-models.driver runs node node_modules/zero-models/dist/cli.cjs merge-lock %O %A %B");
    expect(state(repo)).toEqual(current);
    expect(expect0(repo.zc(["init"], { env: HOOK_ENV }), "init a third time").stdout).toContain("everything was already set up");
  });

  it("keeps husky when the team had it before init", () => {
    const repo = teamApp({ keepConfig: true });
    repo.write("package.json", repo.read("package.json").replace('"echo ready"', '"husky"'));
    expect0(sh(repo.dir, "npm", ["run", "prepare", "--silent"]), "npm run prepare");
    git(repo.dir, "commit", "-q", "--no-verify", "-am", "husky");
    const before = state(repo);
    expect(before.huskyScripts).toBe(true);
    expect0(repo.zc(["init"], { env: HOOK_ENV }), "init");
    expect0(repo.zc(["uninstall"], { env: HOOK_ENV }), "uninstall");
    expect(state(repo)).toEqual(before);
    expect(git(repo.dir, "commit", "--allow-empty", "-m", "still hooked")).toContain("team-hook-ran");
  });
});

describe("hooks after the package is gone", () => {
  /** What `npm uninstall zero-models` leaves: no package, no bin, no entry in package.json. */
  function npmUninstall(repo: Repo, fromPackageJson: boolean): void {
    rmSync(path.join(repo.dir, "node_modules/zero-models"));
    unlinkSync(path.join(repo.dir, "node_modules/.bin/zero-models"));
    if (fromPackageJson) {
      const pkg = JSON.parse(repo.read("package.json")) as { devDependencies: Record<string, string> };
      delete pkg.devDependencies["zero-models"];
      repo.write("package.json", `${JSON.stringify(pkg, null, 2)}\n`);
    }
  }

  it("say once that the package was removed, and never fail a git command", () => {
    const { bob } = team();
    npmUninstall(bob, true);
    const commits = [1, 2, 3].map((n) => {
      bob.write(`docs/${n}.md`, `${n}\n`);
      git(bob.dir, "add", "-A");
      return sh(bob.dir, "git", ["commit", "-m", `docs ${n}`]);
    });
    for (const c of commits) expect(c.code, c.stderr).toBe(0);
    expect(commits[0]!.stderr).toContain("zero-models: the package is no longer installed, but its hook lines are still in .husky/");
    expect(commits[0]!.stderr).toContain("npx zero-models uninstall");
    expect(commits[0]!.stderr).not.toContain("npm install");
    for (const c of commits.slice(1)) expect(`${c.stdout}${c.stderr}`).not.toContain("zero-models");
    const switched = sh(bob.dir, "git", ["checkout", "-q", "-b", "next"]);
    expect(switched).toMatchObject({ code: 0, stderr: "" });
  });

  it("say run npm install when package.json still lists zero-models", () => {
    const { bob } = team();
    npmUninstall(bob, false);
    bob.write("docs/a.md", "a\n");
    git(bob.dir, "add", "docs/a.md");
    const c = sh(bob.dir, "git", ["commit", "-m", "docs"]);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain("zero-models is in package.json but not installed; pre-commit hook skipped. Run npm install.");
  });
});
