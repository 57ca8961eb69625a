import { chmodSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { allVouched, answers, changedRecords, indexEntries, listIndex, listing, nestedRepos, trackedUnder, worktreeFiles, type ListingText } from "../../../src/git/listing.js";
import { InputError } from "../../../src/common/errors.js";
import { makeRepo, type Repo } from "../../helpers/repo.js";

/**
 * The parsers read `git ls-files -s -v -z` (tag, mode, blob id, stage, TAB,
 * path, NUL) and `git ls-files -z --modified --deleted --others`: strings
 * shaped exactly like git prints them, then the same parsers on what a real
 * git prints for a repository holding every kind of entry.
 */

const oid = (c: string) => c.repeat(40);
const rec = (tag: string, mode: string, id: string, stage: string, file: string) => `${tag} ${mode} ${id} ${stage}\t${file}\0`;
const list = (records: string[], differing: string[] = []): ListingText => ({ index: records.join(""), differing: differing.map((d) => `${d}\0`).join("") });

describe("worktreeFiles", () => {
  it("vouches for clean regular files (644 and 755) by their blob id", () => {
    const { paths, blobs } = worktreeFiles(list([rec("H", "100644", oid("a"), "0", "a.rb"), rec("H", "100755", oid("b"), "0", "bin/x")]));
    expect(paths.sort()).toEqual(["a.rb", "bin/x"]);
    expect([...blobs]).toEqual([["a.rb", oid("a")], ["bin/x", oid("b")]]);
  });

  it.each([
    ["assume-unchanged (h)", rec("h", "100644", oid("a"), "0", "f.rb")],
    ["skip-worktree (S)", rec("S", "100644", oid("a"), "0", "f.rb")],
    ["symlink (120000)", rec("H", "120000", oid("a"), "0", "f.rb")],
    ["submodule (160000)", rec("H", "160000", oid("a"), "0", "f.rb")],
    ["unmerged (stage 2)", rec("M", "100644", oid("a"), "2", "f.rb")],
    ["stage 1 with an H tag", rec("H", "100644", oid("a"), "1", "f.rb")],
  ])("lists but does not vouch for a %s entry", (_, record) => {
    const { paths, blobs } = worktreeFiles(list([record]));
    expect(paths).toEqual(["f.rb"]);
    expect(blobs.size).toBe(0);
  });

  it("does not vouch for a clean-looking entry git also lists as differing (modified or deleted)", () => {
    const { paths, blobs } = worktreeFiles(list([rec("H", "100644", oid("a"), "0", "mod.rb"), rec("H", "100644", oid("b"), "0", "ok.rb")], ["mod.rb", "mod.rb"]));
    expect(paths.sort()).toEqual(["mod.rb", "ok.rb"]);
    expect([...blobs.keys()]).toEqual(["ok.rb"]);
  });

  it("adds untracked paths from the differing list, once each", () => {
    const { paths, blobs } = worktreeFiles(list([rec("H", "100644", oid("a"), "0", "a.rb")], ["new.rb", "new.rb", "other/x.rb"]));
    expect(paths.sort()).toEqual(["a.rb", "new.rb", "other/x.rb"]);
    expect([...blobs.keys()]).toEqual(["a.rb"]);
  });

  it("keeps an unmerged path unvouched whatever the order of its stages", () => {
    const stages = [rec("M", "100644", oid("a"), "1", "c.rb"), rec("M", "100644", oid("b"), "2", "c.rb"), rec("M", "100644", oid("c"), "3", "c.rb")];
    for (const order of [stages, [...stages].reverse()]) {
      const { paths, blobs } = worktreeFiles(list(order));
      expect(paths).toEqual(["c.rb"]);
      expect(blobs.size).toBe(0);
    }
  });

  it("reads paths with spaces, tabs, newlines and non-ASCII characters whole (-z output is not quoted)", () => {
    const names = ["my model.rb", "tab\there.rb", "new\nline.rb", "ünïcødé/模型.rb", " lead", "trail "];
    const { paths, blobs } = worktreeFiles(list(names.map((n, i) => rec("H", "100644", oid(String(i)), "0", n))));
    expect(paths).toEqual(names);
    expect(names.map((n) => blobs.get(n))).toEqual(names.map((_, i) => oid(String(i))));
  });

  it("accepts SHA-256 object ids", () => {
    const id = "f".repeat(64);
    expect(worktreeFiles(list([rec("H", "100644", id, "0", "a.rb")])).blobs.get("a.rb")).toBe(id);
  });

  it("gives nothing for empty listings", () => {
    expect(worktreeFiles({ index: "", differing: "" })).toEqual({ paths: [], blobs: new Map() });
  });
});

describe("allVouched", () => {
  it("is true for an empty index and for clean regular files only", () => {
    expect(allVouched({ index: "", differing: "" })).toBe(true);
    expect(allVouched(list([rec("H", "100644", oid("a"), "0", "a b.rb"), rec("H", "100755", "e".repeat(64), "0", "x\ty")]))).toBe(true);
  });

  it.each([
    ["assume-unchanged", rec("h", "100644", oid("a"), "0", "f")],
    ["skip-worktree", rec("S", "100644", oid("a"), "0", "f")],
    ["a symlink", rec("H", "120000", oid("a"), "0", "f")],
    ["a submodule", rec("H", "160000", oid("a"), "0", "f")],
    ["an unmerged entry", rec("M", "100644", oid("a"), "1", "f")],
    ["a stage 3 entry with an H tag", rec("H", "100644", oid("a"), "3", "f")],
    ["a mode git never writes for files", rec("H", "100664", oid("a"), "0", "f")],
    ["an upper-case object id", rec("H", "100644", "A".repeat(40), "0", "f")],
    ["a short object id", rec("H", "100644", "a".repeat(39), "0", "f")],
  ])("is false when any entry is %s, wherever it is", (_, bad) => {
    const good = rec("H", "100644", oid("a"), "0", "ok");
    expect(allVouched(list([bad]))).toBe(false);
    expect(allVouched(list([good, bad]))).toBe(false);
    expect(allVouched(list([good, bad, good]))).toBe(false);
  });

  it("looks at the index only: the caller hashes the differing paths", () => {
    expect(allVouched(list([rec("H", "100644", oid("a"), "0", "a")], ["a", "untracked"]))).toBe(true);
  });

  it("is not fooled by a path that looks like a record", () => {
    const tricky = rec("H", "100644", oid("a"), "0", `x\nh 100644 ${oid("b")} 0\ty`);
    expect(allVouched(list([tricky]))).toBe(true);
    expect(allVouched(list([tricky, rec("h", "100644", oid("a"), "0", "z")]))).toBe(false);
  });
});

describe("indexEntries", () => {
  it("gives mode, blob id and path of every stage-0 entry, symlinks and submodules included", () => {
    const entries = indexEntries(
      list([rec("H", "100644", oid("a"), "0", "a b.rb"), rec("h", "100755", oid("b"), "0", "x"), rec("S", "120000", oid("c"), "0", "link"), rec("H", "160000", oid("d"), "0", "sub")]),
      "/repo",
    );
    expect(entries).toEqual([
      { mode: "100644", oid: oid("a"), path: "a b.rb" },
      { mode: "100755", oid: oid("b"), path: "x" },
      { mode: "120000", oid: oid("c"), path: "link" },
      { mode: "160000", oid: oid("d"), path: "sub" },
    ]);
  });

  it("refuses an index with unmerged entries, naming each conflicted path once", () => {
    const records = [
      rec("H", "100644", oid("a"), "0", "ok.rb"),
      ...["1", "2", "3"].map((s) => rec("M", "100644", oid(s), s, "db/schema.rb")),
      rec("M", "100644", oid("4"), "2", "app/models/my job.rb"),
    ];
    const error = (() => {
      try {
        indexEntries(list(records), "/the/root");
      } catch (e) {
        return e;
      }
    })() as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.file).toBe("/the/root");
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("unresolved merge conflicts in db/schema.rb, app/models/my job.rb.");
    expect(error.message.match(/db\/schema\.rb/g)).toHaveLength(1);
  });

  it("reads paths with tabs and newlines whole", () => {
    expect(indexEntries(list([rec("H", "100644", oid("a"), "0", "a\tb\nc")]), "/r")).toEqual([{ mode: "100644", oid: oid("a"), path: "a\tb\nc" }]);
  });
});

describe("nestedRepos", () => {
  it("names gitlinks (160000) of the index and the folders git lists as untracked repositories (folder/)", () => {
    const text = list([rec("H", "100644", oid("a"), "0", "app/models/a.rb"), rec("H", "160000", oid("b"), "0", "app/models/engine"), rec("H", "160000", oid("c"), "0", "vendor/x y")], ["app/models/new.rb", "app/models/inner/"]);
    expect(nestedRepos(text)).toEqual(["app/models/engine", "vendor/x y", "app/models/inner"]);
    expect(nestedRepos(list([rec("H", "100644", oid("a"), "0", "a.rb")]))).toEqual([]);
  });

  it("reads what a real git lists: a submodule in both views, an untracked repository in the work tree", async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-nested-")));
    try {
      const repo = makeRepo(dir);
      repo.git("init", "-q", "-b", "main");
      repo.write("app/models/a.rb", "x\n");
      repo.git("add", "-A");
      repo.git("update-index", "--add", "--cacheinfo", `160000,${oid("1")},app/models/engine`);
      repo.git("commit", "-q", "-m", "with a gitlink");
      repo.write("app/models/inner/b.rb", "x\n");
      makeRepo(path.join(dir, "app/models/inner")).git("init", "-q");
      expect(nestedRepos(await listing(dir, "worktree", ["app/models"], "tmp/zero-models")).sort()).toEqual(["app/models/engine", "app/models/inner"]);
      expect(nestedRepos(await listing(dir, "index", ["app/models"], "tmp/zero-models"))).toEqual(["app/models/engine"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("against a real git", () => {
  let dir: string;
  let repo: Repo;
  let blob: (file: string) => string;

  // One repository with every kind of entry the parsers tell apart.
  beforeAll(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-listing-")));
    repo = makeRepo(dir);
    repo.git("init", "-q", "-b", "main");
    for (const file of ["clean.rb", "my model.rb", "tab\there.rb", "new\nline.rb", "ünï/模型.rb", "modified.rb", "deleted.rb", "assumed.rb", "skipped.rb"]) repo.write(file, `# ${file}\n`);
    repo.write("bin/run", "#!/bin/sh\n");
    chmodSync(path.join(dir, "bin/run"), 0o755);
    repo.write(".gitignore", "ignored.rb\n");
    symlinkSync("clean.rb", path.join(dir, "link.rb"));
    repo.git("add", "-A");
    repo.git("update-index", "--add", "--cacheinfo", `160000,${oid("1")},sub`);
    repo.git("commit", "-q", "-m", "all kinds");
    repo.git("update-index", "--assume-unchanged", "assumed.rb");
    repo.git("update-index", "--skip-worktree", "skipped.rb");
    repo.write("modified.rb", "# changed\n");
    unlinkSync(path.join(dir, "deleted.rb"));
    repo.write("untracked file.rb", "x\n");
    repo.write("ignored.rb", "x\n");
    blob = (file) => repo.git("rev-parse", `:${file}`).trim();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists every path of the work tree that is not ignored, and vouches only for clean regular files", async () => {
    const { paths, blobs } = worktreeFiles(await listing(dir, "worktree", null, "tmp/zero-models"));
    expect(paths.sort()).toEqual(
      [".gitignore", "assumed.rb", "bin/run", "clean.rb", "deleted.rb", "link.rb", "modified.rb", "my model.rb", "new\nline.rb", "skipped.rb", "sub", "tab\there.rb", "untracked file.rb", "ünï/模型.rb"].sort(),
    );
    const vouched = [".gitignore", "bin/run", "clean.rb", "my model.rb", "new\nline.rb", "tab\there.rb", "ünï/模型.rb"];
    expect([...blobs.keys()].sort()).toEqual(vouched.sort());
    for (const file of vouched) expect(blobs.get(file)).toBe(blob(file));
  });

  it("prints the tags and modes the parsers expect", async () => {
    const { index } = await listing(dir, "index", null, "tmp/zero-models");
    const records = index.split("\0").filter(Boolean);
    const head = (file: string) => records.find((r) => r.endsWith(`\t${file}`))?.split("\t")[0]?.split(" ");
    expect(head("assumed.rb")?.[0]).toBe("h");
    expect(head("skipped.rb")?.[0]).toBe("S");
    expect(head("link.rb")?.[1]).toBe("120000");
    expect(head("sub")?.[1]).toBe("160000");
    expect(head("bin/run")?.[1]).toBe("100755");
    expect(head("new\nline.rb")).toEqual(["H", "100644", blob("new\nline.rb"), "0"]);
    expect(allVouched({ index, differing: "" })).toBe(false);
  });

  it("restricts the listing to the given literal bases", async () => {
    const { paths } = worktreeFiles(await listing(dir, "worktree", ["ünï", "bin"], "tmp/zero-models"));
    expect(paths.sort()).toEqual(["bin/run", "ünï/模型.rb"]);
    // Literal: a base holding glob characters is a path, not a pattern.
    expect(worktreeFiles(await listing(dir, "worktree", ["*.rb"], "tmp/zero-models")).paths).toEqual([]);
  });

  it("lists the index with every stage-0 entry, and vouches for a fully clean one", async () => {
    const entries = await listIndex(dir);
    expect(entries.find((e) => e.path === "sub")).toEqual({ mode: "160000", oid: oid("1"), path: "sub" });
    expect(entries.find((e) => e.path === "deleted.rb")?.oid).toBe(blob("deleted.rb"));
    expect(entries.map((e) => e.path)).not.toContain("untracked file.rb");
    expect(allVouched(await listing(dir, "index", ["ünï", "bin", "my model.rb"], "tmp/zero-models"))).toBe(true);
  });

  it("refuses the index of a repository in the middle of a conflicted merge", async () => {
    const conflicted = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-conflict-")));
    try {
      const r = makeRepo(conflicted);
      r.git("init", "-q", "-b", "main");
      r.write("db/schema.rb", "base\n");
      r.commitAll("base");
      r.git("checkout", "-q", "-b", "other");
      r.write("db/schema.rb", "other\n");
      r.commitAll("other");
      r.git("checkout", "-q", "main");
      r.write("db/schema.rb", "main\n");
      r.commitAll("main");
      expect(() => r.git("merge", "-q", "other")).toThrow();
      const list = await listing(conflicted, "index", null, "tmp/zero-models");
      expect(list.index.split("\0").filter(Boolean).map((x) => x.split(" ")[0])).toEqual(["M", "M", "M"]);
      await expect(listIndex(conflicted)).rejects.toThrow(/unresolved merge conflicts in db\/schema\.rb\./);
      const { paths, blobs } = worktreeFiles(await listing(conflicted, "worktree", null, "tmp/zero-models"));
      expect(paths).toEqual(["db/schema.rb"]);
      expect(blobs.size).toBe(0);
    } finally {
      rmSync(conflicted, { recursive: true, force: true });
    }
  });
});

describe("answers", () => {
  it("a listing stands in only for the same root, view and bases (the fast path hands it to the full check)", () => {
    const made = { index: "", differing: "", asked: { root: "/r", view: "worktree" as const, bases: ["app", "db"], cacheDir: "tmp/zero-models" } };
    expect(answers(made, "/r", "worktree", ["app", "db"], "tmp/zero-models")).toBe(true);
    expect(answers(made, "/r", "index", ["app", "db"], "tmp/zero-models")).toBe(false);
    expect(answers(made, "/other", "worktree", ["app", "db"], "tmp/zero-models")).toBe(false);
    expect(answers(made, "/r", "worktree", ["app"], "tmp/zero-models")).toBe(false);
    expect(answers(made, "/r", "worktree", null, "tmp/zero-models")).toBe(false);
  });
});

describe("trackedUnder", () => {
  const list = (...files: string[]) => ({ index: files.map((f) => `H 100644 ${"a".repeat(40)} 0\t${f}`).join("\0") + "\0", differing: "" });
  it("names the tracked paths at or under a folder, and nothing beside it", () => {
    expect(trackedUnder(list("tmp/zero-models/fresh-worktree.json", "tmp/zero-models-other.txt", "app/x.rb", "tmp/zero-models"), "tmp/zero-models")).toEqual([
      "tmp/zero-models/fresh-worktree.json",
      "tmp/zero-models",
    ]);
    expect(trackedUnder(list("app/x.rb"), "tmp/zero-models")).toEqual([]);
  });
  it("never answers for the whole tree or a folder outside it", () => {
    expect(trackedUnder(list("app/x.rb"), "")).toEqual([]);
    expect(trackedUnder(list("app/x.rb"), "../elsewhere")).toEqual([]);
  });
});

describe("changedRecords", () => {
  const render = (entries: Map<string, string>) => [...entries.keys()].sort().map((p) => `H 100644 ${entries.get(p)} 0\t${p}\0`).join("");
  const naive = (a: Map<string, string>, b: Map<string, string>) => [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
  const oid = fc.constantFrom("a".repeat(40), "b".repeat(40), "c".repeat(40));
  const name = fc.constantFrom("a", "ab", "a/b", "a\tb", "b", "b.rb", "c/d.rb", "c/d.rbx", "z", "é", "a b");
  const listing = fc.dictionary(name, oid).map((d) => new Map(Object.entries(d)));

  it("names exactly the paths added, removed or changed, whatever the two listings", () => {
    fc.assert(
      fc.property(listing, listing, (a, b) => {
        expect(changedRecords(render(a), render(b)).sort()).toEqual(naive(a, b));
      }),
      { numRuns: 2000, seed: 20261203 },
    );
  });

  it("finds one changed record among many, and none between equal listings", () => {
    const many = new Map(Array.from({ length: 3000 }, (_, i) => [`app/models/m${String(i).padStart(4, "0")}.rb`, "a".repeat(40)]));
    const one = new Map(many).set("app/models/m1500.rb", "b".repeat(40));
    expect(changedRecords(render(many), render(one))).toEqual(["app/models/m1500.rb"]);
    expect(changedRecords(render(many), render(many))).toEqual([]);
  });
});
