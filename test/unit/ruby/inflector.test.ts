import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createInflector, demodulize, plainInflector } from "../../../src/ruby/inflector.js";
import { parseInflections } from "../../../src/ruby/inflections.js";

const appRules = async () =>
  parseInflections(
    readFileSync(new URL("../../fixtures/ruby/inflections/inflections.rb", import.meta.url), "utf8"),
    "config/initializers/inflections.rb",
  );

describe("createInflector (default rules)", () => {
  const inflector = createInflector();

  it("handles irregular plurals and STI/namespaced names like Rails", () => {
    expect(inflector.pluralize("person")).toBe("people");
    expect(inflector.singularize("people")).toBe("person");
    expect(inflector.pluralize("audit_log")).toBe("audit_logs");
    expect(inflector.pluralize("fish")).toBe("fish");
    expect(inflector.singularize("addresses")).toBe("address");
    expect(inflector.tableize("Person")).toBe("people");
    expect(inflector.tableize("Admin::AuditLog")).toBe("admin/audit_logs");
    expect(inflector.classify("people")).toBe("Person");
    expect(inflector.classify("admin/audit_logs")).toBe("Admin::AuditLog");
    expect(inflector.classify("public.job_runs")).toBe("JobRun");
    expect(inflector.camelize("admin/audit_log")).toBe("Admin::AuditLog");
    expect(inflector.underscore("Admin::AuditLog")).toBe("admin/audit_log");
    expect(inflector.underscore("APIKey")).toBe("api_key");
    expect(inflector.camelize("api_key")).toBe("ApiKey");
    expect(inflector.demodulize("Admin::AuditLog")).toBe("AuditLog");
    expect(demodulize("Admin::Reports::Daily")).toBe("Daily");
    expect(demodulize("Person")).toBe("Person");
  });
});

describe("createInflector (app rules)", () => {
  it("applies custom irregular, uncountable, plural and acronym rules from inflections.rb", async () => {
    const app = createInflector(await appRules());
    expect(app.pluralize("cactus")).toBe("cacti");
    expect(app.singularize("cacti")).toBe("cactus");
    expect(app.pluralize("campus")).toBe("campuses");
    expect(app.pluralize("staff")).toBe("staff");
    expect(app.singularize("metadata")).toBe("metadata");
    expect(app.pluralize("criterion")).toBe("criteria");
    expect(app.singularize("criteria")).toBe("criterion");
    expect(app.pluralize("person")).toBe("people");
    expect(app.camelize("api_key")).toBe("APIKey");
    expect(app.underscore("APIKey")).toBe("api_key");
    expect(app.tableize("APIKey")).toBe("api_keys");
    expect(app.classify("api_keys")).toBe("APIKey");
    // the :es block is ignored
    expect(app.pluralize("el")).toBe("els");
  });

  it("does not leak rules between inflectors in one process", async () => {
    const app = createInflector(await appRules());
    const plain = createInflector();
    expect(app.pluralize("cactus")).toBe("cacti");
    expect(plain.pluralize("cactus")).toBe("cactus");
    expect(plain.pluralize("staff")).toBe("staffs");
    expect(plain.camelize("api_key")).toBe("ApiKey");
    expect(plainInflector().singularize("metadata")).toBe("metadatum");
    // switching back re-installs the app rules
    expect(app.pluralize("staff")).toBe("staff");
    expect(app.camelize("api_key")).toBe("APIKey");
    expect(plain.pluralize("staff")).toBe("staffs");
  });

  it("lets a later custom rule override a default one (rules are prepended, like ActiveSupport)", () => {
    const custom = createInflector([
      { kind: "plural", pattern: "(octop)us$", flags: "iu", replacement: "$1odes", deletes: ["\\1odes"] },
      { kind: "irregular", singular: "goose", plural: "geese" },
      { kind: "uncountable", words: ["Sushi"] },
    ]);
    expect(custom.pluralize("octopus")).toBe("octopodes");
    expect(custom.pluralize("goose")).toBe("geese");
    expect(custom.singularize("Geese")).toBe("Goose");
    expect(custom.pluralize("sushi")).toBe("sushi");
    expect(createInflector().pluralize("octopus")).toBe("octopi");
  });
});

// Each expectation below is what ActiveSupport answers (test/oracle/ checks the same against ActiveSupport itself).
describe("createInflector, where the `inflected` package differed from ActiveSupport", () => {
  const rules = (text: string) => parseInflections(`ActiveSupport::Inflector.inflections(:en) do |inflect|\n${text}\nend\n`, "config/initializers/inflections.rb");

  it("lowercases the rest of each camelized word", () => {
    const plain = createInflector();
    expect(plain.camelize("foo_BAR")).toBe("FooBar");
    expect(plain.camelize("provider/openAI/chat_response")).toBe("Provider::Openai::ChatResponse");
    expect(plain.classify("provider/openAI/chat_responses")).toBe("Provider::Openai::ChatResponse");
    // Only the first word keeps its capitals: camelize's first step does not ignore case.
    expect(plain.camelize("openAI")).toBe("OpenAI");
  });

  it("never answers from Object.prototype", async () => {
    expect(createInflector().camelize("constructor")).toBe("Constructor");
    expect(createInflector(await rules('  inflect.acronym "API"')).camelize("constructor_to_string")).toBe("ConstructorToString");
  });

  it("returns a word without an ASCII capital, hyphen or :: from underscore unchanged", () => {
    expect(createInflector().underscore("Ñandú")).toBe("Ñandú");
    expect(createInflector().underscore("ÑandúX")).toBe("ñandúx");
  });

  it("finds an acronym right after ::", async () => {
    const app = createInflector(await rules('  inflect.acronym "OAuth"\n  inflect.acronym "RESTful"'));
    expect(app.underscore("Admin::OAuthToken")).toBe("admin/oauth_token");
    expect(app.underscore("Admin::RESTfulThing")).toBe("admin/restful_thing");
    expect(app.camelize("admin/oauth_token")).toBe("Admin::OAuthToken");
    expect(createInflector().underscore("Admin::OAuthToken")).toBe("admin/o_auth_token");
  });

  it("matches uncountables with punctuation and spaces as words ending the string", async () => {
    const app = createInflector(await rules('  inflect.uncountable "e-mail", "status quo"'));
    expect(app.pluralize("e-mail")).toBe("e-mail");
    expect(app.pluralize("my-e-mail")).toBe("my-e-mail");
    expect(app.pluralize("status quo")).toBe("status quo");
    expect(app.pluralize("e_mail")).toBe("e_mails");
    expect(createInflector().pluralize("big_fish")).toBe("big_fishes");
    expect(createInflector().pluralize("big-fish")).toBe("big-fish");
  });

  it("applies rules in the order written: a later irregular undoes an earlier uncountable, and the other way round", async () => {
    expect(createInflector(await rules('  inflect.uncountable "sheep"\n  inflect.irregular "sheep", "sheeps"')).pluralize("sheep")).toBe("sheeps");
    expect(createInflector(await rules('  inflect.irregular "octopus", "octopodes"\n  inflect.uncountable "octopus"')).pluralize("octopus")).toBe("octopus");
    expect(createInflector(await rules('  inflect.irregular "cactus", "cacti"\n  inflect.plural(/(cact)us$/i, \'\\1uses\')')).pluralize("cactus")).toBe("cactuses");
    expect(createInflector(await rules('  inflect.uncountable "cow"\n  inflect.plural "cow", "kine"')).pluralize("cow")).toBe("kine");
  });

  it("keeps the first letter's case in irregulars whose forms start with different letters", async () => {
    const app = createInflector(await rules('  inflect.irregular "cow", "kine"'));
    expect(app.pluralize("cow")).toBe("kine");
    expect(app.pluralize("Cow")).toBe("Kine");
    expect(app.singularize("KINE")).toBe("Cow");
    expect(app.singularize("kine")).toBe("cow");
  });

  it("accepts inflect.clear and inflect.clear :plurals", async () => {
    const cleared = createInflector(await rules('  inflect.clear\n  inflect.plural(/$/, "s")'));
    expect(cleared.pluralize("person")).toBe("persons");
    expect(cleared.pluralize("fish")).toBe("fishs");
    expect(cleared.singularize("people")).toBe("people");
    const plurals = createInflector(await rules('  inflect.clear :plurals\n  inflect.plural(/$/, "z")'));
    expect(plurals.pluralize("person")).toBe("personz");
    expect(plurals.pluralize("fish")).toBe("fish");
    expect(plurals.singularize("people")).toBe("person");
  });
});
