import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { CLI, exampleRepo, makeRepo, type Repo, type Result } from "../helpers/repo.js";

/**
 * Security, issue 16, the smaller items: input a teammate commits (file and
 * table names, Ruby, the config) or that sits beside it (a second config
 * file, a submodule) can neither reach the terminal raw, nor make zero-models
 * write into .git, nor pass for fresh when zero-models cannot see it, nor
 * crash or hang the parser. Each ends as exit 2 naming the file, not exit 3.
 */

const withOutputs = (change: (outputs: { perTable: string[]; shared: string[] }) => void) => (c: Record<string, unknown>) => {
  const outputs = structuredClone(c.outputs) as { perTable: string[]; shared: string[] };
  change(outputs);
  return { ...c, outputs };
};

describe("outputs inside .git", () => {
  it("outputs.shared naming .git/hooks/post-checkout is a config error (exit 2) naming the key; nothing is written there", () => {
    const repo = exampleRepo({ config: withOutputs((o) => o.shared.push(".git/hooks/post-checkout")) });
    for (const args of [["check"], ["generate"]]) {
      const r = repo.zc(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('`outputs.shared[2]` is ".git/hooks/post-checkout", where zero-models never writes: it is inside .git');
    }
    expect(existsSync(path.join(repo.dir, ".git/hooks/post-checkout"))).toBe(false);
  });

  it("outputs.perTable reaching .git through .. and another case (.GIT) is refused the same way", () => {
    const repo = exampleRepo({ config: withOutputs((o) => o.perTable.push("frontend/../.GIT/{table}.ts")) });
    const r = repo.zc(["generate"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('`outputs.perTable[3]` is "frontend/../.GIT/{table}.ts", where zero-models never writes: it is inside .git');
  });
});

describe("a second config file", () => {
  it("beside the first is refused (exit 2) naming both, even when check's fast path last saw everything fresh", () => {
    const repo = exampleRepo();
    expect(repo.zc(["generate", "-q"]).code).toBe(0);
    expect(repo.zc(["check"]).code).toBe(0);
    // cosmiconfig reads package.json first, then .zeromodelsrc: this one would silently win.
    repo.write("package.json", JSON.stringify({ name: "app", zeromodels: { outputs: { perTable: ["elsewhere/{table}.ts"], shared: [] } } }));
    for (const args of [["check"], ["generate"], ["check", "--staged"]]) {
      const r = repo.zc(args);
      expect(r.code, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`2 zero-models config files in one folder: ${path.join(repo.dir, "package.json")}, ${path.join(repo.dir, ".zeromodelsrc.json")}.`);
      expect(r.stderr).toContain("name one with --config");
    }
    expect(repo.exists("elsewhere")).toBe(false);
    expect(repo.zc(["check", "--config", ".zeromodelsrc.json"]).code).toBe(0);
  });
});

/** Control characters a terminal could obey (newline and tab are layout); the literal text `\x1b` is not one. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const shown = (r: Result) => `${r.stdout}${r.stderr}`;

describe("terminal escapes in names from data", () => {
  it("a committed model, concern and migration whose names hold ESC sequences (colour, OSC title) are printed with them shown, never raw", () => {
    const repo = exampleRepo();
    expect(repo.zc(["generate", "-q"]).code).toBe(0);
    repo.commitAll("generated");
    repo.write("app/models/cli\x1b[31mRED\x1b]0;pwned\x07.rb", repo.read("app/models/client.rb"));
    repo.write("app/models/concerns/x\x1b[2J\u202e.rb", "module X\nend\n");
    repo.write("db/migrate/29990101000000_e\x1b[31mvil.rb", "class Evil < ActiveRecord::Migration[7.1]\n  def change\n  end\nend\n");
    repo.commitAll("hostile names");
    for (const args of [["check"], ["check", "--explain"], ["check", "--debug"], ["generate", "--dry-run"], ["hook", "post-merge"]]) {
      // Not CI: in CI the post-* hooks do nothing, and .ci/run sets CI=true.
      const r = repo.zc(args, { env: { CI: "false" } });
      expect(shown(r), args.join(" ")).not.toMatch(RAW_CONTROL);
      expect(shown(r), args.join(" ")).toContain("app/models/cli\\x1b[31mRED\\x1b]0;pwned\\x07.rb");
    }
    const json = repo.zc(["check", "--json"]);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(json.stdout) as { pendingMigrations: string[] }).pendingMigrations).toEqual(["db/migrate/29990101000000_e\x1b[31mvil.rb"]);
  });

  it("a table name in schema.rb holding a C1 control (U+009B, a one-byte CSI) is refused with the name shown, not obeyed, in text and in --json", () => {
    const repo = exampleRepo();
    repo.edit("db/schema.rb", (s) => s.replace('create_table "clients"', 'create_table "clients\u009b2J"'));
    const r = repo.zc(["check"]);
    expect(r.code).toBe(2);
    expect(shown(r)).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain("\\x9b2J");
    const json = repo.zc(["check", "--json"]);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(json.stdout) as { error: { message: string } }).error.message).toContain("clients\u009b2J");
  });
});

/** A repository holding `files`, committed, to be added as a submodule. */
function engineRepo(files: Record<string, string>): Repo {
  const dir = mkdtempSync(path.join(tmpdir(), "zero-models-engine-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const engine = makeRepo(dir);
  engine.git("init", "-q", "-b", "main");
  for (const [file, text] of Object.entries(files)) engine.write(file, text);
  engine.commitAll("engine");
  return engine;
}

describe("inputs inside a git submodule", () => {
  it("a model inside a submodule that app/models/**/*.rb reaches is refused (exit 2) naming both; an edit there never reads as fresh", () => {
    const engine = engineRepo({ "client_billing.rb": "class Client < ApplicationRecord\nend\n" });
    const repo = exampleRepo();
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", engine.dir, "app/models/engine");
    repo.zc(["generate", "-q"]); // refused now; before, it generated and recorded the tables as fresh
    repo.commitAll("an engine's models as a submodule");
    // An association added inside the submodule changes the clients model: zero-models cannot see it.
    repo.write("app/models/engine/client_billing.rb", "class Client < ApplicationRecord\n  has_many :invoices\nend\n");
    for (const args of [["check"], ["check", "--staged"], ["generate"]]) {
      const r = repo.zc(args);
      expect(r.code, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('app/models/engine is a git submodule (or another repository inside this one), and the watched pattern "app/models/**/*.rb"');
      expect(r.stderr).toContain("inputs inside submodules are not supported");
    }
  });

  it("a pattern whose folders lie inside a submodule (git lists nothing there, not even the submodule) is refused too", () => {
    const engine = engineRepo({ "app/models/invoice.rb": "class Invoice < ApplicationRecord\nend\n" });
    const repo = exampleRepo({ config: (c) => ({ ...c, models: ["app/models/**/*.rb", "engines/billing/app/models/**/*.rb"] }) });
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", engine.dir, "engines/billing");
    repo.commitAll("billing engine");
    const r = repo.zc(["check"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('engines/billing is a git submodule (or another repository inside this one), and the watched pattern "engines/billing/app/models/**/*.rb"');
  });

  it("a submodule no watched pattern reaches is fine", () => {
    const engine = engineRepo({ "README.md": "docs\n" });
    const repo = exampleRepo();
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", engine.dir, "vendor/docs");
    expect(repo.zc(["generate", "-q"]).code).toBe(0);
    expect(repo.zc(["check"]).code).toBe(0);
  });
});

/** Runs the built CLI, killed after `seconds`: deep Ruby used to hang Prism for good (status null). */
function zcWithin(repo: Repo, args: string[], seconds: number): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.dir, env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8", timeout: seconds * 1000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("Ruby nested thousands of levels deep", () => {
  it("a model with 10,000 nested begin blocks is an input error (exit 2) naming the file, not a hang or a WASM stack trace", () => {
    const repo = exampleRepo();
    repo.write("app/models/deep.rb", `class Deep < ApplicationRecord\n${"begin\n".repeat(10_000)}${"end\n".repeat(10_000)}end\n`);
    for (const args of [["check"], ["generate"]]) {
      const r = zcWithin(repo, args, 30);
      expect(r.code, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain("app/models/deep.rb: Ruby nested too deeply to read (RangeError: Maximum call stack size exceeded)");
      expect(r.stderr).not.toContain("wasm://");
    }
  });

  it("a schema.rb with a default nested 10,000 arrays deep is refused the same way, and a model 1,001 levels deep names its line", () => {
    const repo = exampleRepo();
    repo.edit("db/schema.rb", (s) => s.replace(/(create_table "clients"[^\n]*\n)/, `$1    t.jsonb "deep", default: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`));
    const schema = zcWithin(repo, ["check"], 30);
    expect(schema.code, schema.stdout + schema.stderr).toBe(2);
    expect(schema.stderr).toContain("db/schema.rb: Ruby nested too deeply to read");
    repo.git("checkout", "db/schema.rb");
    repo.write("app/models/deep.rb", `class Deep < ApplicationRecord\n  X = ${"[".repeat(1001)}${"]".repeat(1001)}\nend\n`);
    const model = zcWithin(repo, ["check"], 30);
    expect(model.code, model.stdout + model.stderr).toBe(2);
    expect(model.stderr).toContain("app/models/deep.rb:2: Ruby nested too deeply to read (more than 1000 levels)");
  });
});
