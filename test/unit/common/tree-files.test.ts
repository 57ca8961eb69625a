import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTreeFile, removeTreeFile, writeTreeFile } from "../../../src/common/tree-files.js";

describe("work-tree files named by data", () => {
  const root = mkdtempSync(path.join(tmpdir(), "zero-models-tree-files-"));
  const outside = mkdtempSync(path.join(tmpdir(), "zero-models-outside-"));
  afterAll(() => [root, outside].forEach((d) => rmSync(d, { recursive: true, force: true })));
  mkdirSync(path.join(root, "real"), { recursive: true });
  writeFileSync(path.join(root, "real/f.ts"), "generated\n");
  writeFileSync(path.join(outside, "victim.txt"), "precious\n");
  symlinkSync(path.join(outside, "victim.txt"), path.join(root, "real/link.ts"));
  symlinkSync(outside, path.join(root, "linked"));
  symlinkSync("/dev/zero", path.join(root, "zero.rb"));
  execFileSync("mkfifo", [path.join(root, "pipe.rb")]);

  it("reads a regular file, and answers null for one that is absent or a folder", async () => {
    expect((await readTreeFile(root, "real/f.ts"))?.toString()).toBe("generated\n");
    expect(await readTreeFile(root, "real/none.ts")).toBeNull();
    expect(await readTreeFile(root, "real/f.ts/below")).toBeNull();
    expect(await readTreeFile(root, "real")).toBeNull();
  });

  it("refuses, with exit 2 and the path, a symlink at the path or on the way to it, wherever it points", async () => {
    await expect(readTreeFile(root, "real/link.ts")).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('refusing to read "real/link.ts": it is a symlink') });
    await expect(readTreeFile(root, "linked/victim.txt")).rejects.toThrow('"linked" on the way to it is a symlink');
    await expect(readTreeFile(root, "zero.rb")).rejects.toThrow("it is a symlink");
  });

  it("refuses a FIFO at once instead of waiting for a writer", async () => {
    await expect(readTreeFile(root, "pipe.rb")).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("not a regular file") });
  });

  it("refuses a file over the bound without reading it", async () => {
    writeFileSync(path.join(root, "big.rb"), Buffer.alloc(2048, 97));
    await expect(readTreeFile(root, "big.rb", 1024)).rejects.toThrow('refusing to read "big.rb": it is larger than');
    expect((await readTreeFile(root, "big.rb", 2048))?.length).toBe(2048);
  });

  it("never writes or deletes through a symlink, and does both on regular paths", async () => {
    await expect(writeTreeFile(root, "real/link.ts", "evil")).rejects.toThrow('refusing to write "real/link.ts"');
    await expect(writeTreeFile(root, "linked/new.ts", "evil")).rejects.toThrow('"linked" on the way to it is a symlink');
    await expect(removeTreeFile(root, "linked/victim.txt")).rejects.toThrow("refusing to delete");
    expect(readFileSync(path.join(outside, "victim.txt"), "utf8")).toBe("precious\n");
    expect(existsSync(path.join(outside, "new.ts"))).toBe(false);
    await writeTreeFile(root, "real/new/g.ts", "x");
    expect(readFileSync(path.join(root, "real/new/g.ts"), "utf8")).toBe("x");
    await removeTreeFile(root, "real/new/g.ts");
    await removeTreeFile(root, "real/new/g.ts");
    expect(existsSync(path.join(root, "real/new/g.ts"))).toBe(false);
  });
});
