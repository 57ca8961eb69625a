import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/common/errors.js";
import { parseInflections, rubyRegexToJs, rubyReplacementToJs } from "../../../src/ruby/inflections.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ruby/inflections/${name}`, import.meta.url), "utf8");

const FILE = "config/initializers/inflections.rb";

describe("parseInflections", () => {
  it("collects :en rules from every block, in declaration order, ignoring other locales and comments", async () => {
    expect(await parseInflections(fixture("inflections.rb"), FILE)).toEqual({
      plural: [
        ["^(ox)$", "i", "$1en"],
        ["(quiz)$", "i", "$1zes"],
        ["criterion", "", "criteria"], // string rule: matched literally
        ["^(m)edium$", "i", "$1edia"], // %r{} literal
      ],
      singular: [
        ["^(ox)en", "i", "$1"],
        ["criteria", "", "criterion"],
      ],
      irregular: [
        ["person", "people"],
        ["cactus", "cacti"],
        ["campus", "campuses"],
      ],
      uncountable: ["fish", "sheep", "equipment", "metadata", "staff"],
      acronym: ["API"],
    });
  });

  it("gives identical rules with CRLF line endings", async () => {
    const lf = await parseInflections(fixture("inflections.rb"), FILE);
    const crlf = await parseInflections(fixture("inflections.rb").replace(/\n/g, "\r\n"), FILE);
    expect(crlf).toEqual(lf);
  });

  it("translates extended (/x) regexes and \\A \\z anchors", async () => {
    const rules = await parseInflections(fixture("extended.rb"), FILE);
    expect(rules.plural).toEqual([["^(alumn)us$", "i", "$1i"]]);
    expect(rules.singular).toEqual([["^(alumn)i$", "i", "$1us"]]);
    expect("alumnus".replace(new RegExp(rules.plural[0]![0], rules.plural[0]![1]), rules.plural[0]![2])).toBe("alumni");
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
    expect(await parseInflections("# nothing here\n", FILE)).toEqual({
      plural: [],
      singular: [],
      irregular: [],
      uncountable: [],
      acronym: [],
    });
  });
});

describe("regex and replacement translation", () => {
  it("maps Ruby constructs to JS", () => {
    expect(rubyRegexToJs("\\A[[:alpha:]]+\\h\\Z", { i: false, m: false, x: false })).toEqual([
      "^[a-zA-Z]+[0-9a-fA-F](?=\\n?$)",
      "",
    ]);
    expect(rubyRegexToJs("a.b", { i: true, m: true, x: false })).toEqual(["a.b", "is"]);
    expect(() => rubyRegexToJs("(?i)abc", { i: false, m: false, x: false })).toThrow(/inline flag/);
    expect(() => rubyRegexToJs("a++", { i: false, m: false, x: false })).toThrow(/possessive/);
  });

  it("maps Ruby replacement backreferences to JS", () => {
    expect(rubyReplacementToJs("\\1en")).toBe("$1en");
    expect(rubyReplacementToJs("\\0-\\\\-$")).toBe("$&-\\-$$");
    expect(rubyReplacementToJs("\\k<word>s")).toBe("$<word>s");
  });
});
