import { describe, expect, it } from "vitest";
import { componentTag, componentTags, emptyLock, hasTag, hashTag, LOCK_VERSION, parseLock, serializeLock, shortHashes, tagsOf } from "../../../src/staleness/lock.js";

const h = (c: string) => c.repeat(64);
const PER_TABLE = ["x/{model_kebab}.ts", "x/types/{model_kebab}-data.ts"];

function sample() {
  const lock = emptyLock(1, PER_TABLE);
  lock.tables.people = { model: "Person", fingerprint: h("a"), components: componentTags({ "schema people": h("b") }), outputs: { "x/person.ts": h("c"), "x/types/person-data.ts": null } };
  lock.global = shortHashes({ tool: h("d") });
  lock.inputs = shortHashes({ "db/schema.rb": h("1"), "app/models/person.rb": h("2"), "Gemfile.lock": h("3") });
  lock.shared = { "x/index.ts": h("e") };
  return lock;
}

describe("lock file", () => {
  it("round-trips: the same lock is always the same bytes, with a trailing newline", () => {
    const text = serializeLock(sample());
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.startsWith(`{\n  "version": ${LOCK_VERSION},\n`)).toBe(true);
    const read = parseLock(text, "zero-models.lock");
    expect(read.status).toBe("ok");
    expect(read.lock).toEqual(sample());
    expect(serializeLock(read.lock!)).toBe(text);
  });

  it("keeps fingerprints and output hashes at full strength and the rest short", () => {
    const text = serializeLock(sample());
    const data = JSON.parse(text);
    const people = data.tables.people;
    expect(Buffer.from(people.fingerprint, "base64url").toString("hex")).toBe(h("a"));
    expect(people.outputs.map((o: string | null) => o && Buffer.from(o, "base64url").toString("hex"))).toEqual([h("c"), null]);
    expect(people.components).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(data.inputs).toEqual({ ".": { "Gemfile.lock": expect.any(String) }, "app/models": { "person.rb": expect.any(String) }, db: { "schema.rb": expect.any(String) } });
    expect(data.global.tool).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it("writes a table whose outputs the patterns do not give by path", () => {
    const lock = sample();
    lock.tables.people!.outputs = { "x/person.ts": h("c"), "x/old/person.ts": h("f") };
    const data = JSON.parse(serializeLock(lock));
    expect(Object.keys(data.tables.people.outputs)).toEqual(["x/old/person.ts", "x/person.ts"]);
    expect(parseLock(serializeLock(lock), "l").lock).toEqual(lock);
  });

  it("never trusts a lock with merge conflict markers", () => {
    const text = serializeLock(sample()).replace('"people": {', '<<<<<<< HEAD\n"people": {\n=======\n"humans": {\n>>>>>>> branch\n');
    const read = parseLock(text, "zero-models.lock");
    expect(read.status).toBe("corrupt");
    expect(read.status === "corrupt" && read.warning).toMatch(/zero-models.lock cannot be trusted \(it has merge conflict markers\)/);
  });

  it("never trusts an unknown version or a truncated file, and says plainly when an older zero-models wrote it", () => {
    const data = JSON.parse(serializeLock(sample()));
    const future = parseLock(JSON.stringify({ ...data, version: LOCK_VERSION + 1 }), "l");
    expect(future.status === "corrupt" && future.warning).toContain(`unknown lock version ${LOCK_VERSION + 1}`);
    const older = parseLock(JSON.stringify({ ...data, version: 1 }), "l");
    expect(older).toMatchObject({ status: "corrupt", older: true });
    expect(older.status === "corrupt" && older.warning).toBe("l was written by an older zero-models (lock version 1); every table counts as stale once. Run `zero-models generate` to rewrite it.");
    const text = serializeLock(sample());
    expect(parseLock(text.slice(0, text.length / 2), "l").status).toBe("corrupt");
  });

  it("finds a component's tag with its hash tag only where componentTags put it", () => {
    const text = componentTags({ "model a.rb": h("1"), "model b.rb": h("2") });
    const [a, b] = [componentTag("model a.rb"), componentTag("model b.rb")];
    expect(hasTag(text, a, hashTag(h("1")))).toBe(true);
    expect(hasTag(text, b, hashTag(h("2")))).toBe(true);
    expect(hasTag(text, a, hashTag(h("2")))).toBe(false);
    expect(hasTag(`x${text}`, a, hashTag(h("1")))).toBe(false);
    expect(tagsOf(text)).toEqual({ [a]: hashTag(h("1")), [b]: hashTag(h("2")) });
  });

  it("reports a missing lock as missing, not corrupt", () => {
    expect(parseLock(null, "l").status).toBe("missing");
  });

  it("is at most 600 bytes per table for a three-file table with ten components", () => {
    const lock = emptyLock(4, ["frontend/src/lib/models/{model_kebab}.ts", "frontend/src/lib/models/reactive-{model_kebab}.ts", "frontend/src/lib/models/types/{model_kebab}-data.ts"]);
    for (let i = 0; i < 100; i++) {
      const components = Object.fromEntries(Array.from({ length: 10 }, (_, c) => [`neighbour model app/models/some_model_${i}_${c}.rb`, h("b")]));
      const suffix = "abcdefghij"[i % 10]! + "abcdefghij"[Math.floor(i / 10)]!;
      const kebab = `job-assignment${suffix}`;
      lock.tables[`job_assignment${suffix}s`] = {
        model: `JobAssignment${suffix}`,
        fingerprint: h("a"),
        components: componentTags(components),
        outputs: Object.fromEntries(lock.perTable.map((p) => [p.replace("{model_kebab}", kebab), h("c")])),
      };
    }
    const text = serializeLock(lock);
    expect(Object.values(JSON.parse(text).tables).every((t) => Array.isArray((t as { outputs: unknown }).outputs))).toBe(true);
    expect(text.length / 100).toBeLessThan(400);
  });
});
