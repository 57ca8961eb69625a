import { describe, expect, it } from "vitest";
import { capitalize, downcase, rubyRegexToJs, rubyReplacementToJs } from "../../../src/ruby/ruby-text.js";

const plain = { i: false, m: false, x: false };
const js = (source: string, flags = plain) => {
  const [pattern, jsFlags] = rubyRegexToJs(source, flags);
  return new RegExp(pattern, jsFlags);
};

describe("rubyRegexToJs", () => {
  it("maps Ruby anchors, classes and flags to JavaScript", () => {
    expect(rubyRegexToJs("\\A[[:alpha:]]+\\h\\Z", plain)).toEqual(["^[\\p{Alphabetic}]+[0-9a-fA-F](?=\\n?$)", "u"]);
    expect(rubyRegexToJs("a.b", { i: true, m: true, x: false })).toEqual(["a.b", "isu"]);
    expect(() => rubyRegexToJs("(?i)abc", plain)).toThrow(/inline flag/);
    expect(() => rubyRegexToJs("a++", plain)).toThrow(/possessive/);
    expect(() => rubyRegexToJs("(?>a)", plain)).toThrow(/atomic/);
  });

  it("gives \\b Ruby's meaning: letters beyond ASCII are word characters", () => {
    expect(js("\\bcafé\\b").test("a café!")).toBe(true);
    expect(js("é\\b").test("éa")).toBe(false);
    expect(js("\\Bum$").test("medium")).toBe(true);
    expect(js("\\Bum$").test("um")).toBe(false);
  });

  it("keeps \\s ASCII, as Ruby does", () => {
    expect(js("a\\sb").test("a b")).toBe(true);
    expect(js("a\\sb").test("a\u00a0b")).toBe(false);
  });

  it("reads braces that are not quantifiers as literal braces, and {,n} as {0,n}", () => {
    expect(js("a{").test("a{")).toBe(true);
    expect(js("^a{,2}$").test("aa")).toBe(true);
    expect(js("^a{,2}$").test("aaa")).toBe(false);
    expect(js("}").test("}")).toBe(true);
  });

  it("accepts Ruby's identity escapes that JavaScript's u mode refuses", () => {
    expect(js("e\\-mail").test("e-mail")).toBe(true);
    expect(js("[\\-_]").test("-")).toBe(true);
    expect(js("a\\_b\\'").test("a_b'")).toBe(true);
    expect(() => rubyRegexToJs("\\y", plain)).toThrow(/no JavaScript equivalent/);
  });

  it("ignores whitespace and comments in extended regexes", () => {
    expect(js("(her|potat) # stems\n o$", { i: true, m: false, x: true }).test("POTATO")).toBe(true);
  });
});

describe("rubyReplacementToJs", () => {
  it("maps Ruby replacement backreferences to JS", () => {
    expect(rubyReplacementToJs("\\1en")).toBe("$1en");
    expect(rubyReplacementToJs("\\0-\\\\-$")).toBe("$&-\\-$$");
    expect(rubyReplacementToJs("\\k<word>s")).toBe("$<word>s");
  });
});

describe("Ruby's case mapping", () => {
  it("downcases Σ to σ everywhere, as Ruby does (JavaScript writes ς at the end of a word)", () => {
    expect(downcase("ΣΑΣ")).toBe("σασ");
    expect(downcase("İ")).toBe("i\u0307");
  });

  it("capitalizes the first character and downcases the rest", () => {
    expect(capitalize("bAR")).toBe("Bar");
    expect(capitalize("ſtar")).toBe("Star");
    expect(capitalize("")).toBe("");
  });
});
