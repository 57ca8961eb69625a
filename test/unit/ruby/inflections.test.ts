import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/common/errors.js";
import { parseInflections } from "../../../src/ruby/inflections.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ruby/inflections/${name}`, import.meta.url), "utf8");

const FILE = "config/initializers/inflections.rb";

describe("parseInflections", () => {
  it("collects :en rules from every block, in the order written, ignoring other locales and comments", async () => {
    const plural = (pattern: string, flags: string, replacement: string, deletes: string[]) => ({ kind: "plural", pattern, flags, replacement, deletes });
    const singular = (pattern: string, flags: string, replacement: string, deletes: string[]) => ({ kind: "singular", pattern, flags, replacement, deletes });
    expect(await parseInflections(fixture("inflections.rb"), FILE)).toEqual([
      plural("^(ox)$", "iu", "$1en", ["\\1en"]),
      singular("^(ox)en", "iu", "$1", ["\\1"]),
      plural("(quiz)$", "iu", "$1zes", ["\\1zes"]),
      { kind: "irregular", singular: "person", plural: "people" },
      { kind: "irregular", singular: "cactus", plural: "cacti" },
      { kind: "uncountable", words: ["fish", "sheep"] },
      { kind: "uncountable", words: ["equipment", "metadata"] },
      { kind: "acronym", word: "API" },
      // A String rule is matched literally, and removes the same word from the uncountables.
      plural("criterion", "u", "criteria", ["criterion", "criteria"]),
      singular("criteria", "u", "criterion", ["criteria", "criterion"]),
      { kind: "irregular", singular: "campus", plural: "campuses" },
      plural("^(m)edium$", "iu", "$1edia", ["\\1edia"]), // %r{} literal
      { kind: "uncountable", words: ["staff"] },
    ]);
  });

  it("reads inflect.clear with and without a scope, and refuses a scope Rails does not know", async () => {
    const block = (body: string) => `ActiveSupport::Inflector.inflections(:en) do |inflect|\n${body}\nend\n`;
    expect(await parseInflections(block("  inflect.clear\n  inflect.clear :plurals\n  inflect.clear(:acronyms)"), FILE)).toEqual([
      { kind: "clear", scope: "all" },
      { kind: "clear", scope: "plurals" },
      { kind: "clear", scope: "acronyms" },
    ]);
    const err = await parseInflections(block('  inflect.clear "plurals"'), FILE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(2);
    expect((err as InputError).message).toContain("inflect.clear \"plurals\": the scope must be one of");
  });

  it("refuses irregulars and acronyms that ActiveSupport would read as a regex", async () => {
    const err = await parseInflections('ActiveSupport::Inflector.inflections(:en) do |inflect|\n  inflect.acronym "C++"\nend\n', FILE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^config\/initializers\/inflections\.rb:2: cannot read inflection rule: inflect\.acronym "C\+\+": ActiveSupport reads this word as a regex/);
  });

  it("gives identical rules with CRLF line endings", async () => {
    const lf = await parseInflections(fixture("inflections.rb"), FILE);
    const crlf = await parseInflections(fixture("inflections.rb").replace(/\n/g, "\r\n"), FILE);
    expect(crlf).toEqual(lf);
  });

  it("translates extended (/x) regexes and \\A \\z anchors", async () => {
    const [plural, singular] = await parseInflections(fixture("extended.rb"), FILE);
    expect(plural).toMatchObject({ kind: "plural", pattern: "^(alumn)us$", flags: "iu", replacement: "$1i" });
    expect(singular).toMatchObject({ kind: "singular", pattern: "^(alumn)i$", flags: "iu", replacement: "$1us" });
  });

  it("rejects Ruby-only regex syntax with file and line", async () => {
    const err = await parseInflections(fixture("unsupported.rb"), FILE).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(FILE);
    expect((err as InputError).line).toBe(3);
    expect((err as InputError).message).toContain("atomic groups");
  });

  it("rejects rules it cannot evaluate statically", async () => {
    const err = await parseInflections(fixture("computed.rb"), FILE).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(3);
    expect((err as InputError).message).toMatch(/^config\/initializers\/inflections\.rb:3: cannot read inflection rule/);
  });

  it("returns empty rules for a file without inflections blocks", async () => {
    expect(await parseInflections("# nothing here\n", FILE)).toEqual([]);
  });
});
