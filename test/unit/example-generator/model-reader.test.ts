import path from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The example generator's model reader (examples/rails-app) on many Ruby
 * files built from real-world pieces. Whatever surrounds them, it reads
 * exactly the associations a class body declares, in order, and never one
 * written in a method body, a string, a heredoc or a comment; it never throws.
 * Method bodies must not count: zero-models' fingerprints leave them out.
 */

interface Read {
  classes: Map<string, { associations: Array<{ kind: string; name: string }> }>;
}
type ReadModels = (files: Array<{ path: string; text: string }>, warn: (text: string) => void) => Read;

let readModels: ReadModels;
beforeAll(async () => {
  const file = path.resolve("examples/rails-app/lib/generators/zero/active_models/model_reader.mjs");
  ({ readModels } = (await import(pathToFileURL(file).href)) as { readModels: ReadModels });
});

/** Ruby that declares nothing the reader may take as an association, though some of it looks like one. */
const NOISE = [
  "def title\n  @title ||= begin\n    has_many :in_memo\n    compute\n  end\nend",
  "def total = items.sum(&:price)",
  'def label\n  <<~TEXT\n    has_many :in_heredoc\n    end\n  TEXT\nend',
  '# has_many :in_comment\n# end',
  "=begin\nhas_many :in_block_comment\nend\n=end",
  'NAME = "has_many :in_string end"',
  "scope :recent, -> { where(created_at: 1.day.ago..) }",
  "scope :active, lambda do\n  where(active: true)\nend",
  "validate do\n  has_many :in_validate_block if false\nend",
  "def status\n  case kind\n  when 1 then :a\n  else :b\n  end\nend",
  "def wait\n  while busy?\n    sleep 1\n  end\n  loop do\n    break\n  end\nend",
  "class << self\n  def find_all\n    has_many :in_singleton_method\n  end\nend",
  "def self.build(**attrs)\n  new(**attrs).tap do |record|\n    record.has_many :on_a_record\n  end\nend",
  "after_commit on: :create do\n  notify\nend",
  "attr_accessor :draft\nalias_method :draft?, :draft",
  "def rates\n  @rates ||= {}\n  @rates[:eur] ||= begin\n    fetch(:eur)\n  rescue KeyError\n    1\n  end\nend",
  "TYPES = %w[end begin do].freeze",
  "private\n\ndef helper(x) = x.then { |y| y.end_with?('end') }",
  "delegate :name, to: :owner, allow_nil: true",
  "enum :state, { draft: 0, done: 1 }",
  "def m; has_one :after_semicolon; end",
];

const KINDS = ["belongs_to", "has_many", "has_one", "has_and_belongs_to_many"];

/** An association line at class level, with real-world option shapes; returns its Ruby and what must be read. */
const association = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    name: fc.stringMatching(/^[a-z][a-z_]{0,10}$/),
    options: fc.constantFrom("", ", dependent: :destroy", ", -> { order(:id) }, inverse_of: :owner", ",\n    class_name: \"Thing\",\n    optional: true", ", through: :links"),
    wrap: fc.constantFrom("plain", "if", "unless-else", "parens"),
  })
  .map(({ kind, name, options, wrap }) => {
    const line = `${kind} :${name}${options}`;
    const ruby =
      wrap === "if" ? `if Rails.env.production?\n  ${line}\nend` : wrap === "unless-else" ? `unless ENV["X"]\n  nil\nelse\n  ${line}\nend` : wrap === "parens" ? `(${line})` : line;
    return { ruby, read: { kind, name } };
  });

const item = fc.oneof(association, fc.constantFrom(...NOISE).map((ruby) => ({ ruby, read: null })));

/** Indented as a class body is, except =begin … =end, which Ruby reads only at the start of a line. */
function indent(text: string, by: string): string {
  let inComment = false;
  return text
    .split("\n")
    .map((line) => {
      if (line.startsWith("=begin")) inComment = true;
      const out = inComment || line === "" ? line : `${by}${line}`;
      if (line.startsWith("=end")) inComment = false;
      return out;
    })
    .join("\n");
}

describe("the example generator's model reader", () => {
  it("reads exactly the class-level associations, in order, whatever Ruby surrounds them", () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), fc.boolean(), (items, namespaced) => {
        const body = indent(items.map((i) => i.ruby).join("\n\n"), "  ");
        const cls = `class Widget < ApplicationRecord\n${body}\nend\n`;
        const text = namespaced ? `module Shop\n${indent(cls, "  ")}end\n` : cls;
        const warnings: string[] = [];
        const { classes } = readModels([{ path: "app/models/widget.rb", text }], (w) => warnings.push(w));
        expect(warnings).toEqual([]);
        const widget = classes.get(namespaced ? "Shop::Widget" : "Widget")!;
        expect(widget.associations.map((a) => ({ kind: a.kind, name: a.name }))).toEqual(items.flatMap((i) => (i.read ? [i.read] : [])));
      }),
      { seed: 20261203, numRuns: 300 },
    );
  });

  it("warns and goes on when a file is not Ruby, or a class it cannot name", () => {
    const warnings: string[] = [];
    const { classes } = readModels(
      [
        { path: "app/models/broken.rb", text: "class Broken < ApplicationRecord\n  has_many :x\n" },
        { path: "app/models/dynamic.rb", text: "klass = Class.new(ApplicationRecord) do\n  has_many :x\nend\nclass Base < Struct.new(:a)\n  has_many :y\nend\n" },
        { path: "app/models/ok.rb", text: "class Ok < ApplicationRecord\n  has_many :z\nend\n" },
      ],
      (w) => warnings.push(w),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^app\/models\/broken\.rb: not valid Ruby \(.+\); skipped$/);
    expect(warnings[1]).toBe("app/models/dynamic.rb:4: Base inherits from an expression, not a class name; not read as a model");
    expect(classes.get("Ok")!.associations.map((a) => a.name)).toEqual(["z"]);
    expect(classes.has("Broken")).toBe(false);
  });
});
