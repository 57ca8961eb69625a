import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ParseCache } from "../../../src/inputs/parse-cache.js";

/**
 * The last analysis of a view is kept one table a line and read back with
 * each table parsed when first asked for: it must read as the record it was,
 * however it is read.
 */
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const quiet = () => {};
const entry = (n: number) => ({ model: `M${n}`, components: { [`schema t${n}`]: "a".repeat(64) }, fingerprint: String(n).repeat(64).slice(0, 64), outputs: [`out/t${n}.ts`] });
const analysis = {
  global: { tool: "b".repeat(64) },
  // Names that are awkward as keys or in a line: a prototype's name, a number, a tab, a newline, a quote.
  tables: { people: entry(1), __proto__x: entry(2), "123": entry(3), "a\tb": entry(4), "c\nd": entry(5), 'e"f': entry(6) },
  notes: ["a note\nwith a newline"],
};

async function roundTrip(): Promise<Record<string, unknown>> {
  dir = mkdtempSync(path.join(tmpdir(), "zero-models-parse-cache-"));
  const writer = await ParseCache.open(dir, quiet);
  writer.keepAnalysis("worktree", "key", "setting", analysis);
  await writer.save();
  const read = await (await ParseCache.open(dir, quiet)).analysis("worktree", "key", "setting");
  expect(read?.exact).toBe(true);
  return read!.analysis as Record<string, unknown>;
}

describe("the kept analysis", () => {
  it("reads back as the record it was, one table a line", async () => {
    const back = await roundTrip();
    expect(back).toEqual(analysis);
    expect(JSON.parse(JSON.stringify(back))).toEqual(analysis);
    const file = readFileSync(path.join(dir, "analysis-worktree.json"), "utf8");
    expect(file.split("\n")).toHaveLength(2 + Object.keys(analysis.tables).length);
  });

  it("answers lookups, `in`, keys and writes like a plain record, parsing only what is read", async () => {
    const tables = (await roundTrip()).tables as Record<string, ReturnType<typeof entry> | undefined>;
    expect(Object.keys(tables).sort()).toEqual(Object.keys(analysis.tables).sort());
    expect(tables["a\tb"]).toEqual(entry(4));
    expect("people" in tables && !("nobody" in tables)).toBe(true);
    expect(tables.nobody).toBeUndefined();
    expect(tables.toString).toBeUndefined();
    tables.people = entry(9);
    expect(tables.people).toEqual(entry(9));
    delete tables["123"];
    expect(Object.keys(tables)).not.toContain("123");
    expect(Object.entries(tables).length).toBe(Object.keys(analysis.tables).length - 1);
  });

  it("parses a table's line only when that table is read", async () => {
    await roundTrip();
    const file = path.join(dir, "analysis-worktree.json");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^("people"\t).*$/m, "$1{not json"));
    const tables = ((await (await ParseCache.open(dir, quiet)).analysis("worktree", "key", "setting"))!.analysis as { tables: Record<string, unknown> }).tables;
    expect(Object.keys(tables)).toContain("people");
    expect(tables["a\tb"]).toEqual(entry(4));
    expect(() => tables.people).toThrow(SyntaxError);
  });
});
