import { describe, expect, it } from "vitest";
import { restrictPlan, selectTables } from "../../../src/staleness/select.js";
import type { Plan } from "../../../src/staleness/verdict.js";

/** Table filters (`check cacti`, `generate --table Note`): which tables a name means, and the plan as it concerns them. */

function plan(): Plan {
  const table = (model: string) => ({ model, fingerprint: "f", components: {}, outputs: [] });
  return {
    analysis: { global: {}, tables: { cacti: table("Cactus"), notes: table("Note"), people: table("Person") }, excluded: [], inputs: {}, schemaVersion: null, migrations: [], notes: [] },
    lock: { status: "ok", lock: null, text: "" },
    stale: [{ table: "cacti", model: "Cactus", reasons: [{ kind: "component", message: "x" }] }],
    fresh: ["notes", "people"],
    dropped: [{ table: "gadgets", outputs: {} }],
    shared: [{ kind: "output-edited", message: "edited" }],
    pendingMigrations: [],
    outputHashes: new Map(),
    warnings: [],
  } as unknown as Plan;
}

describe("selectTables", () => {
  it("takes table and model names, and dropped tables the lock still records, each once", () => {
    expect(selectTables(plan(), ["Cactus", "cacti", "notes", "gadgets"])).toEqual(["cacti", "gadgets", "notes"]);
  });

  it("refuses an unknown name as a usage error naming the closest one", () => {
    expect(() => selectTables(plan(), ["cacty"])).toThrow(/unknown table "cacty" \(did you mean "cacti"\?\)/);
    try {
      selectTables(plan(), ["zzzzzzzz"]);
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(2);
      expect((error as Error).message).not.toContain("did you mean");
    }
  });
});

describe("restrictPlan", () => {
  it("keeps only the named tables and does not judge the shared files", () => {
    const p = restrictPlan(plan(), ["notes"]);
    expect(p.stale).toEqual([]);
    expect(p.fresh).toEqual(["notes"]);
    expect(p.dropped).toEqual([]);
    expect(p.shared).toEqual([]);
  });
});
