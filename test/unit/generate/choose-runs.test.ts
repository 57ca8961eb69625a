import { describe, expect, it } from "vitest";
import { chooseRuns, estimate, expandArgv } from "../../../src/generate/choose-runs.js";

describe("expandArgv", () => {
  it("expands a whole {tables}/{excluded} argument into one argument per table", () => {
    expect(expandArgv(["gen", "--exclude-tables", "{excluded}"], { excluded: ["a", "b"] })).toEqual(["gen", "--exclude-tables", "a", "b"]);
    expect(expandArgv(["gen", "{tables}"], { tables: ["x"] })).toEqual(["gen", "x"]);
  });

  it("comma-joins inside a longer argument", () => {
    expect(expandArgv(["gen", "--only={tables}"], { tables: ["a", "b"] })).toEqual(["gen", "--only=a,b"]);
    expect(expandArgv(["gen", "--table={table}"], { table: "people" })).toEqual(["gen", "--table=people"]);
  });

  it("keeps a hostile table name as exactly one argument", () => {
    const name = "x; rm -rf / #";
    expect(expandArgv(["gen", "--table={table}"], { table: name })).toEqual(["gen", `--table=${name}`]);
  });
});

const gen = { all: ["g"], table: ["g", "--table={table}"], exclude: ["g", "--exclude-tables", "{excluded}"] };
const tables = ["a", "b", "c", "d", "e"];

describe("chooseRuns", () => {
  it("runs the full generator when every table is stale", () => {
    expect(chooseRuns(gen, tables, tables, [], {})).toEqual([{ kind: "all", argv: ["g"], tables }]);
  });

  it("prefers one exclude run that skips the fresh tables", () => {
    const runs = chooseRuns(gen, ["b", "d"], tables, [], {});
    expect(runs).toEqual([{ kind: "exclude", argv: ["g", "--exclude-tables", "a", "c", "e"], tables: ["b", "d"] }]);
  });

  it("for one stale table, prefers the per-table command to an exclude list of every other table", () => {
    expect(chooseRuns(gen, ["c"], tables, [], {})).toEqual([{ kind: "table", argv: ["g", "--table=c"], tables: ["c"] }]);
  });

  it("with only per-table runs, picks a full run once recorded timings say it is cheaper", () => {
    const only = { all: ["g"], table: ["g", "--table={table}"] };
    expect(chooseRuns(only, ["b"], tables, [], { all: { ms: 10_000, tables: 5 }, one: { ms: 8_000 } }).map((r) => r.kind)).toEqual(["table"]);
    expect(chooseRuns(only, ["b", "c"], tables, [], { all: { ms: 10_000, tables: 5 }, one: { ms: 8_000 } }).map((r) => r.kind)).toEqual(["all"]);
    expect(chooseRuns(only, ["b", "c"], tables, [], { all: { ms: 10_000, tables: 5 }, one: { ms: 1_000 } }).map((r) => r.argv)).toEqual([
      ["g", "--table=b"],
      ["g", "--table=c"],
    ]);
  });

  it("with only a full-run command, always runs it", () => {
    expect(chooseRuns({ all: ["g"] }, ["b"], tables, [], {})).toEqual([{ kind: "all", argv: ["g"], tables }]);
  });

  it("passes tables excluded by config to the exclude run too", () => {
    const runs = chooseRuns(gen, ["a", "b", "c", "d"], tables, ["schema_x"], {});
    expect(runs[0]!.argv).toEqual(["g", "--exclude-tables", "e", "schema_x"]);
  });

  it("never passes an excluded table named like an option: another strategy runs instead", () => {
    const runs = chooseRuns(gen, ["a", "b", "c", "d"], tables, ["--all"], {});
    expect(runs.map((r) => r.kind)).not.toContain("exclude");
    expect(runs.flatMap((r) => r.argv)).not.toContain("--all");
  });
});

describe("estimate", () => {
  it("interpolates between a one-table run and a full run", () => {
    expect(estimate(1, 11, { all: { ms: 2000, tables: 11 }, one: { ms: 1000 } })).toBe(1000);
    expect(estimate(6, 11, { all: { ms: 2000, tables: 11 }, one: { ms: 1000 } })).toBe(1500);
    expect(estimate(11, 11, { all: { ms: 2000, tables: 11 }, one: { ms: 1000 } })).toBe(2000);
  });
});
