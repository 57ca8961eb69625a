import { describe, expect, it } from "vitest";
import { GLOBAL_OPTIONS, takeGlobal, type Globals } from "../../../src/cli/global-options.js";

/** The fast paths read global options with takeGlobal, commander with the same table: they must agree. */

function readAll(args: string[]): Globals | null {
  const into: Globals = {};
  for (let i = 0; i < args.length; ) {
    const taken = takeGlobal(args, i, into);
    if (!taken) return null;
    i += taken;
  }
  return into;
}

describe("takeGlobal", () => {
  it("reads every option of the table, short and long, with and without =", () => {
    expect(readAll(["-C", "app dir", "-c", "z.json", "-q", "--debug", "--no-color"])).toEqual({ cwd: "app dir", config: "z.json", quiet: true, debug: true, color: false });
    expect(readAll(["--cwd=x", "--config=y", "--quiet"])).toEqual({ cwd: "x", config: "y", quiet: true });
  });

  it("takes nothing for an unknown option, a missing value, or a value given to a flag", () => {
    expect(takeGlobal(["--verbose"], 0, {})).toBe(0);
    expect(takeGlobal(["-c"], 0, {})).toBe(0);
    expect(takeGlobal(["--debug=1"], 0, {})).toBe(0);
    expect(takeGlobal(["check"], 0, {})).toBe(0);
  });

  it("knows every option the full CLI declares", async () => {
    const { Command } = await import("commander");
    const cli = new Command();
    for (const option of GLOBAL_OPTIONS) cli.option(option.flags, option.description);
    for (const option of cli.options) {
      const args = option.required ? [option.long!, "v"] : [option.long!];
      expect(takeGlobal(args, 0, {}), option.long).toBe(args.length);
      if (option.short) expect(takeGlobal(option.required ? [option.short, "v"] : [option.short], 0, {}), option.short).toBeGreaterThan(0);
    }
  });
});
