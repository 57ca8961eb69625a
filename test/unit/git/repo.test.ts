import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitPath } from "../../../src/git/repo.js";

describe("gitPath", () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zm-git-path-")));
    git(dir, "init", "-q", "main");
    git(path.join(dir, "main"), "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "first");
    git(path.join(dir, "main"), "worktree", "add", "-q", "../linked");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names the place git names, in a repository and in a linked worktree", async () => {
    for (const tree of ["main", "linked"]) {
      const root = path.join(dir, tree);
      const expected = path.resolve(root, git(root, "rev-parse", "--git-path", "zero-models/set-aside"));
      expect(await gitPath(root, "zero-models/set-aside")).toBe(expected);
    }
    // The two work trees' places differ: set-aside work never crosses to the other one.
    expect(await gitPath(path.join(dir, "linked"), "x")).not.toBe(await gitPath(path.join(dir, "main"), "x"));
  });
});
