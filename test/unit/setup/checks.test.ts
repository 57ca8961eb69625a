import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runChecks } from "../../../src/setup/checks.js";

function emptyRepo(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-doctor-")));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

describe("runChecks", () => {
  it("fails a Node older than package.json's engines, with the fix", async () => {
    const [node] = await runChecks({ cwd: emptyRepo(), env: process.env, nodeVersion: "20.18.3" });
    expect(node).toEqual({ id: "node", status: "fail", detail: "Node 20.18.3 (needs 20.19.0 or later)", fix: "Fix: install Node 20.19.0 or later (nvm install 20, or your package manager), then run again." });
  });

  it("passes Node 20.19 and later", async () => {
    for (const version of ["20.19.0", "22.1.0", "24.0.0"]) {
      const [node] = await runChecks({ cwd: emptyRepo(), env: process.env, nodeVersion: version });
      expect(node!.status).toBe("pass");
    }
  });

  it("outside a git repository, says so and stops", async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-doctor-")));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const results = await runChecks({ cwd: dir, env: process.env, nodeVersion: "20.19.0" });
    expect(results.at(-1)).toMatchObject({ id: "config", status: "fail", fix: "Fix: run zero-models doctor inside the app's git checkout." });
  });
});
