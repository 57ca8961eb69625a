import { describe, expect, it } from "vitest";
import { emptyLock, parseLock, serializeLock, type Lock } from "../../../src/staleness/lock.js";

/** Edge cases of the lock's shape check and layout; lock.test.ts has the round trip, conflicts, versions and bad hashes. */

const h = (c: string) => c.repeat(64);

function sample(): Lock {
  const lock = emptyLock(2);
  lock.global = { tool: h("1"), config: h("2") };
  lock.inputs = { "db/schema.rb": h("3") };
  lock.tables.people = { model: "Person", fingerprint: h("a"), components: { "schema people": h("b") }, outputs: { "x/person.ts": h("c"), "x/gone.ts": null } };
  lock.shared = { "x/index.ts": h("e"), "x/none.ts": null };
  return lock;
}

/** The warning of a lock that does not pass, or null when it does. */
function problem(data: unknown): string | null {
  const read = parseLock(typeof data === "string" ? data : JSON.stringify(data), "models.lock");
  return read.status === "corrupt" ? read.warning : read.status === "ok" ? null : "missing";
}

describe("parseLock's shape check", () => {
  it("accepts an empty lock and a full one, keeping the text as read", () => {
    expect(problem(emptyLock(2))).toBeNull();
    const text = `${JSON.stringify(sample())}\r\n`;
    const read = parseLock(text, "l");
    expect(read.status === "ok" && read.text).toBe(text);
    expect(read.lock).toEqual(sample());
  });

  it.each([
    ["a number", 42, "unknown lock version undefined"],
    ["null", null, "unknown lock version undefined"],
    ["an array", [sample()], "unknown lock version undefined"],
    ["a version as a string", { ...sample(), version: "1" }, 'unknown lock version "1"'],
    ["no version", { ...sample(), version: undefined }, "unknown lock version undefined"],
  ])("refuses %s, naming the version it found", (_, data, why) => {
    expect(problem(data)).toContain(`models.lock cannot be trusted (${why}, this zero-models writes 1)`);
  });

  it("refuses an empty file as invalid JSON", () => {
    expect(problem("")).toContain("it is not valid JSON");
  });

  const at = (path: string) => `unexpected content at ${path}`;
  it.each<[string, (l: Record<string, unknown> & Lock) => void, string]>([
    ["an unknown top-level key", (l) => (l.generatedAt = "2024-01-01"), "generatedAt"],
    ["a fractional fingerprintVersion", (l) => (l.fingerprintVersion = 1.5), "fingerprintVersion"],
    ["a fingerprintVersion given as a string", (l) => ((l as Record<string, unknown>).fingerprintVersion = "2"), "fingerprintVersion"],
    ["a null global hash", (l) => ((l.global as Record<string, unknown>).tool = null), "global.tool"],
    ["an upper-case hash", (l) => (l.inputs["db/schema.rb"] = h("A")), "inputs.db/schema.rb"],
    ["a null input hash", (l) => ((l.inputs as Record<string, unknown>)["db/schema.rb"] = null), "inputs.db/schema.rb"],
    ["global as a list", (l) => ((l as Record<string, unknown>).global = []), "global"],
    ["no shared record", (l) => delete (l as Partial<Lock>).shared, "shared"],
    ["tables as a list", (l) => ((l as Record<string, unknown>).tables = []), "tables"],
    ["a table entry with an extra key", (l) => ((l.tables.people as unknown as Record<string, unknown>).note = "x"), "tables.people"],
    ["a table entry without outputs", (l) => delete (l.tables.people as Partial<Lock["tables"][string]>).outputs, "tables.people"],
    ["a table entry whose model is not a string", (l) => ((l.tables.people as unknown as Record<string, unknown>).model = null), "tables.people"],
    ["a null component hash", (l) => ((l.tables.people!.components as Record<string, unknown>)["schema people"] = null), "tables.people.components.schema people"],
    ["an output hash that is a number", (l) => ((l.tables.people!.outputs as Record<string, unknown>)["x/person.ts"] = 1), "tables.people.outputs.x/person.ts"],
  ])("refuses %s, saying where", (_, spoil, path) => {
    const lock = sample() as Record<string, unknown> & Lock;
    spoil(lock);
    expect(problem(lock)).toContain(at(path));
  });

  it("accepts null for outputs and shared files the generator did not write, nowhere else", () => {
    const read = parseLock(serializeLock(sample()), "l");
    expect(read.lock?.tables.people!.outputs["x/gone.ts"]).toBeNull();
    expect(read.lock?.shared["x/none.ts"]).toBeNull();
  });
});

describe("serializeLock", () => {
  it("writes the same text whatever order the keys were added in, so branches merge cleanly", () => {
    const a = sample();
    const b: Lock = {
      shared: { "x/none.ts": null, "x/index.ts": h("e") },
      tables: { people: { outputs: { "x/gone.ts": null, "x/person.ts": h("c") }, components: { "schema people": h("b") }, fingerprint: h("a"), model: "Person" } },
      inputs: { "db/schema.rb": h("3") },
      global: { config: h("2"), tool: h("1") },
      fingerprintVersion: 2,
      version: 1,
    };
    expect(serializeLock(b)).toBe(serializeLock(a));
  });

  it("puts one table per block, two-space indented, so a table's change is a local diff", () => {
    const lock = sample();
    lock.tables.jobs = { model: "Job", fingerprint: h("f"), components: {}, outputs: {} };
    const text = serializeLock(lock);
    expect(text).toContain(`\n    "jobs": {\n      "components": {},\n      "fingerprint": "${h("f")}",\n      "model": "Job",\n      "outputs": {}\n    },\n    "people": {`);
    const changed = { ...lock, tables: { ...lock.tables, jobs: { ...lock.tables.jobs!, fingerprint: h("0") } } };
    const before = text.split("\n");
    const after = serializeLock(changed).split("\n");
    expect(after.length).toBe(before.length);
    expect(after.filter((line, i) => line !== before[i])).toEqual([`      "fingerprint": "${h("0")}",`]);
  });

  it("keeps table and path names that sort unusually: upper case, digits, non-ASCII", () => {
    const lock = sample();
    for (const t of ["Zebra", "10_things", "2_things", "ünïcode"]) lock.tables[t] = { model: "M", fingerprint: h("a"), components: {}, outputs: {} };
    const read = parseLock(serializeLock(lock), "l");
    expect(Object.keys(read.lock!.tables)).toEqual(["10_things", "2_things", "Zebra", "people", "ünïcode"]);
  });
});
