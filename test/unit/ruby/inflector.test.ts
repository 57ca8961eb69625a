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
    const custom = createInflector({
      plural: [["(octop)us$", "i", "$1odes"]],
      singular: [],
      irregular: [["goose", "geese"]],
      uncountable: ["Sushi"],
      acronym: [],
    });
    expect(custom.pluralize("octopus")).toBe("octopodes");
    expect(custom.pluralize("goose")).toBe("geese");
    expect(custom.singularize("Geese")).toBe("Goose");
    expect(custom.pluralize("sushi")).toBe("sushi");
    expect(createInflector().pluralize("octopus")).toBe("octopi");
  });
});
