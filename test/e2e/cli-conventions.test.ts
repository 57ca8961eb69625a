import { describe, expect, it } from "vitest";
import { CLI } from "../helpers/repo.js";
import { HOOK_ENV, sh, staleTables, team } from "../helpers/team.js";

/**
 * What a user expects of any CLI (issue 20, item 6): global options anywhere,
 * a pipe closed early, --quiet that still gives a verdict, short usage
 * errors, and table names to restrict the work. The built CLI in a real team
 * clone.
 */

const TEMPLATE = "lib/generators/zero/active_models/templates/model.ts.tpl";

function addValidation(text: string): string {
  return text.replace(/^(class \S+ < \S+\n)/m, `$1  validates :nickname, presence: true\n`);
}

describe("global options", () => {
  it("--json works before the subcommand as after it, and top-level --help lists it", () => {
    const { bob } = team();
    for (const args of [["--json", "check"], ["check", "--json"], ["--json", "-q", "check"]]) {
      const r = bob.zc(args, { env: HOOK_ENV });
      expect(r.code, args.join(" ")).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: 1, fresh: true });
    }
    bob.edit(TEMPLATE, (t) => `${t}// x\n`);
    const stale = bob.zc(["--json", "check"], { env: HOOK_ENV });
    expect(stale.code).toBe(1);
    expect(JSON.parse(stale.stdout)).toMatchObject({ fresh: false });
    expect(JSON.parse(bob.zc(["--json", "generate", "--dry-run"], { env: HOOK_ENV }).stdout)).toMatchObject({ dryRun: true });
    expect(bob.zc(["--help"]).stdout).toMatch(/^ {2}--json\b/m);
  });

  it("--quiet, --debug, --config and --cwd are taken before or after the subcommand", () => {
    const { bob } = team();
    const sub = `${bob.dir}/frontend`;
    for (const args of [
      ["-q", "check"],
      ["check", "-q"],
      ["--debug", "check"],
      ["check", "--debug"],
      ["--config", ".zeromodelsrc.json", "check"],
      ["check", "--config", ".zeromodelsrc.json"],
      ["-C", bob.dir, "check"],
      ["check", "-C", bob.dir],
    ]) {
      const r = bob.zc(args, { cwd: args.includes("-C") ? sub : bob.dir, env: HOOK_ENV });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
  });
});

describe("output conventions", () => {
  it("check piped into a reader that is gone (| head, | true) ends quietly with its own exit code, no EPIPE stack trace", () => {
    const { bob } = team();
    bob.edit(TEMPLATE, (t) => `${t}// x\n`);
    // `true` reads nothing and is gone before node starts writing: every write meets a closed pipe.
    const r = sh(bob.dir, "bash", ["-c", `node "${CLI}" check --explain | true; echo "exit \${PIPESTATUS[0]}"`]);
    expect(r.stdout).toBe("exit 1\n");
    expect(r.stderr).toBe("");
    const head = sh(bob.dir, "bash", ["-c", `node "${CLI}" check --explain | head -1`]);
    expect(head.stdout).toBe("zero-models: 11 of 11 tables stale:\n");
    expect(head.stderr).toBe("");
  });

  it("-q check prints one line when stale (a verdict is a result), nothing when fresh", () => {
    const { bob } = team();
    expect(bob.zc(["-q", "check"], { env: HOOK_ENV }).stdout).toBe("");
    bob.edit(TEMPLATE, (t) => `${t}// x\n`);
    const r = bob.zc(["-q", "check"], { env: HOOK_ENV });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("zero-models: stale (11 of 11 tables). Fix: npx zero-models generate\n");
  });

  it("a usage error prints the error and where to look, not the whole help", () => {
    const { bob } = team();
    const r = bob.zc(["check", "--bogus"], { env: HOOK_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(r.stderr).toContain("zero-models --help");
    expect(r.stderr + r.stdout).not.toMatch(/Usage:|Options:/);
  });
});

describe("table names restrict the work", () => {
  it("check judges only the named tables (arguments, --table, model names)", () => {
    const { bob } = team();
    bob.edit("app/models/cactus.rb", addValidation);
    expect(bob.zc(["check", "tags"], { env: HOOK_ENV }).code).toBe(0);
    expect(bob.zc(["check", "--table", "tags", "--table", "people"], { env: HOOK_ENV }).code).toBe(0);
    const named = bob.zc(["check", "Cactus", "tags"], { env: HOOK_ENV });
    expect(named.code).toBe(1);
    expect(named.stdout).toContain("1 of 2 tables stale");
    expect(staleTables(bob, ["cacti"])).toEqual(["cacti"]);
  });

  it("an unknown table is a usage error naming the closest one", () => {
    const { bob } = team();
    const r = bob.zc(["check", "cacty"], { env: HOOK_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown table "cacty" (did you mean "cacti"?)');
    expect(bob.zc(["generate", "--table", "nope"], { env: HOOK_ENV }).code).toBe(2);
  });

  it("generate of some tables regenerates only them and keeps the lock right for the others", () => {
    const { bob } = team();
    bob.edit(TEMPLATE, (t) => `${t}// x\n`);
    const r = bob.zc(["generate", "cacti", "--table", "notes"], { env: HOOK_ENV });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[REGEN\] 2 tables \(cacti, notes\)/);
    const stale = staleTables(bob);
    expect(stale).toHaveLength(9);
    expect(stale).not.toContain("cacti");
    expect(stale).not.toContain("notes");
    // The rest afterwards: everything fresh, and a full verify agrees with the incremental state.
    expect(bob.zc(["generate", "-q"], { env: HOOK_ENV }).code).toBe(0);
    expect(staleTables(bob)).toEqual([]);
    const verify = bob.zc(["verify"], { env: HOOK_ENV });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  it("restore and verify take table names too", () => {
    const { bob } = team();
    const restore = bob.zc(["restore", "cacti"], { env: HOOK_ENV });
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain("the table is fresh");
    const verify = bob.zc(["--json", "verify", "cacti"], { env: HOOK_ENV });
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, compared: 3 });
  });
});
