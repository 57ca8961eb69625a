import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { tmpdir } from "node:os";
import { describe, expect, it, onTestFinished } from "vitest";
import { visibleEdit } from "../helpers/edits.js";
import { CLI, exampleRepo, makeRepo, PROJECT } from "../helpers/repo.js";
import { lockOf, lockText } from "../helpers/lock-file.js";

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
    const debug = repo.zc(["check", "--debug"]);
    expect(debug.stderr).toMatch(/zero-models:debug \+\d+ms .*11 tables, 0 stale/);
    const quiet = repo.zc(["check", "--quiet"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    // Nothing changed since that fresh verdict: the next check reuses it.
    expect(repo.zc(["check", "--debug"]).stderr).toMatch(/zero-models:debug \+\d+ms nothing changed since the last fresh verdict of 11 tables/);
  });

  it("parses only files whose content changed since they were last parsed", () => {
    const repo = exampleRepo();
    const first = repo.zc(["check", "--debug"]);
    expect(first.stderr.match(/ parse model /g)).toHaveLength(14); // every model and concern file, once
    expect(first.stderr.match(/ parse schema-statement /g)?.length).toBeGreaterThan(11); // each statement of schema.rb's define block
    const again = repo.zc(["check", "--debug"]);
    expect(again.stderr).not.toMatch(/ parse /);
    repo.edit("app/models/person.rb", (s) => `# touched\n${s}`);
    const edited = repo.zc(["check", "--debug"]);
    expect(edited.stderr.match(/ parse [a-z-]+ /g)).toEqual([" parse model ", " parse declarations "]);
    // One column added: Prism parses that create_table block alone, not the whole schema.
    repo.edit("db/schema.rb", (s) => s.replace('t.string "species", null: false', 't.string "species", null: false\n    t.string "genus"'));
    const column = repo.zc(["check", "--debug"]);
    expect(column.stderr.match(/ parse [a-z-]+ /g)).toEqual([" parse schema-statement "]);
  });

  it("shows a spinner with the run's duration on a terminal", () => {
    const repo = exampleRepo();
    // `script` gives the child a pseudo-terminal, as an interactive shell would.
    const { CI: _ci, GITHUB_ACTIONS: _gha, ...env } = process.env;
    const r = spawnSync("script", ["-qec", `${process.execPath} ${CLI} generate`, "/dev/null"], {
      cwd: repo.dir,
      env: { ...env, NO_COLOR: "1", TERM: "xterm" },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("\x1b[?25l"); // the spinner hides the cursor while it spins
    expect(r.stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] zero-models: running bin\/rails generate zero:active_models/);
    expect(r.stdout).toMatch(/✔ bin\/rails generate zero:active_models \(\d+\.\d+s\)/);

    const plain = repo.zc(["generate", "--all"], { env: { CI: "true" } });
    expect(plain.stdout).not.toContain("\x1b[");
    expect(plain.stdout).toContain("zero-models: running bin/rails generate zero:active_models");
  });

  it("--explain=all lists each component of a stale table", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.edit("app/models/tag.rb", (s) => visibleEdit(s));
    const r = repo.zc(["check", "--explain=all"]);
    expect(r.code).toBe(1);
    // The hash tags the lock records (see src/staleness/lock.ts).
    expect(r.stdout).toMatch(/changed +model app\/models\/tag\.rb +[\w-]{4} -> [\w-]{4}\n/);
    expect(r.stdout).toMatch(/same +schema tags +([\w-]{4}) -> \1\n/);
  });

  it("runs from a subfolder, finding the config and repo above it", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    const r = repo.zc(["check"], { cwd: path.join(repo.dir, "app/models") });
    expect(r.code).toBe(0);
  });
});

describe("CI gate", () => {
  it("a fresh clone with the committed lock and outputs is fresh, with no generator and no cache; a stale push fails", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.commitAll("generated");
    const clone = makeRepo(mkdtempSync(path.join(tmpdir(), "zero-models-clone-")));
    onTestFinished(() => rmSync(clone.dir, { recursive: true, force: true }));
    execFileSync("git", ["clone", "-q", repo.dir, clone.dir]);
    expect(clone.exists("tmp/zero-models")).toBe(false);
    expect(clone.exists("node_modules")).toBe(false); // the generator could not even run
    const ok = clone.zc(["check"], { env: { CI: "true" } });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("all 11 tables fresh");

    repo.edit("app/models/tag.rb", (s) => visibleEdit(s));
    repo.commitAll("forgot to regenerate");
    clone.git("pull", "-q", "--no-rebase");
    const stale = clone.zc(["check"], { env: { CI: "true" } });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain("tags (Tag): model app/models/tag.rb changed");
  });
});

describe("a Rails app in a subfolder of the repository", () => {
  it("resolves paths against the config's folder, records repo-relative paths, and runs the generator there", () => {
    const repo = exampleRepo({ subdir: "my app/backend" });
    const app = path.join(repo.dir, "my app/backend");
    const g = repo.zc(["generate"], { cwd: app });
    expect(g.code).toBe(0);
    const lock = lockOf(repo.read("my app/backend/zero-models.lock"));
    expect(lock.tables.people!.outputs).toHaveProperty(["my app/backend/frontend/src/lib/models/person.ts"]);
    expect(repo.exists("my app/backend/frontend/src/lib/models/person.ts")).toBe(true);
    expect(repo.zc(["check"], { cwd: path.join(app, "app/models") }).code).toBe(0);
    expect(repo.zc(["-C", "my app/backend", "check"]).code).toBe(0);
    expect(repo.zc(["--config", "my app/backend/.zeromodelsrc.json", "check"]).code).toBe(0);
    repo.commitAll("generated");
    repo.edit("my app/backend/db/schema.rb", (s) => s.replace('t.string "species", null: false', 't.string "species"'));
    repo.git("add", "-A");
    const staged = repo.zc(["check", "--staged", "--json"], { cwd: app });
    expect(staged.code).toBe(1);
    expect(JSON.parse(staged.stdout).stale.map((t: { table: string }) => t.table)).toEqual(["cacti"]);
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
    expect(staged.stdout).toContain("cacti (Cactus): schema changed: ~ column species");
    expect(staged.stdout).toContain("Fix: npx zero-models generate --stage");
    expect(repo.zc(["generate"]).code).toBe(0);
    expect(repo.zc(["check", "--staged"]).code).toBe(1); // generated, not yet staged
    repo.git("add", "-A");
    expect(repo.zc(["check", "--staged"]).code).toBe(0);
  });

  it("generate --stage stages exactly what it wrote or deleted and the lock, nothing else", () => {
    const repo = exampleRepo();
    repo.zc(["generate"]);
    repo.commitAll("generated");
    repo.edit("db/schema.rb", (s) => s.replace('t.string "species", null: false', 't.string "species"'));
    repo.write("docs/unrelated.md", "not staged\n");
    repo.edit("README.md", (s) => `${s}\nunstaged edit\n`);
    // A dropped table's files are deleted; the deletions are staged too.
    repo.edit("db/schema.rb", (s) => s.replace(/  create_table "taggings"[\s\S]*?\n  end\n/, ""));
    repo.git("add", "db/schema.rb");
    expect(repo.zc(["generate", "--stage", "-q"]).code).toBe(0);
    const staged = repo.git("diff", "--cached", "--name-status").trim().split("\n").sort();
    expect(staged).toContain("M\tzero-models.lock");
    expect(staged).toContain("M\tfrontend/src/lib/models/types/cactus-data.ts");
    expect(staged).toContain("D\tfrontend/src/lib/models/tagging.ts");
    expect(staged.filter((l) => /docs\/|README/.test(l))).toEqual([]);
    expect(repo.zc(["check", "--staged"]).code).toBe(0);
    expect(repo.git("status", "--porcelain", "--", "README.md", "docs")).toMatch(/^ M README.md\n\?\? docs\/$/m);
  });
});
