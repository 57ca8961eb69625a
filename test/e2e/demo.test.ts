import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { PROJECT } from "../helpers/repo.js";
import { git, sh } from "../helpers/team.js";

/**
 * `npm run demo` is what a newcomer runs first. Its claims are checked twice:
 * by the demo itself (exit 0 only if every step behaved), and here, from its
 * output and from the repositories it leaves behind.
 */
describe("npm run demo", () => {
  it("shows the five steps on a real team set-up, and every claim holds", () => {
    // Its own TMPDIR, so nothing here touches another run's demo.
    const tmp = mkdtempSync(path.join(tmpdir(), "zero-models-demo-test-"));
    onTestFinished(() => rmSync(tmp, { recursive: true, force: true }));
    const env = { ...process.env, TMPDIR: tmp, NO_COLOR: "1", CI: "true" };
    const r = spawnSync(process.execPath, ["scripts/demo.mjs", "--no-build"], { cwd: PROJECT, env, encoding: "utf8" });
    const out = r.stdout;
    expect(r.status, `${out}\n${r.stderr}`).toBe(0);
    expect(out).toContain("Every step behaved as described.");
    expect(out).not.toContain("FAILED");

    const step = (n: number) => out.slice(out.indexOf(`\n${n}. `), out.indexOf(`\n${n + 1}. `) > 0 ? out.indexOf(`\n${n + 1}. `) : out.indexOf("\nSide by side"));
    const lines = (text: string, tag: string) => text.split("\n").map((l) => l.trim()).filter((l) => l.startsWith(`[${tag}]`));

    expect(lines(step(1), "REGEN")).toEqual(["[REGEN] 11 tables (activity_events, admin_audit_logs, cacti and 8 more) (no lock file yet)"]);
    // The pull regenerates exactly the changed table, says why, and caches the rest.
    expect(lines(step(2), "REGEN")).toEqual(["[REGEN] Cactus (schema changed: + column due_at)"]);
    expect(lines(step(2), "CACHED")).toEqual(["[CACHED] 10 tables (activity_events, admin_audit_logs, clients and 7 more)"]);
    expect(step(2)).toMatch(/1 regenerated, 10 cached, \d+ file\(s\) written, [\d.]+s, cache hit 91%/);
    // A pull with nothing relevant: no output from zero-models at all.
    expect(step(3)).not.toMatch(/zero-models:|\[REGEN\]/);
    // The refused commit names the table and the fix, and the fix is what was run next.
    expect(step(4)).toContain("commit refused: 2 of 11 tables are stale in the staged files:");
    expect(step(4)).toMatch(/^ {6}cacti \(Cactus\): model app\/models\/cactus\.rb changed/m);
    expect(step(4)).toContain("Fix: npx zero-models generate --stage");
    expect(step(4)).toContain("bob$ npx zero-models generate --stage");
    expect(lines(step(4), "REGEN").map((l) => l.split(" ")[1]).sort()).toEqual(["Cactus", "Note"]);
    expect(lines(step(5), "REGEN")).toEqual(["[REGEN] Plant (new table (not in the lock file))"]);
    expect(out).toMatch(/Side by side[\s\S]*2\. git pull that changed one table +[\d.]+ s +[\d.]+ s/);

    // What it left behind agrees: both clones clean and current, Bob on his branch.
    const root = /The demo is left in (\S+) to look around/.exec(out)![1]!;
    const bob = path.join(root, "bob");
    const alice = path.join(root, "alice");
    expect(sh(bob, "node", [path.join(PROJECT, "dist/cli.cjs"), "check"]).code).toBe(0);
    expect(git(bob, "status", "--porcelain")).toBe("");
    expect(git(bob, "branch", "--show-current").trim()).toBe("plants");
    expect(git(bob, "log", "--format=%s", "main")).toBe(
      ["Cacti are notable", "Docs", "Regenerate models for cacti.due_at", "Add due_at to cacti", "Add zero-models and the generated models", ""].join("\n"),
    );
    expect(git(alice, "status", "--porcelain")).toBe("");
    expect(existsSync(path.join(bob, ".husky/pre-commit"))).toBe(true);

    // Another demo, still running: --clean must leave its folder alone.
    mkdirSync(path.join(tmp, "zero-models-demo-running"));
    writeFileSync(path.join(tmp, "zero-models-demo-running", "in-progress"), "");
    const clean = spawnSync(process.execPath, ["scripts/demo.mjs", "--clean"], { cwd: PROJECT, env, encoding: "utf8" });
    expect(clean.stdout).toContain("removed 1 demo folder(s)");
    expect(readdirSync(tmp)).toEqual(["zero-models-demo-running"]);
    expect(existsSync(root)).toBe(false);
  }, 240_000);
});
