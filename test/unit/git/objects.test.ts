import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitObjectId, parseBatch, readAtRevisions, readBlobs, readBlobsOf, SizeWatch } from "../../../src/git/objects.js";
import { ZeroModelsError } from "../../../src/common/errors.js";
import { makeRepo, type Repo } from "../../helpers/repo.js";

/** `git cat-file --batch` output: "<oid> <type> <size>\n<bytes>\n" per object, or "<name> missing\n". */
const found = (id: string, bytes: Buffer | string, type = "blob") => Buffer.concat([Buffer.from(`${id} ${type} ${Buffer.byteLength(bytes)}\n`), Buffer.from(bytes), Buffer.from("\n")]);
const missing = (name: string) => Buffer.from(`${name} missing\n`);
const ambiguous = (name: string) => Buffer.from(`${name} ambiguous\n`);
const oid = (c: string) => c.repeat(40);
const text = (blobs: Map<string, Buffer>) => Object.fromEntries([...blobs].map(([k, v]) => [k, v.toString()]));

describe("parseBatch", () => {
  it("splits objects by their announced size, whatever bytes they hold", () => {
    const out = Buffer.concat([found(oid("a"), "line 1\nline 2\n"), found(oid("b"), ""), found(oid("c"), `${oid("d")} blob 3\nabc\n`), found(oid("e"), "no newline")]);
    expect(text(parseBatch(out, [oid("a"), oid("b"), oid("c"), oid("e")], false))).toEqual({
      [oid("a")]: "line 1\nline 2\n",
      [oid("b")]: "",
      [oid("c")]: `${oid("d")} blob 3\nabc\n`,
      [oid("e")]: "no newline",
    });
  });

  it("counts the size in bytes, not characters", () => {
    const bytes = Buffer.from("héllo ✓ 模型\n\0binary\xff", "latin1");
    const utf8 = "héllo ✓ 模型\n";
    const out = Buffer.concat([found(oid("a"), bytes), found(oid("b"), utf8)]);
    const blobs = parseBatch(out, [oid("a"), oid("b")], false);
    expect(blobs.get(oid("a"))!.equals(bytes)).toBe(true);
    expect(blobs.get(oid("b"))!.toString("utf8")).toBe(utf8);
  });

  it("keys each object by the name asked for, not the id git prints", () => {
    const out = Buffer.concat([found(oid("a"), "old schema"), found(oid("b"), "new schema")]);
    expect(text(parseBatch(out, ["ORIG_HEAD:db/my schema.rb", "HEAD:db/my schema.rb"], true))).toEqual({
      "ORIG_HEAD:db/my schema.rb": "old schema",
      "HEAD:db/my schema.rb": "new schema",
    });
  });

  it("leaves out missing and ambiguous names when allowed, names with spaces included", () => {
    const out = Buffer.concat([missing("ORIG_HEAD:db/my schema.rb"), found(oid("a"), "x\n"), ambiguous("abc"), found(oid("b"), "y")]);
    expect(text(parseBatch(out, ["ORIG_HEAD:db/my schema.rb", "HEAD:db/schema.rb", "abc", "HEAD:x"], true))).toEqual({ "HEAD:db/schema.rb": "x\n", "HEAD:x": "y" });
  });

  it.each([
    ["missing", missing(oid("a"))],
    ["ambiguous", ambiguous("abc")],
    ["missing, with spaces in its name", missing("HEAD:a b c")],
  ])("refuses a %s object when every object must exist", (_, out) => {
    expect(() => parseBatch(Buffer.concat([found(oid("z"), "ok"), out]), [oid("z"), "wanted"], false)).toThrow(ZeroModelsError);
    expect(() => parseBatch(out, ["wanted"], false)).toThrow(/git cat-file --batch failed: missing object wanted/);
  });

  it("refuses output that ends before every object asked for", () => {
    expect(() => parseBatch(Buffer.alloc(0), [oid("a")], false)).toThrow(/missing object/);
    expect(() => parseBatch(found(oid("a"), "x"), [oid("a"), oid("b")], false)).toThrow(/missing object .*bbbb/);
  });

  it("gives an empty map when nothing was asked", () => {
    expect(parseBatch(Buffer.alloc(0), [], false).size).toBe(0);
  });
});

describe("against a real git", () => {
  let dir: string;
  let repo: Repo;
  const tricky = Buffer.concat([Buffer.from("first\n\nthird\n"), Buffer.from([0, 255, 10]), Buffer.from("ünï 模型\n")]);

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-objects-")));
    repo = makeRepo(dir);
    repo.git("init", "-q", "-b", "main");
    repo.write("db/my schema.rb", "v1\n");
    repo.write("tricky.bin", tricky);
    repo.write("empty", "");
    repo.commitAll("one");
    repo.write("db/my schema.rb", "v2\nwith lines\n");
    repo.commitAll("two");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const rev = (spec: string) => repo.git("rev-parse", spec).trim();

  it("parses what git cat-file --batch prints, missing names included", () => {
    const names = [rev("HEAD:tricky.bin"), "HEAD~1:db/my schema.rb", "ORIG_HEAD:db/my schema.rb", rev("HEAD:empty"), "HEAD:db/my schema.rb"];
    const out = execFileSync("git", ["cat-file", "--batch"], { cwd: dir, input: `${names.join("\n")}\n` });
    expect(out.includes(Buffer.from("ORIG_HEAD:db/my schema.rb missing\n"))).toBe(true);
    const blobs = parseBatch(out, names, true);
    expect([...blobs.keys()]).toEqual([names[0], names[1], names[3], names[4]]);
    expect(blobs.get(names[0]!)!.equals(tricky)).toBe(true);
    expect(blobs.get(names[1]!)!.toString()).toBe("v1\n");
    expect(blobs.get(names[3]!)!.length).toBe(0);
    expect(blobs.get(names[4]!)!.toString()).toBe("v2\nwith lines\n");
    expect(() => parseBatch(out, names, false)).toThrow(/missing object ORIG_HEAD:db\/my schema\.rb/);
  });

  it("reads blobs by id, each once however often it is asked", async () => {
    const a = rev("HEAD:tricky.bin");
    const blobs = await readBlobs(dir, [a, rev("HEAD:empty"), a]);
    expect(blobs.size).toBe(2);
    expect(blobs.get(a)!.equals(tricky)).toBe(true);
    expect(await readBlobs(dir, [])).toEqual(new Map());
  });

  it("reads files at revisions, leaving out the ones that do not exist", async () => {
    const files = await readAtRevisions(dir, ["ORIG_HEAD:db/my schema.rb", "HEAD:db/my schema.rb", "HEAD~1:db/my schema.rb", "HEAD:nope"]);
    expect(text(files)).toEqual({ "HEAD:db/my schema.rb": "v2\nwith lines\n", "HEAD~1:db/my schema.rb": "v1\n" });
  });

  it("refuses a blob id that does not exist", async () => {
    await expect(readBlobs(dir, [oid("0")])).rejects.toThrow(/missing object 0000/);
  });
});

describe("SizeWatch", () => {
  const oid = (c: string) => c.repeat(40);
  const batch = Buffer.concat([
    Buffer.from(`${oid("a")} blob 5\nhello\n`),
    Buffer.from("HEAD:no such file.rb missing\n"),
    Buffer.from(`${oid("b")} blob 12\n0123456789\n\n\n`),
    Buffer.from(`${oid("c")} blob 3\nend\n`),
  ]);
  const feed = (watch: SizeWatch, bytes: Buffer, size: number) => {
    for (let i = 0; i < bytes.length; i += size) {
      const found = watch.push(bytes.subarray(i, i + size));
      if (found !== null) return found;
    }
    return null;
  };

  it("finds the first object over the bound however the output is split, skipping bodies that hold newlines and headers of missing objects", () => {
    for (const size of [1, 2, 7, 50, batch.length]) {
      expect(feed(new SizeWatch(11), batch, size), `chunks of ${size}`).toBe(`${oid("b")} blob 12`);
      expect(feed(new SizeWatch(12), batch, size), `chunks of ${size}`).toBeNull();
    }
  });
});

describe("readBlobsOf", () => {
  let dir: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
  const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zm-blobs-of-")));
    git("init", "-q");
    for (const f of ["same.rb", "edited.rb", "linked.rb", "gone.rb", "fifo.rb"]) write(f, `# ${f}\n`);
    git("add", ".");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives each path's blob, whatever the work tree holds there now", async () => {
    const files = ["same.rb", "edited.rb", "linked.rb", "gone.rb", "fifo.rb"];
    const oids = new Map(files.map((f) => [f, git("rev-parse", `:${f}`)]));
    write("edited.rb", "# edited since\n");
    rmSync(path.join(dir, "linked.rb"));
    symlinkSync(path.join(dir, "edited.rb"), path.join(dir, "linked.rb"));
    rmSync(path.join(dir, "gone.rb"));
    rmSync(path.join(dir, "fifo.rb"));
    execFileSync("mkfifo", [path.join(dir, "fifo.rb")]);
    const blobs = await readBlobsOf(dir, oids);
    expect(text(blobs)).toEqual(Object.fromEntries(files.map((f) => [f, `# ${f}\n`])));
  });

  it("names blobs as git does, in SHA-1 and in SHA-256 repositories", () => {
    const bytes = Buffer.from("héllo\n\0binary\xff", "latin1");
    write("bytes.bin", bytes.toString("latin1"));
    const sha1 = git("hash-object", "bytes.bin");
    git("init", "-q", "--object-format=sha256", "sha256-repo");
    const sha256 = git("-C", "sha256-repo", "hash-object", "../bytes.bin");
    expect(gitObjectId(readFileSync(path.join(dir, "bytes.bin")), 40)).toBe(sha1);
    expect(sha256).toHaveLength(64);
    expect(gitObjectId(readFileSync(path.join(dir, "bytes.bin")), 64)).toBe(sha256);
  });
});
