import { describe, expect, it } from "vitest";
import { emptyLock, parseLock, serializeLock, LOCK_VERSION } from "../../../src/staleness/lock.js";

const h = (c: string) => c.repeat(64);

function sample() {
  const lock = emptyLock(1);
  lock.tables.people = { model: "Person", fingerprint: h("a"), components: { "schema people": h("b") }, outputs: { "x/person.ts": h("c"), "x/gone.ts": null } };
  lock.global = { tool: h("d") };
  lock.shared = { "x/index.ts": h("e") };
  return lock;
}

describe("lock file", () => {
  it("round-trips with keys sorted at every level and a trailing newline", () => {
    const text = serializeLock(sample());
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf('"fingerprintVersion"')).toBeLessThan(text.indexOf('"global"'));
    expect(text.indexOf('"x/gone.ts"')).toBeLessThan(text.indexOf('"x/person.ts"'));
    const read = parseLock(text, "zero-models.lock");
    expect(read.status).toBe("ok");
    expect(serializeLock(read.lock!)).toBe(text);
  });

  it("never trusts a lock with merge conflict markers", () => {
    const text = serializeLock(sample()).replace('"model": "Person"', '<<<<<<< HEAD\n"model": "Person"\n=======\n"model": "Human"\n>>>>>>> branch');
    const read = parseLock(text, "zero-models.lock");
    expect(read.status).toBe("corrupt");
    expect(read.status === "corrupt" && read.warning).toMatch(/zero-models.lock cannot be trusted \(it has merge conflict markers\)/);
  });

  it("never trusts an unknown version or a truncated file", () => {
    const future = parseLock(JSON.stringify({ ...sample(), version: LOCK_VERSION + 1 }), "l");
    expect(future.status === "corrupt" && future.warning).toContain(`unknown lock version ${LOCK_VERSION + 1}`);
    const text = serializeLock(sample());
    expect(parseLock(text.slice(0, text.length / 2), "l").status).toBe("corrupt");
  });

  it("never trusts a hash that is not SHA-256 hex", () => {
    const lock = sample();
    lock.tables.people!.fingerprint = "not-a-hash";
    expect(parseLock(JSON.stringify(lock), "l").status).toBe("corrupt");
  });

  it("reports a missing lock as missing, not corrupt", () => {
    expect(parseLock(null, "l").status).toBe("missing");
  });
});
