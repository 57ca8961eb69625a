import { describe, expect, it } from "vitest";
import { formatComponent, globalComponents, parseComponent, type ComponentKey } from "../../../src/staleness/components.js";

describe("component keys", () => {
  it("format as the lock has always stored them", () => {
    expect(formatComponent({ scope: "own", kind: "schema", name: "people" })).toBe("schema people");
    expect(formatComponent({ scope: "neighbour", kind: "model", name: "app/models/job assignment.rb" })).toBe("neighbour model app/models/job assignment.rb");
    expect(formatComponent({ scope: "global", kind: "global inputs" })).toBe("global global inputs");
    expect(globalComponents({ templates: "a", inflections: "b" })).toEqual({ "global templates": "a", "global inflections": "b" });
  });

  it("parse back to the same key, whatever the name holds", () => {
    const keys: ComponentKey[] = [
      { scope: "own", kind: "schema", name: "people" },
      { scope: "own", kind: "enum", name: "status" },
      { scope: "neighbour", kind: "schema", name: "neighbour schema x" },
      { scope: "neighbour", kind: "model", name: "app/models/a b.rb" },
      { scope: "global", kind: "schema preamble" },
    ];
    for (const key of keys) expect(parseComponent(formatComponent(key))).toEqual(key);
  });

  it("a table named like a scope is still the table", () => {
    expect(parseComponent("schema neighbour")).toEqual({ scope: "own", kind: "schema", name: "neighbour" });
    expect(parseComponent("schema global")).toEqual({ scope: "own", kind: "schema", name: "global" });
  });
});
