import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { exampleRepo, PROJECT } from "../helpers/repo.js";

describe("command line", () => {
  it("--version prints the package version", () => {
    const repo = exampleRepo();
    const r = repo.zc(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(PROJECT, "package.json"), "utf8")).version);
  });

  it("--help lists the commands and the exit codes", () => {
    const r = exampleRepo().zc(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check \[options\]/);
    expect(r.stdout).toMatch(/generate \[options\]/);
    expect(r.stdout).toContain("2  usage, config or input error");
  });

  it("an unknown option is a usage error, exit 2", () => {
    const r = exampleRepo().zc(["check", "--nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--nope'");
  });

  it("never lets Prism's WASI ExperimentalWarning reach the user", () => {
    const repo = exampleRepo();
    const r = repo.zc(["generate"]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("ExperimentalWarning");
    expect(r.stderr).not.toContain("WASI");
  });

  it("--quiet prints nothing when fresh; --debug explains decisions on stderr", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    const quiet = repo.zc(["check", "--quiet"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    const debug = repo.zc(["check", "--debug"]);
    expect(debug.stderr).toMatch(/zero-cache:debug \+\d+ms .*11 tables, 0 stale/);
  });

  it("--explain lists each component of a stale table", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit("app/models/tag.rb", (s) => `# touched\n${s}`);
    const r = repo.zc(["check", "--explain"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/changed +model app\/models\/tag\.rb +[0-9a-f]{12} -> [0-9a-f]{12}/);
    expect(r.stdout).toMatch(/same +schema tags +([0-9a-f]{12}) -> \1/);
  });

  it("runs from a subfolder, finding the config and repo above it", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    const r = repo.zc(["check"], { cwd: path.join(repo.dir, "app/models") });
    expect(r.code).toBe(0);
  });
});

describe("check --staged judges the index, not the work tree", () => {
  it("ignores unstaged edits and sees staged ones", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.commitAll("generated");
    repo.edit("db/schema.rb", (s) => s.replace('t.string "species", null: false', 't.string "species"'));
    expect(repo.zc(["check"]).code).toBe(1);
    expect(repo.zc(["check", "--staged"]).code).toBe(0);
    repo.git("add", "db/schema.rb");
    const staged = repo.zc(["check", "--staged"]);
    expect(staged.code).toBe(1);
    expect(staged.stdout).toContain("cacti (Cactus): schema cacti changed");
    expect(staged.stdout).toMatch(/Fix: npx zero-cache generate && git add zero-cache\.lock .*frontend\/src\/lib\/models\/cactus\.ts/);
    expect(repo.zc(["generate"]).code).toBe(0);
    expect(repo.zc(["check", "--staged"]).code).toBe(1); // generated, not yet staged
    repo.git("add", "-A");
    expect(repo.zc(["check", "--staged"]).code).toBe(0);
  });
});
