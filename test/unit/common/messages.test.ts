import { describe, expect, it } from "vitest";
import { visible } from "../../../src/common/messages.js";

describe("visible", () => {
  it("shows every control character but newline and tab as \\xHH: C0, DEL and C1", () => {
    expect(visible("app/models/a\x1b[31mred\x1b]0;title\x07.rb")).toBe("app/models/a\\x1b[31mred\\x1b]0;title\\x07.rb");
    expect(visible("\x00\x08\x0b\x0c\r\x1f\x7f\x80\x9b\x9f")).toBe("\\x00\\x08\\x0b\\x0c\\x0d\\x1f\\x7f\\x80\\x9b\\x9f");
    expect(visible("two\n\tlines")).toBe("two\n\tlines");
  });

  it("shows the invisible bidirectional controls as \\uHHHH, and leaves other text alone", () => {
    expect(visible("jobs\u202etxt.rb\u2066\u2069\u200f\u061c")).toBe("jobs\\u202etxt.rb\\u2066\\u2069\\u200f\\u061c");
    expect(visible("Überstunden: café 日本 \u00a0 ok")).toBe("Überstunden: café 日本 \u00a0 ok");
  });
});
