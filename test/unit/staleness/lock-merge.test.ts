import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { componentTags, emptyLock, parseLock, serializeLock, shortHash, type Lock, type LockTable } from "../../../src/staleness/lock.js";
import { mergeLocks } from "../../../src/staleness/lock-merge.js";

/** Hashes of any length: the lock's may become shorter than SHA-256. */
const h = (c: string) => c.repeat(64);

const entry = (model: string, c: string): LockTable => ({
  model,
  fingerprint: h(c),
  components: componentTags({ [`schema ${model}`]: h(c) }),
  outputs: { [`models/${model.toLowerCase()}.ts`]: h(c) },
});

function lock(tables: Record<string, LockTable>, more: Partial<Lock> = {}): Lock {
  return { ...emptyLock(1), tables, ...more };
}

/** Through the file format, as the driver sees them. */
const roundTrip = (l: Lock) => {
  const read = parseLock(serializeLock(l), "zero-models.lock");
  if (read.status !== "ok") throw new Error("fixture does not parse");
  return read.lock;
};

describe("mergeLocks: entry by entry, the side that changed it wins", () => {
  const base = lock({ people: entry("Person", "a"), jobs: entry("Job", "a"), tags: entry("Tag", "a") });

  it("takes each side's change to different tables", () => {
    const ours = lock({ ...base.tables, people: entry("Person", "b") });
    const theirs = lock({ ...base.tables, jobs: entry("Job", "c") });
    expect(mergeLocks(base, ours, theirs)!.tables).toEqual({ people: entry("Person", "b"), jobs: entry("Job", "c"), tags: entry("Tag", "a") });
  });

  it("takes a change both sides made alike, and ours when they differ (the table is then stale, and regenerated)", () => {
    const ours = lock({ ...base.tables, people: entry("Person", "b"), jobs: entry("Job", "d") });
    const theirs = lock({ ...base.tables, people: entry("Person", "b"), jobs: entry("Job", "e") });
    const merged = mergeLocks(base, ours, theirs)!;
    expect(merged.tables.people).toEqual(entry("Person", "b"));
    expect(merged.tables.jobs).toEqual(entry("Job", "d"));
  });

  it("keeps a table added on one side, drops one dropped on a side that did not change it, keeps one changed on the other", () => {
    const ours = lock({ people: entry("Person", "a"), jobs: entry("Job", "a"), notes: entry("Note", "n") }); // tags dropped, notes added
    const theirs = lock({ people: entry("Person", "a"), tags: entry("Tag", "t") }); // jobs dropped, tags changed
    expect(mergeLocks(base, ours, theirs)!.tables).toEqual({ people: entry("Person", "a"), notes: entry("Note", "n"), tags: entry("Tag", "t") });
  });

  it("merges shared, global and inputs key by key, null (a file not written) included", () => {
    const ancestor = lock({}, { global: { tool: h("1"), templates: h("1") }, inputs: { "db/schema.rb": h("1"), "a.rb": h("1") }, shared: { "index.ts": h("1"), "b.ts": null } });
    const ours = lock({}, { global: { tool: h("2"), templates: h("1") }, inputs: { "db/schema.rb": h("2"), "a.rb": h("1") }, shared: { "index.ts": null, "b.ts": null } });
    const theirs = lock({}, { global: { tool: h("1"), templates: h("3") }, inputs: { "db/schema.rb": h("3") }, shared: { "index.ts": h("1"), "b.ts": h("3") } });
    const merged = mergeLocks(ancestor, ours, theirs)!;
    expect(merged.global).toEqual({ tool: h("2"), templates: h("3") });
    expect(merged.inputs).toEqual({ "db/schema.rb": h("2") });
    expect(merged.shared).toEqual({ "index.ts": null, "b.ts": h("3") });
  });

  it("without an ancestor, a table both sides have differently is ours", () => {
    const merged = mergeLocks(null, lock({ people: entry("Person", "b") }), lock({ people: entry("Person", "c"), jobs: entry("Job", "c") }))!;
    expect(merged.tables).toEqual({ people: entry("Person", "b"), jobs: entry("Job", "c") });
  });

  it("an unreadable side falls back to the other; both unreadable is the caller's", () => {
    const ours = lock({ people: entry("Person", "b") });
    expect(mergeLocks(base, ours, null)).toBe(ours);
    expect(mergeLocks(base, null, ours)).toBe(ours);
    expect(mergeLocks(base, null, null)).toBeNull();
  });

  it("keeps a table named __proto__ as an entry", () => {
    const ours = lock(JSON.parse(`{"__proto__": ${JSON.stringify(entry("Proto", "b"))}}`) as Record<string, LockTable>);
    const merged = mergeLocks(null, ours, lock({}))!;
    expect(Object.keys(merged.tables)).toEqual(["__proto__"]);
  });
});

describe("mergeLocks on random locks (fast-check)", () => {
  const names = fc.constantFrom("people", "jobs", "tags", "notes", "cacti");
  const hash = fc.constantFrom("a", "b", "c").map(h);
  const table = fc.record({ model: fc.constantFrom("A", "B"), fingerprint: hash, components: fc.dictionary(fc.constantFrom("schema x", "model y"), hash).map(componentTags), outputs: fc.dictionary(fc.constantFrom("m/x.ts", "m/y.ts"), fc.option(hash, { nil: null })) });
  const anyLock = fc.record({
    tables: fc.dictionary(names, table),
    shared: fc.dictionary(fc.constantFrom("m/index.ts", "m/all.ts"), fc.option(hash, { nil: null })),
    global: fc.dictionary(fc.constantFrom("tool", "templates"), hash.map(shortHash)),
    inputs: fc.dictionary(fc.constantFrom("db/schema.rb", "app/models/a.rb"), hash.map(shortHash)),
    fingerprintVersion: fc.constantFrom(1, 2),
  }).map((l): Lock => roundTrip({ ...emptyLock(1), ...l }));
  const maybeLock = fc.option(anyLock, { nil: null });

  it("every entry is ours or theirs; what both left as it was stays; the result is a lock parseLock accepts", () => {
    fc.assert(
      fc.property(maybeLock, anyLock, anyLock, (ancestor, ours, theirs) => {
        const merged = mergeLocks(ancestor, ours, theirs)!;
        for (const key of ["tables", "shared", "global", "inputs"] as const) {
          const m = merged[key] as Record<string, unknown>;
          for (const [name, value] of Object.entries(m)) expect([ours[key][name], theirs[key][name]]).toContainEqual(value);
          const a = (ancestor?.[key] ?? {}) as Record<string, unknown>;
          const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
          for (const name of new Set([...Object.keys(a), ...Object.keys(ours[key]), ...Object.keys(theirs[key])])) {
            const [o, t] = [(ours[key] as Record<string, unknown>)[name], (theirs[key] as Record<string, unknown>)[name]];
            if (same(o, a[name]) && same(t, a[name])) expect(m[name]).toEqual(a[name]);
            if (same(o, a[name])) expect(m[name]).toEqual(t);
            else if (same(t, a[name])) expect(m[name]).toEqual(o);
          }
        }
        expect(parseLock(serializeLock(merged), "zero-models.lock", (p) => p.startsWith("m/")).status).toBe("ok");
      }),
      { numRuns: 500 },
    );
  });
});

describe("the advice for a lock that cannot be read", () => {
  it("is one fix, npx zero-models generate; with conflict markers, doctor says how git merges it by itself", () => {
    const conflicted = parseLock(`<<<<<<< HEAD\n${serializeLock(emptyLock(1))}=======\n{}\n>>>>>>> theirs\n`, "zero-models.lock");
    const warning = conflicted.status === "corrupt" ? conflicted.warning : "";
    expect(warning).toContain("Run `npx zero-models generate` to rebuild it.");
    expect(warning).toContain("`npx zero-models doctor` says how");
    expect(warning).not.toContain("--all");
    const truncated = parseLock("{", "zero-models.lock");
    expect(truncated.status === "corrupt" && truncated.warning).toMatch(/Run `npx zero-models generate` to rebuild it\.$/);
  });
});
