import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { LocalStore, type Artifact } from "../../../src/store/local.js";
import { sha256 } from "../../../src/common/hash.js";

const key = (c: string) => c.repeat(64);

function tempCache(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "zero-models-store-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function store(maxBytes = 1024 * 1024, cacheDir = tempCache()) {
  const debug: string[] = [];
  return { cacheDir, debug, store: new LocalStore(cacheDir, maxBytes, (line) => debug.push(line)) };
}

const artifact = (k: string, files: Record<string, string | Buffer | null>, kind: Artifact["kind"] = "table"): Artifact => ({
  kind,
  key: key(k),
  files: new Map(Object.entries(files).map(([p, v]) => [p, v === null ? null : Buffer.from(v)])),
});

const asText = (a: Artifact | null) => (a ? Object.fromEntries([...a.files].map(([p, b]) => [p, b === null ? null : b.toString()])) : null);
const objectFile = (cacheDir: string, hash: string) => path.join(cacheDir, "store/objects", hash.slice(0, 2), hash);
const entryFile = (cacheDir: string, kind: string, k: string) => path.join(cacheDir, "store/entries", `${kind}-${key(k)}.json`);
const objects = (cacheDir: string) => readdirSync(path.join(cacheDir, "store/objects")).flatMap((d) => readdirSync(path.join(cacheDir, "store/objects", d)));
const entries = (cacheDir: string) => readdirSync(path.join(cacheDir, "store/entries")).sort();

describe("LocalStore put and get", () => {
  it("gives back what was put, files the generator did not write included", async () => {
    const { store: s } = store();
    const a = artifact("a", { "out/job.ts": "// job\n", "out/types/job-data.ts": Buffer.from([0, 1, 255]), "out/reactive-job.ts": null });
    await s.put(a);
    expect(s.has("table", key("a"))).toBe(true);
    const got = await s.get("table", key("a"));
    expect(got?.kind).toBe("table");
    expect(got?.key).toBe(key("a"));
    expect(got?.files.get("out/types/job-data.ts")!.equals(Buffer.from([0, 1, 255]))).toBe(true);
    expect(asText(got)).toEqual({ "out/job.ts": "// job\n", "out/types/job-data.ts": "\0\u0001\ufffd", "out/reactive-job.ts": null });
  });

  it("keeps table and shared entries apart under the same key", async () => {
    const { store: s } = store();
    await s.put(artifact("a", { "t.ts": "table" }));
    expect(s.has("shared", key("a"))).toBe(false);
    expect(await s.get("shared", key("a"))).toBeNull();
    await s.put(artifact("a", { "i.ts": "shared" }, "shared"));
    expect(asText(await s.get("table", key("a")))).toEqual({ "t.ts": "table" });
    expect(asText(await s.get("shared", key("a")))).toEqual({ "i.ts": "shared" });
  });

  it("stores each content once, named by its SHA-256, however many entries use it", async () => {
    const { store: s, cacheDir } = store();
    await s.put(artifact("a", { "a.ts": "same", "b.ts": "other" }));
    await s.put(artifact("b", { "c.ts": "same" }));
    expect(objects(cacheDir).sort()).toEqual([sha256("same"), sha256("other")].sort());
    expect(readFileSync(objectFile(cacheDir, sha256("same")), "utf8")).toBe("same");
  });

  it("misses, without an error, an entry that was never put", async () => {
    const { store: s, debug } = store();
    expect(s.has("table", key("z"))).toBe(false);
    expect(await s.get("table", key("z"))).toBeNull();
    expect(debug).toEqual([]);
  });

  it("misses, and removes, an entry whose object does not hash to its name, and that object too", async () => {
    const { store: s, cacheDir, debug } = store();
    await s.put(artifact("a", { "a.ts": "good", "b.ts": "bad" }));
    writeFileSync(objectFile(cacheDir, sha256("bad")), "tampered");
    expect(await s.get("table", key("a"))).toBeNull();
    expect(existsSync(entryFile(cacheDir, "table", "a"))).toBe(false);
    expect(existsSync(objectFile(cacheDir, sha256("bad")))).toBe(false);
    expect(existsSync(objectFile(cacheDir, sha256("good")))).toBe(true);
    expect(s.has("table", key("a"))).toBe(false);
    expect(debug.join("\n")).toContain("b.ts: stored object does not match its hash");
  });

  it("misses, and removes, an entry naming an object that is not there", async () => {
    const { store: s, cacheDir, debug } = store();
    await s.put(artifact("a", { "a.ts": "content" }));
    rmSync(objectFile(cacheDir, sha256("content")));
    expect(await s.get("table", key("a"))).toBeNull();
    expect(existsSync(entryFile(cacheDir, "table", "a"))).toBe(false);
    expect(debug.join("\n")).toContain("a.ts: stored object missing");
  });

  it.each([
    ["not JSON", "{ torn"],
    ["written for another key", JSON.stringify({ version: 1, kind: "table", key: key("b"), files: {} })],
    ["of another version", JSON.stringify({ version: 2, kind: "table", key: key("a"), files: {} })],
    ["of another kind", JSON.stringify({ version: 1, kind: "shared", key: key("a"), files: {} })],
    ["without files", JSON.stringify({ version: 1, kind: "table", key: key("a"), files: null })],
    ["naming an object by something that is not a hash", JSON.stringify({ version: 1, kind: "table", key: key("a"), files: { "a.ts": "../../../etc/passwd" } })],
  ])("misses, and removes, an entry %s", async (_, text) => {
    const { store: s, cacheDir } = store();
    await s.put(artifact("a", { "a.ts": "x" }));
    writeFileSync(entryFile(cacheDir, "table", "a"), text);
    expect(await s.get("table", key("a"))).toBeNull();
    expect(existsSync(entryFile(cacheDir, "table", "a"))).toBe(false);
  });

  it("marks an entry used when it is read", async () => {
    const { store: s, cacheDir } = store();
    await s.put(artifact("a", { "a.ts": "x" }));
    const file = entryFile(cacheDir, "table", "a");
    utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    await s.get("table", key("a"));
    expect(statSync(file).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it("does nothing when disabled (maxBytes 0)", async () => {
    const { store: s, cacheDir } = store(0);
    expect(s.enabled).toBe(false);
    await s.put(artifact("a", { "a.ts": "x" }));
    expect(existsSync(path.join(cacheDir, "store"))).toBe(false);
    expect(s.has("table", key("a"))).toBe(false);
    expect(await s.get("table", key("a"))).toBeNull();
  });

  it("never throws when it cannot write: the store only saves work", async () => {
    const cacheDir = tempCache();
    writeFileSync(path.join(cacheDir, "store"), "a file where the folder should be");
    const { store: s, debug } = store(1024, cacheDir);
    await expect(s.put(artifact("a", { "a.ts": "x" }))).resolves.toBeUndefined();
    expect(debug.join("\n")).toMatch(/store: could not save table aaaaaaaaaaaa/);
    expect(await s.get("table", key("a"))).toBeNull();
  });
});

describe("LocalStore eviction", () => {
  const kilo = (c: string) => c.repeat(1000);

  /** Three entries, each with a 1000-byte object of its own, used a, b, c from oldest to newest; returns an entry file's size. */
  async function threeEntries(cacheDir: string): Promise<number> {
    const { store: s } = store(1024 * 1024, cacheDir);
    for (const [i, k] of ["a", "b", "c"].entries()) {
      await s.put(artifact(k, { [`${k}.ts`]: kilo(k) }));
      const when = new Date(2020, 0, 1 + i);
      utimesSync(entryFile(cacheDir, "table", k), when, when);
    }
    return statSync(entryFile(cacheDir, "table", "a")).size;
  }

  it("keeps the most recently used entries that fit in maxBytes, and the objects they use", async () => {
    const cacheDir = tempCache();
    const entrySize = await threeEntries(cacheDir);
    const { store: s } = store(2 * (1000 + entrySize) + 10, cacheDir);
    expect(await s.evict()).toEqual({ entries: 1, bytes: 1000, kept: 2 * (1000 + entrySize) });
    expect(entries(cacheDir)).toEqual([`table-${key("b")}.json`, `table-${key("c")}.json`]);
    expect(objects(cacheDir).sort()).toEqual([sha256(kilo("b")), sha256(kilo("c"))].sort());
  });

  it("counts a reading as a use: a read entry outlives newer unread ones", async () => {
    const cacheDir = tempCache();
    const entrySize = await threeEntries(cacheDir);
    const { store: s } = store(2 * (1000 + entrySize) + 10, cacheDir);
    expect(await s.get("table", key("a"))).not.toBeNull();
    await s.evict();
    expect(entries(cacheDir)).toEqual([`table-${key("a")}.json`, `table-${key("c")}.json`]);
  });

  it("counts an object shared by kept entries once", async () => {
    const cacheDir = tempCache();
    const { store: s } = store(1024 * 1024, cacheDir);
    await s.put(artifact("a", { "a.ts": kilo("x") }));
    await s.put(artifact("b", { "b.ts": kilo("x") }));
    const entrySize = statSync(entryFile(cacheDir, "table", "a")).size;
    const small = store(1000 + 2 * entrySize, cacheDir).store;
    expect(await small.evict()).toEqual({ entries: 0, bytes: 0, kept: 1000 + 2 * entrySize });
  });

  it("stops at the first entry that does not fit: older ones go too, even small ones", async () => {
    const cacheDir = tempCache();
    const { store: s } = store(1024 * 1024, cacheDir);
    const plan: Array<[string, string]> = [["old-small", "s"], ["mid-big", kilo("m").repeat(5)], ["new", kilo("n")]];
    for (const [i, [name, text]] of plan.entries()) {
      const k = String.fromCharCode(97 + i);
      await s.put(artifact(k, { [`${name}.ts`]: text }));
      utimesSync(entryFile(cacheDir, "table", k), new Date(2020, 0, 1 + i), new Date(2020, 0, 1 + i));
    }
    const entrySize = statSync(entryFile(cacheDir, "table", "c")).size;
    await store(1000 + 2 * entrySize + 10, cacheDir).store.evict();
    expect(entries(cacheDir)).toEqual([`table-${key("c")}.json`]);
  });

  it("removes objects no entry uses, such as those a crash left", async () => {
    const cacheDir = tempCache();
    const { store: s } = store(1024 * 1024, cacheDir);
    await s.put(artifact("a", { "a.ts": "kept" }));
    await s.put(artifact("b", { "b.ts": "orphan" }));
    rmSync(entryFile(cacheDir, "table", "b"));
    expect(await s.evict()).toMatchObject({ entries: 0, bytes: "orphan".length });
    expect(objects(cacheDir)).toEqual([sha256("kept")]);
  });

  it("evicts only once the size it keeps count of passes maxBytes", async () => {
    const cacheDir = tempCache();
    const { store: s } = store(3000, cacheDir);
    await s.put(artifact("a", { "a.ts": kilo("a") }));
    await s.evictIfFull();
    const size = Number(readFileSync(path.join(cacheDir, "store/size"), "utf8"));
    expect(size).toBe(1000 + statSync(entryFile(cacheDir, "table", "a")).size);
    utimesSync(entryFile(cacheDir, "table", "a"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    await s.put(artifact("b", { "b.ts": kilo("b") }));
    await s.evictIfFull();
    expect(entries(cacheDir)).toHaveLength(2);
    await s.put(artifact("c", { "c.ts": kilo("c") }));
    await s.evictIfFull();
    expect(entries(cacheDir)).toEqual([`table-${key("b")}.json`, `table-${key("c")}.json`]);
    expect(Number(readFileSync(path.join(cacheDir, "store/size"), "utf8"))).toBeLessThanOrEqual(3000);
  });

  it("adds nothing to its size count for content it already holds", async () => {
    const cacheDir = tempCache();
    const { store: s } = store(1024 * 1024, cacheDir);
    await s.put(artifact("a", { "a.ts": kilo("x") }));
    await s.evictIfFull(); // the first count is made from the disk
    await s.put(artifact("b", { "b.ts": kilo("x") }));
    await s.evictIfFull(); // then kept up to date from what each run adds
    const entrySize = statSync(entryFile(cacheDir, "table", "a")).size;
    expect(Number(readFileSync(path.join(cacheDir, "store/size"), "utf8"))).toBe(1000 + 2 * entrySize);
  });

  it("counts the record of uploads against the limit, and keeps it", async () => {
    const cacheDir = tempCache();
    const { store: s } = store(1024 * 1024, cacheDir);
    await s.put(artifact("a", { "a.ts": kilo("a") }));
    await s.markUploaded("remote1", ["x".repeat(2000)]);
    const entrySize = statSync(entryFile(cacheDir, "table", "a")).size;
    expect(await store(1000 + entrySize + 100, cacheDir).store.evict()).toMatchObject({ entries: 1 });
    expect(await s.uploaded("remote1")).toEqual(new Set(["x".repeat(2000)]));
  });
});

describe("LocalStore uploads and clear", () => {
  it("remembers which entries each remote has", async () => {
    const { store: s } = store();
    expect(await s.uploaded("r")).toEqual(new Set());
    await s.markUploaded("r", ["table-b", "table-a"]);
    await s.markUploaded("r", ["table-a", "shared-c"]);
    await s.markUploaded("other", ["table-z"]);
    expect(await s.uploaded("r")).toEqual(new Set(["table-a", "table-b", "shared-c"]));
    expect(await s.uploaded("other")).toEqual(new Set(["table-z"]));
  });

  it("empties the store, saying what it held", async () => {
    const { store: s, cacheDir } = store();
    await s.put(artifact("a", { "a.ts": "12345", "b.ts": "123" }));
    await s.put(artifact("b", { "c.ts": "12345" }, "shared"));
    expect(await s.clear()).toEqual({ entries: 2, bytes: 8 });
    expect(existsSync(path.join(cacheDir, "store"))).toBe(false);
    expect(await s.get("table", key("a"))).toBeNull();
    expect(await s.clear()).toEqual({ entries: 0, bytes: 0 });
  });
});
