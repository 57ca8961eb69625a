import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/common/errors.js";
import { constantName, is, literalString, parseRuby, parseRubySource, RubySource, statementsOf } from "../../../src/ruby/prism.js";

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
