import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleRepo, PROJECT } from "../helpers/repo.js";
import { expect0, HOOK_ENV, sh } from "../helpers/team.js";

/**
 * The example generator (examples/rails-app's bin/rails) pointed at model
 * files shaped like a real app's: it generates every table, and what it does
 * not read it names on stderr and skips, never stopping the run.
 */
const FIXTURE = path.join(PROJECT, "test/fixtures/example-generator/real-world");

function realWorldApp() {
  const repo = exampleRepo({ commit: false });
  cpSync(path.join(FIXTURE, "app"), path.join(repo.dir, "app"), { recursive: true });
  const tables = readFileSync(path.join(FIXTURE, "schema-tables.rb"), "utf8");
  repo.edit("db/schema.rb", (s) => s.replace(/\nend\s*$/, `\n${tables}end\n`));
  repo.commitAll("real-world models");
  return repo;
}

describe("the example generator on real-world model files", () => {
  it("generates every table and warns, once each, about what it skips", () => {
    const repo = realWorldApp();
    const r = sh(repo.dir, process.execPath, ["bin/rails", "generate", "zero:active_models"]);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split("\n").filter(Boolean);
    expect(warnings).toEqual([
      "zero:active_models: warning: app/models/entry.rb:3: delegated_type is not read (its belongs_to is not generated)",
      "zero:active_models: warning: app/models/bucket.rb:9: source association :entryable not found on Entry; association skipped",
      "zero:active_models: warning: db/schema.rb: buckets.visibility uses enum bucket_visibility, which no create_enum defines; typed as string",
    ]);
    for (const model of ["entry", "message", "comment", "bucket", "invoice"]) expect(repo.exists(`frontend/src/lib/models/${model}.ts`)).toBe(true);

    const relationships = (model: string) => [...repo.read(`frontend/src/lib/models/${model}.ts`).matchAll(/^ {4}(\w+): \{\n {6}kind: /gm)].map((m) => m[1]).sort();
    // with_options' block variable (bucket.has_many) counts; the skipped :through does not.
    expect(relationships("bucket")).toEqual(["entries", "invoices"]);
    // Read past `@title ||= begin … end` and an endless def: belongs_to :bucket comes after neither, the concern's has_one does.
    expect(relationships("entry")).toEqual(["bucket"]);
    expect(relationships("message")).toEqual(["entry"]);
    expect(relationships("invoice")).toEqual(["bucket", "entries"]);
    expect(repo.read("frontend/src/lib/models/types/bucket-data.ts")).toMatch(/visibility: string;/);
  });

  it("is what zero-models runs: generate --all, then check says fresh", () => {
    const repo = realWorldApp();
    expect0(repo.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate --all");
    expect(repo.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  });
});
