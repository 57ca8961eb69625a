import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/common/errors.js";
import { constantName, is, literalString, MAX_DEPTH, parseRuby, parseRubySource, RubySource, statementsOf } from "../../../src/ruby/prism.js";

async function syntaxError(text: string, file: string): Promise<InputError> {
  try {
    await parseRuby(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error("expected an InputError");
}

describe("parseRuby", () => {
  it("parses and leaves process.emitWarning as it was", async () => {
    const before = process.emitWarning;
    const program = await parseRuby("class A < B\nend\n", "a.rb");
    expect(process.emitWarning).toBe(before);
    const [klass] = statementsOf(program.statements);
    expect(is(klass, "ClassNode")).toBe(true);
    if (!is(klass, "ClassNode")) return;
    expect(constantName(klass.constantPath)).toBe("A");
    expect(constantName(klass.superclass)).toBe("B");
  });

  it("reports the line of a syntax error", async () => {
    const err = await syntaxError("x = 1\ny = [1, 2\nz = )\n", "lib/broken.rb");
    expect(err.file).toBe("lib/broken.rb");
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^lib\/broken\.rb:3: Ruby syntax error: .*; fix the syntax \(or resolve the merge conflict\) and run again$/);
  });

  it("computes lines from byte offsets after multi-byte characters", async () => {
    const err = await syntaxError("# ☕ café — 🚀\n\"ünïcødé 🚀\"\nfoo(\n", "u.rb");
    expect(err.line).toBe(3);
  });

  it("names the conflict marker line for merge conflicts", async () => {
    const err = await syntaxError("class A\n  x = 1\n<<<<<<< HEAD\n  y = 1\n=======\n  y = 2\n>>>>>>> main\nend\n", "a.rb");
    expect(err.line).toBe(3);
    expect(err.message).toBe('a.rb:3: Ruby syntax error: unresolved merge conflict marker "<<<<<<<": resolve the merge conflict and run again');
  });
});

describe("Ruby nested deeply", () => {
  it("past where Prism's own 64 KB stack ran into its data (~140 begins: a hang, or a wrong tree), still parses right", async () => {
    const { parseModelFile } = await import("../../../src/ruby/models.js");
    const facts = await parseModelFile(`class Deep < ApplicationRecord\n${"begin\n".repeat(400)}x = 1\n${"end\n".repeat(400)}has_many :jobs\nend\n`, "app/models/deep.rb");
    expect(facts.classes.map((c) => [c.name, c.associations.map((a) => a.name)])).toEqual([["Deep", ["jobs"]]]);
  });

  it.each([
    ["10,000 nested begin", "begin\n".repeat(10_000) + "end\n".repeat(10_000)],
    ["10,000 nested [", `x = ${"[".repeat(10_000)}${"]".repeat(10_000)}`],
    ["10,000 unclosed (", "(".repeat(10_000)],
    ['1,000 nested "#{', '"#{'.repeat(1000) + '}"'.repeat(1000)],
    ["20,000 terms of +", `x = ${"1+".repeat(20_000)}1`],
  ])("%s is an InputError naming the file, and the next parse works", async (_, text) => {
    const err = await syntaxError(text, "app/models/deep.rb");
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^app\/models\/deep\.rb(:\d+)?: Ruby nested too deeply to read \(/);
    expect(is(statementsOf((await parseRuby("class A\nend\n", "a.rb")).statements)[0], "ClassNode")).toBe(true);
  });

  it(`a tree deeper than ${MAX_DEPTH} levels, which Prism reads, is refused before any recursive reader walks it, naming the line`, async () => {
    const err = await syntaxError(`x = 1\ny = ${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}\n`, "db/schema.rb");
    expect(err.line).toBe(2);
    expect(err.message).toMatch(new RegExp(`^db/schema\\.rb:2: Ruby nested too deeply to read \\(more than ${MAX_DEPTH} levels\\)`));
    await expect(parseRuby(`x = ${"[".repeat(MAX_DEPTH - 10)}${"]".repeat(MAX_DEPTH - 10)}\n`, "ok.rb")).resolves.toBeTruthy();
  });
});

describe("RubySource", () => {
  it("slices by byte offsets so non-ASCII text stays aligned", async () => {
    const text = '# Ünïcødé ☕ 🚀 comment\nNAME = "héllo 🚀"\nadd_index "jobs", :due_at # ✓\n';
    const { program, source } = await parseRubySource(text, "x.rb");
    const [assign, call] = statementsOf(program.statements);
    expect(source.nodeText(assign!)).toBe('NAME = "héllo 🚀"');
    expect(source.nodeText(call!)).toBe('add_index "jobs", :due_at');
    expect(source.line(call!)).toBe(3);
    if (!is(assign, "ConstantWriteNode")) throw new Error("expected a constant write");
    expect(literalString(assign.value)).toBe("héllo 🚀");
  });

  it("normalizes CRLF and keeps heredoc bodies with their statement", async () => {
    const text = 'execute <<~SQL\r\n  SELECT 1; -- é\r\nSQL\r\nfoo\r\n';
    const { program, source } = await parseRubySource(text, "x.rb");
    const [exec, foo] = statementsOf(program.statements);
    expect(source.nodeText(exec!)).toBe("execute <<~SQL\n  SELECT 1; -- é\nSQL\n");
    expect(source.line(foo!)).toBe(4);
    expect(new RubySource("a\r\nb").text).toBe("a\nb");
    expect(new RubySource("a\nbé\nc").lineAt(Buffer.byteLength("a\nbé\n"))).toBe(3);
  });

  it("reads string literals in their several forms", async () => {
    const { program } = await parseRubySource(`"a"\n:b\n'c'.freeze\n"d" "e"\n%s(f)\n"#{x}"\n`, "x.rb");
    expect(statementsOf(program.statements).map((n) => literalString(n))).toEqual(["a", "b", "c", "de", "f", null]);
  });
});
