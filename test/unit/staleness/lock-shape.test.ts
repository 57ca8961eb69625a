import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { componentTags, emptyLock, hashTag, parseLock, serializeLock, shortHash, shortHashes, type Lock } from "../../../src/staleness/lock.js";

/** Edge cases of the lock's shape check and layout; lock.test.ts has the round trip, conflicts, versions and sizes. */

const h = (c: string) => c.repeat(64);
const FULL = Buffer.alloc(32, 1).toString("base64url");

function sample(): Lock {
  const lock = emptyLock(2, ["x/{model_kebab}.ts", "x/{model_kebab}-gone.ts"]);
  lock.global = shortHashes({ tool: h("1"), config: h("2") });
  lock.inputs = shortHashes({ "db/schema.rb": h("3") });
  lock.tables.people = { model: "Person", fingerprint: h("a"), components: componentTags({ "schema people": h("b") }), outputs: { "x/person.ts": h("c"), "x/person-gone.ts": null } };
  lock.shared = { "x/index.ts": h("e"), "x/none.ts": null };
  return lock;
}

/** The file's JSON, to spoil. */
const file = () => JSON.parse(serializeLock(sample())) as Record<string, any>;

/** The warning of a lock that does not pass, or null when it does. */
function problem(data: unknown): string | null {
  const read = parseLock(typeof data === "string" ? data : JSON.stringify(data), "models.lock");
  return read.status === "corrupt" ? read.warning : read.status === "ok" ? null : "missing";
}

describe("parseLock's shape check", () => {
  it("accepts an empty lock and a full one, keeping the text as read", () => {
    expect(problem(serializeLock(emptyLock(2)))).toBeNull();
    const text = `${JSON.stringify(file())}\r\n`;
    const read = parseLock(text, "l");
    expect(read.status === "ok" && read.text).toBe(text);
    expect(read.lock).toEqual(sample());
  });

  it.each([
    ["a number", 42, "unknown lock version undefined"],
    ["null", null, "unknown lock version undefined"],
    ["an array", [file()], "unknown lock version undefined"],
    ["a version as a string", { ...file(), version: "2" }, 'unknown lock version "2"'],
    ["no version", { ...file(), version: undefined }, "unknown lock version undefined"],
  ])("refuses %s, naming the version it found", (_, data, why) => {
    expect(problem(data)).toContain(`models.lock cannot be trusted (${why}, this zero-models writes 2)`);
  });

  it("refuses an empty file as invalid JSON", () => {
    expect(problem("")).toContain("it is not valid JSON");
  });

  const at = (path: string) => `unexpected content at ${path}`;
  it.each<[string, (l: Record<string, any>) => void, string]>([
    ["an unknown top-level key", (l) => (l.generatedAt = "2024-01-01"), "generatedAt"],
    ["a fractional fingerprintVersion", (l) => (l.fingerprintVersion = 1.5), "fingerprintVersion"],
    ["a fingerprintVersion given as a string", (l) => (l.fingerprintVersion = "2"), "fingerprintVersion"],
    ["perTable as a string", (l) => (l.perTable = "x/{model_kebab}.ts"), "perTable"],
    ["a null global hash", (l) => (l.global.tool = null), "global.tool"],
    ["a global hash of the wrong length", (l) => (l.global.tool = h("a")), "global.tool"],
    ["a null input hash", (l) => (l.inputs.db["schema.rb"] = null), "inputs.db.schema.rb"],
    ["an input folder given as a string", (l) => (l.inputs.db = "x"), "inputs.db"],
    ["an input name with a slash", (l) => (l.inputs.db["a/b.rb"] = l.inputs.db["schema.rb"]), "inputs.db.a/b.rb"],
    ["global as a list", (l) => (l.global = []), "global"],
    ["no shared record", (l) => delete l.shared, "shared"],
    ["a shared hash in hex", (l) => (l.shared["x/index.ts"] = h("e")), "shared.x/index.ts"],
    ["tables as a list", (l) => (l.tables = []), "tables"],
    ["a table entry with an extra key", (l) => (l.tables.people.note = "x"), "tables.people"],
    ["a table entry without outputs", (l) => delete l.tables.people.outputs, "tables.people"],
    ["a table entry whose model is not a string", (l) => (l.tables.people.model = null), "tables.people"],
    ["a fingerprint that is not 256 bits", (l) => (l.tables.people.fingerprint = "not-a-hash"), "tables.people"],
    ["components that are not tags", (l) => (l.tables.people.components = "schema people"), "tables.people"],
    ["an output hash that is a number", (l) => (l.tables.people.outputs[0] = 1), "tables.people.outputs"],
    ["more output hashes than patterns", (l) => l.tables.people.outputs.push(FULL), "tables.people.outputs"],
    ["outputs by path with a hex hash", (l) => (l.tables.people.outputs = { "x/person.ts": h("c") }), "tables.people.outputs.x/person.ts"],
    ["a model name a path cannot hold", (l) => (l.tables.people.model = "../Evil"), "tables.people.outputs"],
  ])("refuses %s, saying where", (_, spoil, path) => {
    const data = file();
    spoil(data);
    expect(problem(data)).toContain(at(path));
  });

  it("accepts null for outputs and shared files the generator did not write", () => {
    const read = parseLock(serializeLock(sample()), "l");
    expect(read.lock?.tables.people!.outputs["x/person-gone.ts"]).toBeNull();
    expect(read.lock?.shared["x/none.ts"]).toBeNull();
  });

  it("refuses a recorded output path that is unsafe or not generated, naming it", () => {
    const data = file();
    data.tables.people.outputs = { "../outside.ts": FULL };
    expect(problem(data)).toContain('"../outside.ts"');
    const read = parseLock(serializeLock(sample()), "l", (p) => p !== "x/person.ts");
    expect(read.status === "corrupt" && read.warning).toContain('tables.people.outputs names "x/person.ts"');
  });
});

describe("serializeLock", () => {
  it("writes the same text whatever order the keys were added in, so branches merge cleanly", () => {
    const a = sample();
    const b: Lock = {
      shared: { "x/none.ts": null, "x/index.ts": h("e") },
      tables: { people: { outputs: { "x/person-gone.ts": null, "x/person.ts": h("c") }, components: componentTags({ "schema people": h("b") }), fingerprint: h("a"), model: "Person" } },
      inputs: shortHashes({ "db/schema.rb": h("3") }),
      global: shortHashes({ config: h("2"), tool: h("1") }),
      perTable: a.perTable,
      fingerprintVersion: 2,
      version: a.version,
    };
    expect(serializeLock(b)).toBe(serializeLock(a));
  });

  it("puts one table per line, so a table's change is a one-line diff", () => {
    const lock = sample();
    lock.tables.jobs = { model: "Job", fingerprint: h("f"), components: "", outputs: { "x/job.ts": h("1"), "x/job-gone.ts": null } };
    const text = serializeLock(lock);
    expect(text).toContain(`\n    "jobs": {"model":"Job","fingerprint":"`);
    const changed = { ...lock, tables: { ...lock.tables, jobs: { ...lock.tables.jobs!, fingerprint: h("0") } } };
    const before = text.split("\n");
    const after = serializeLock(changed).split("\n");
    expect(after.length).toBe(before.length);
    expect(after.filter((line, i) => line !== before[i])).toHaveLength(1);
  });

  it("keeps a table named __proto__ as an entry, in the file and read back", () => {
    const lock = sample();
    const text = serializeLock(lock).replace('"people": {', '"__proto__": {');
    const read = parseLock(text, "l");
    expect(Object.keys(read.lock!.tables)).toEqual(["__proto__"]);
    expect(serializeLock(read.lock!)).toBe(text);
  });

  it("keeps table and path names that sort unusually: upper case, digits, non-ASCII", () => {
    const lock = sample();
    for (const t of ["Zebra", "10_things", "2_things", "ünïcode"]) lock.tables[t] = { model: "M", fingerprint: h("a"), components: "", outputs: {} };
    const read = parseLock(serializeLock(lock), "l");
    expect(Object.keys(read.lock!.tables)).toEqual(["10_things", "2_things", "Zebra", "people", "ünïcode"]);
  });
});

describe("short hashes and tags", () => {
  it("are the leading bits of the hash in base64url, as Buffer writes them", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const hex = Buffer.from(bytes).toString("hex");
        expect(shortHash(hex)).toBe(Buffer.from(bytes.subarray(0, 6)).toString("base64url"));
        expect(hashTag(hex)).toBe(Buffer.from(bytes.subarray(0, 3)).toString("base64url"));
      }),
      { numRuns: 2000, seed: 20261203 },
    );
  });
});
