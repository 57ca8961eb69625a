import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crossesSymlink, unsafePath } from "../../../src/common/path-guard.js";

describe("unsafePath", () => {
  it("accepts plain repo-relative paths", () => {
    for (const p of ["frontend/src/lib/models/person.ts", "a b/é.ts", ".config/x", "..hidden/x", "x..y"]) expect(unsafePath(p), p).toBeNull();
  });

  it("refuses paths that leave the repository, are absolute, not normalised, or inside .git in any case", () => {
    for (const p of ["", "../notes.txt", "a/../../b", "/etc/passwd", "C:/x", "a\\\\b", "./a", "a//b", "a/", ".git/HEAD", "sub/.GIT/config", "a\0b"]) {
      expect(unsafePath(p), JSON.stringify(p)).not.toBeNull();
    }
  });
});

describe("crossesSymlink", () => {
  const root = mkdtempSync(path.join(tmpdir(), "zero-models-guard-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, "real/dir"), { recursive: true });
  writeFileSync(path.join(root, "real/dir/f.ts"), "x");
  symlinkSync(path.join(root, "real"), path.join(root, "linked"));
  symlinkSync(path.join(root, "real/dir/f.ts"), path.join(root, "real/dir/g.ts"));

  it("is false for a path of real folders and files, and for one that does not exist yet", async () => {
    expect(await crossesSymlink(root, "real/dir/f.ts")).toBe(false);
    expect(await crossesSymlink(root, "real/new/f.ts")).toBe(false);
  });

  it("is true when a folder on the way, or the file itself, is a symlink", async () => {
    expect(await crossesSymlink(root, "linked/dir/f.ts")).toBe(true);
    expect(await crossesSymlink(root, "real/dir/g.ts")).toBe(true);
  });
});
