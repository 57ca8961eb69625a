import { describe, expect, it } from "vitest";
import { candidates, decide, sharedLookupNeeded, type Policy, type Stored, type StoredFiles } from "../../../src/generate/decide.js";
import { LOCK_VERSION, type Lock, type LockTable } from "../../../src/staleness/lock.js";
import type { Plan, Reason } from "../../../src/staleness/verdict.js";

/**
 * decide() on plans built in memory: which tables are restored, regenerated,
 * blocked, cached or missing, and what happens to the shared files, for each
 * policy (generate, generate --all, restore, restore --all, --dry-run).
 */

const GENERATE: Policy = { tables: "stale", stores: true, generator: true };
const GENERATE_ALL: Policy = { tables: "all", stores: false, generator: true };
const DRY_RUN: Policy = { tables: "stale", stores: false, generator: true };
const RESTORE: Policy = { tables: "stale", stores: true, generator: false };
const RESTORE_ALL: Policy = { tables: "all", stores: true, generator: false };
const GENERATOR = { all: ["gen"], table: ["gen", "--table={table}"] };
const SHARED = ["models/index.ts"];
const fp = (t: string, v = 1) => `${t}-${v}`.padEnd(64, "0");
const file = (t: string) => `models/${t}.ts`;
const hash = (t: string, v = 1) => `${t}-out-${v}`.padEnd(64, "0");

interface Setup {
  tables: string[];
  stale?: Record<string, Reason["kind"][]>;
  /** Table -> fingerprint version recorded in the lock (default: the current one). */
  recorded?: Record<string, number>;
  lock?: "ok" | "missing";
  dropped?: string[];
  sharedStale?: boolean;
}

function plan({ tables, stale = {}, recorded = {}, lock = "ok", dropped = [], sharedStale = false }: Setup): Plan {
  const entry = (t: string, v: number): LockTable => ({ model: t, fingerprint: fp(t, v), components: "", outputs: { [file(t)]: hash(t, v) } });
  const lockData: Lock = {
    version: LOCK_VERSION,
    fingerprintVersion: 1,
    perTable: [],
    global: {},
    inputs: {},
    tables: Object.fromEntries(tables.map((t) => [t, entry(t, recorded[t] ?? 1)])),
    shared: {},
  };
  return {
    analysis: {
      global: {},
      tables: Object.fromEntries(tables.map((t) => [t, { model: t, fingerprint: fp(t), components: {}, outputs: [file(t)] }])) as Plan["analysis"]["tables"],
      excluded: [],
      inputs: {},
      schemaVersion: null,
      migrations: [],
      models: {},
      notes: [],
      structure: { key: "", files: {}, schema: { version: null, preamble: "", blocks: {}, enums: {}, structure: "" }, extended: [], appNotes: [], fileNotes: {} },
      usedBy: {},
    },
    lock: lock === "ok" ? { status: "ok", lock: lockData, text: "" } : { status: "missing", lock: null },
    stale: Object.entries(stale).map(([table, kinds]) => ({ table, model: table, reasons: kinds.map((kind) => ({ kind, message: kind })) })),
    fresh: tables.filter((t) => !(t in stale)),
    dropped: dropped.map((table) => ({ table, outputs: { [file(table)]: hash(table) } })),
    shared: sharedStale ? [{ kind: "output-edited", message: "edited" }] : [],
    pendingMigrations: [],
    notInputs: [],
    leftovers: {},
    outputHashes: new Map(),
    warnings: [],
  };
}

const stored = (t: string, v = 1): StoredFiles => ({ artifact: { kind: "table", key: fp(t), files: new Map([[file(t), Buffer.from(t)]]) }, from: "local", hashes: { [file(t)]: hash(t, v) } });
const storedShared: StoredFiles = { artifact: { kind: "shared", key: "s".repeat(64), files: new Map([[SHARED[0]!, Buffer.from("index")]]) }, from: "remote", hashes: { [SHARED[0]!]: "i".repeat(64) } };
const store = (tables: Record<string, StoredFiles>, shared: StoredFiles | null = null): Stored => ({ tables: new Map(Object.entries(tables)), shared });
const NONE = store({});
const input = (p: Plan, policy: Policy, s: Stored = NONE) => ({ plan: p, policy, stored: s, generator: GENERATOR, sharedOutputs: SHARED, timings: {} as never });

describe("decide", () => {
  it("regenerates the stale tables and caches the rest when no store has them", () => {
    const d = decide(input(plan({ tables: ["a", "b", "c"], stale: { b: ["component"] } }), GENERATE));
    expect(d.runs.flatMap((r) => r.tables)).toEqual(["b"]);
    expect(d.restore).toEqual([]);
    expect(d.cached).toEqual(["a", "c"]);
    expect(d.missing).toEqual({ tables: [], shared: false });
    expect(d.forced).toBe(false);
  });

  it("restores a stale table a store has, and runs the generator only for the others", () => {
    const p = plan({ tables: ["a", "b", "c"], stale: { a: ["component"], b: ["component"] }, recorded: { a: 0, b: 0 } });
    const d = decide(input(p, GENERATE, store({ a: stored("a") })));
    expect(d.restore).toEqual(["a"]);
    expect(d.runs.flatMap((r) => r.tables)).toEqual(["b"]);
    expect(d.cached).toEqual(["c"]);
  });

  it("does not use a stored artifact that disagrees with what the lock records for the same fingerprint", () => {
    const p = plan({ tables: ["a"], stale: { a: ["output-edited"] } });
    const d = decide(input(p, GENERATE, store({ a: stored("a", 2) })));
    expect(d.restore).toEqual([]);
    expect(d.runs.flatMap((r) => r.tables)).toEqual(["a"]);
  });

  it("blocks tables stale only because of a pending migration, and leaves them out of every run", () => {
    const p = plan({ tables: ["a", "b"], stale: { a: ["pending-migration"], b: ["pending-migration", "component"] } });
    const d = decide(input(p, GENERATE));
    expect(d.blocked.map((v) => v.table)).toEqual(["a"]);
    expect(d.runs.flatMap((r) => r.tables)).toEqual(["b"]);
  });

  it("`only` keeps --all and an untrusted lock to the named tables", () => {
    const all = decide(input(plan({ tables: ["a", "b", "c"] }), { ...GENERATE_ALL, only: ["b"] }));
    expect(all.runs.flatMap((r) => r.tables)).toEqual(["b"]);
    // Stores are asked for the named tables only (a full run may still be cheaper than two table runs).
    expect(candidates(plan({ tables: ["a", "b", "c"], lock: "missing" }), { ...GENERATE, only: ["a", "c"] })).toEqual(["a", "c"]);
  });

  it("generate --all regenerates every table, uses no store, blocks nothing, and says it was forced", () => {
    const p = plan({ tables: ["a", "b"], stale: { a: ["pending-migration"] } });
    const d = decide(input(p, GENERATE_ALL, store({ a: stored("a"), b: stored("b") })));
    expect(d.restore).toEqual([]);
    expect(d.blocked).toEqual([]);
    expect(d.runs.flatMap((r) => r.tables).sort()).toEqual(["a", "b"]);
    expect(d.cached).toEqual([]);
    expect(d.forced).toBe(true);
  });

  it("a dry run decides the runs without asking a store", () => {
    const p = plan({ tables: ["a", "b"], stale: { a: ["component"] }, recorded: { a: 0 } });
    const d = decide(input(p, DRY_RUN, store({ a: stored("a") })));
    expect(d.restore).toEqual([]);
    expect(d.runs.flatMap((r) => r.tables)).toEqual(["a"]);
  });

  it("treats every table as wanted when the lock is missing or unreadable", () => {
    const p = plan({ tables: ["a", "b"], lock: "missing" });
    expect(candidates(p, GENERATE)).toEqual(["a", "b"]);
    expect(decide(input(p, GENERATE)).runs.flatMap((r) => r.tables).sort()).toEqual(["a", "b"]);
  });

  describe("restore", () => {
    it("never runs the generator, and lists the tables no store had as missing, apart from the shared files", () => {
      const p = plan({ tables: ["a", "shared", "c"], stale: { a: ["component"], shared: ["component"] }, recorded: { a: 0 } });
      const d = decide(input(p, RESTORE, store({ a: stored("a") })));
      expect(d.runs).toEqual([]);
      expect(d.restore).toEqual(["a"]);
      // A table named "shared" is a table: it is missing, and the shared files are a separate answer.
      expect(d.missing.tables).toEqual(["shared"]);
      expect(d.cached).toEqual(["c"]);
    });

    it("asks for the shared files even when tables are missing, and says when no store had them", () => {
      const p = plan({ tables: ["a", "b"], stale: { a: ["component"], b: ["component"] }, recorded: { a: 0 } });
      const found = store({ a: stored("a") });
      expect(sharedLookupNeeded(p, RESTORE, found.tables, SHARED)).toBe(true);
      expect(decide(input(p, RESTORE, found)).missing).toEqual({ tables: ["b"], shared: true });
      const withShared = decide(input(p, RESTORE, store({ a: stored("a") }, storedShared)));
      expect(withShared.missing).toEqual({ tables: ["b"], shared: false });
      expect(withShared.shared).toBe("restore");
    });

    it("restore --all asks the stores for every table, fresh ones too", () => {
      const p = plan({ tables: ["a", "b"], recorded: { a: 0, b: 0 } });
      expect(candidates(p, RESTORE_ALL)).toEqual(["a", "b"]);
      const d = decide(input(p, RESTORE_ALL, store({ a: stored("a"), b: stored("b") }, storedShared)));
      expect(d.restore).toEqual(["a", "b"]);
      expect(d.cached).toEqual([]);
    });
  });

  describe("the shared files", () => {
    it("come from a store when every wanted table was restored", () => {
      const p = plan({ tables: ["a", "b"], stale: { a: ["component"] }, recorded: { a: 0 } });
      const found = store({ a: stored("a") }, storedShared);
      expect(sharedLookupNeeded(p, GENERATE, found.tables, SHARED)).toBe(true);
      const d = decide(input(p, GENERATE, found));
      expect(d.shared).toBe("restore");
      expect(d.runs).toEqual([]);
    });

    it("are not looked up when a generator run will rewrite them anyway", () => {
      const p = plan({ tables: ["a", "b"], stale: { a: ["component"], b: ["component"] }, recorded: { a: 0 } });
      const found = store({ a: stored("a") });
      expect(sharedLookupNeeded(p, GENERATE, found.tables, SHARED)).toBe(false);
      expect(decide(input(p, GENERATE, store({ a: stored("a") }, storedShared))).shared).toBe("runs");
    });

    it("when only they are stale and no store has them, one run of the first table rewrites them", () => {
      const p = plan({ tables: ["b", "a"], sharedStale: true });
      const d = decide(input(p, GENERATE));
      expect(d.runs.map((r) => r.tables)).toEqual([["a"]]);
      expect(d.cached).toEqual(["b"]);
    });

    it("a dropped table makes them stale", () => {
      const p = plan({ tables: ["a"], dropped: ["gone"] });
      expect(decide(input(p, GENERATE)).runs.map((r) => r.tables)).toEqual([["a"]]);
      expect(decide(input(p, { ...GENERATE }, store({}, storedShared))).shared).toBe("restore");
    });

    it("nothing is stale: nothing runs, nothing is restored", () => {
      const d = decide(input(plan({ tables: ["a", "b"] }), GENERATE, store({}, storedShared)));
      expect(d).toMatchObject({ restore: [], runs: [], shared: "runs", cached: ["a", "b"], missing: { tables: [], shared: false } });
    });
  });
});
