import { describe, expect, it } from "vitest";
import { declarationsOf } from "../../../src/ruby/declarations.js";

const hashOf = async (text: string) => (await declarationsOf(text, "app/models/x.rb")).hash;
const same = async (a: string, b: string) => expect(await hashOf(b)).toBe(await hashOf(a));
const differs = async (a: string, b: string) => {
  const [x, y] = [await hashOf(a), await hashOf(b)];
  expect(x).not.toBeNull();
  expect(y).not.toBeNull();
  expect(y).not.toBe(x);
};

const USER = `class User < ApplicationRecord
  has_many :posts
  validates :email, presence: true

  def display_name
    name.upcase
  end

  private

  def secret
    42
  end
end
`;

const CONCERN = `module Notable
  extend ActiveSupport::Concern

  included do
    has_many :notes, as: :notable

    def note_count
      notes.size
    end
  end

  class_methods do
    def noted
      where.not(notes_count: 0)
    end
  end

  def latest_note
    notes.last
  end
end
`;

describe("declarations: what class-level introspection can see", () => {
  it("leaves out comments, blank lines and layout", async () => {
    await same(USER, USER.replace("  has_many :posts\n", "  # the author's posts\n\n  has_many(:posts)   # inline\n"));
    await same(USER, `=begin\nheader\n=end\n${USER}`);
    await same(USER, USER.replace("validates :email, presence: true", "validates(:email, :presence => true)"));
    // Braces make a positional hash, not keywords: a different call.
    await differs(USER, USER.replace("validates :email, presence: true", "validates :email, { presence: true }"));
    await same("class A\n  scope :x, -> { where(a: 1) }\nend\n", "class A\n  scope :x, lambda { where(a: 1) }\nend\n".replace("lambda { where(a: 1) }", "-> do where(a: 1) end"));
  });

  it("leaves out instance method bodies, public or private, and keeps their names and parameters", async () => {
    await same(USER, USER.replace("name.upcase", "name.downcase # shout less\n    # more"));
    await same(USER, USER.replace("    42\n", "    x = compute\n    x * 2\n"));
    await differs(USER, USER.replace("def display_name", "def full_name"));
    await differs(USER, USER.replace("def display_name", "def display_name(upcase = true)"));
    await differs(USER, USER.replace("  private\n", ""));
    await differs(USER, USER.replace("  private\n", "").replace("def secret", "private def secret"));
    await differs(USER, USER.replace("  def secret\n    42\n  end\n", "  def secret\n    42\n  end\n\n  def another; end\n"));
    // A default argument is code in the signature: it stays.
    const withDefault = "class A\n  def x(at = Time.now)\n    at\n  end\nend\n";
    await differs(withDefault, withDefault.replace("Time.now", "Time.current"));
    await same(withDefault, withDefault.replace("    at\n", "    at.to_s\n"));
    // Endless and one-line defs alike.
    await same("class A\n  def x = 1\nend\n", "class A\n  def x = 2\nend\n");
  });

  it("keeps class methods, class << self, constants and every class-level call whole", async () => {
    await differs(USER, USER.replace("has_many :posts", "has_many :posts, dependent: :destroy"));
    await differs(USER, USER.replace("has_many :posts", "has_many :posts, -> { where(published: true) }"));
    await differs("class A\n  def self.x\n    1\n  end\nend\n", "class A\n  def self.x\n    2\n  end\nend\n");
    await differs("class A\n  class << self\n    def x\n      1\n    end\n  end\nend\n", "class A\n  class << self\n    def x\n      2\n    end\n  end\nend\n");
    await differs("class A\n  LIMIT = 10\nend\n", "class A\n  LIMIT = 20\nend\n");
    await differs("class A\n  self.abstract_class = true\nend\n", "class A\nend\n");
    await differs("class A\n  enum :status, { a: 0 }\nend\n", "class A\n  enum :status, { a: 0, b: 1 }\nend\n");
    await differs("class A\n  attr_accessor :x\nend\n", "class A\n  attr_accessor :y\nend\n");
    await differs("class A < B\nend\n", "class A < C\nend\n");
    await differs("class A\n  class Inner\n    X = 1\n  end\nend\n", "class A\n  class Inner\n    X = 2\n  end\nend\n");
    // A def inside a class-level block belongs to the call (an association extension).
    await differs("class A\n  has_many :b do\n    def x\n      1\n    end\n  end\nend\n", "class A\n  has_many :b do\n    def x\n      2\n    end\n  end\nend\n");
    // Heredoc text is a value.
    await differs('class A\n  X = <<~T\n    one\n  T\nend\n', 'class A\n  X = <<~T\n    two\n  T\nend\n');
  });

  it("concerns: included and class_methods blocks stay, except the bodies of instance methods defined in them", async () => {
    await same(CONCERN, CONCERN.replace("notes.size", "notes.count # faster"));
    await same(CONCERN, CONCERN.replace("notes.last", "notes.order(:id).last"));
    await differs(CONCERN, CONCERN.replace("where.not(notes_count: 0)", "where(notes_count: 0)"));
    await differs(CONCERN, CONCERN.replace("has_many :notes, as: :notable", "has_many :notes, as: :notable, dependent: :destroy"));
    await differs(CONCERN, CONCERN.replace("def note_count", "def notes_total"));
    expect((await declarationsOf(CONCERN, "c.rb")).stripped).toEqual(["Notable"]);
  });

  it("keeps method bodies of plain modules (extend makes them class methods) and reports what is extended", async () => {
    const plain = "module Sluggable\n  def slug_from(x)\n    x\n  end\nend\n";
    await differs(plain, plain.replace("    x\n", "    x.to_s\n"));
    expect((await declarationsOf(plain, "p.rb")).stripped).toEqual([]);
    const user = "class User < ApplicationRecord\n  extend Admin::Sluggable\n  include Notable\nend\n";
    expect((await declarationsOf(user, "u.rb")).extends).toEqual(["Sluggable"]);
    const singleton = "class User\n  class << self\n    include Finders\n  end\nend\n";
    expect((await declarationsOf(singleton, "u.rb")).extends).toEqual(["Finders"]);
  });

  it("reports constants instantiated as the class loads; a receiverless new then counts the file byte for byte", async () => {
    const loads = "class A\n  LIMIT = Settings.new.limit\n  included_hook = Struct.new(:a)\n  def self.build\n    new(Other.new)\n  end\n  def x\n    Later.new\n  end\n  scope :s, -> { where(x: Lazy.new.y) }\nend\n";
    expect((await declarationsOf(loads, "a.rb")).instantiates).toEqual(["Settings", "Struct"]);
    expect((await declarationsOf(loads, "a.rb")).stripped).toEqual(["A"]);
    const receiverless = await declarationsOf("class A\n  DEFAULT = new.to_h\nend\n", "a.rb");
    expect(receiverless.hash).toBeNull();
    expect(receiverless.fallback).toBe("new when the class loads at line 2");
  });

  it("keeps magic comments (they change what literals mean) and line endings", async () => {
    await differs(USER, `# frozen_string_literal: true\n${USER}`);
    await differs(USER, USER.replace(/\n/g, "\r\n"));
  });

  it("falls back to the file's bytes on class-level metaprogramming", async () => {
    const cases = [
      "class A\n  define_method(:x) { 1 }\nend\n",
      'class A\n  class_eval <<~RUBY\n    def x; end\n  RUBY\nend\n',
      "class A\n  instance_eval { @x = 1 }\nend\n",
      "class A\n  send(:include, Foo)\nend\n",
      "class A\n  def self.build\n    public_send(:new)\n  end\nend\n",
      "module Util\n  module_function\n  def x; end\nend\n",
      "module Util\n  extend self\nend\n",
      "class A\n  X = __LINE__\nend\n",
      "class A\n  X = caller_locations(0).first.lineno\nend\n",
      "module C\n  extend ActiveSupport::Concern\n  included do\n    define_method(:y) { 2 }\n  end\nend\n",
    ];
    for (const text of cases) {
      const d = await declarationsOf(text, "x.rb");
      expect(d.hash, text).toBeNull();
      expect(d.fallback, text).toMatch(/at line \d+$/);
    }
  });

  it("metaprogramming inside an instance method body runs per instance: not a fallback", async () => {
    const text = "class A\n  def x\n    self.class.class_eval { }\n    send(:y)\n    define_method(:z) { __LINE__ }\n  end\nend\n";
    expect((await declarationsOf(text, "x.rb")).hash).not.toBeNull();
  });
});
