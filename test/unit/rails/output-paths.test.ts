import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/common/errors.js";
import { outputPaths } from "../../../src/rails/output-paths.js";
import { plainInflector } from "../../../src/ruby/inflector.js";

const expand = (patterns: string[], table: string, model: string) => outputPaths(patterns, table, model, plainInflector(), "db/schema.rb", 7);

describe("outputPaths", () => {
  it("fills every placeholder", () => {
    expect(expand(["web/{table}/{model}-{model_snake}-{model_kebab}.ts"], "audit_logs", "Admin::AuditLog")).toEqual(["web/audit_logs/AdminAuditLog-admin_audit_log-admin-audit-log.ts"]);
  });

  it("refuses a table whose name puts its files inside .git, naming the schema line", () => {
    for (const [pattern, table] of [
      ["web/{table}/index.ts", ".git"],
      ["web/{table}/index.ts", ".GIT"],
      ["web/.{table}/index.ts", "git"],
    ] as const) {
      const error = (() => {
        try {
          expand([pattern], table, "Thing");
        } catch (e) {
          return e;
        }
      })();
      expect(error, `${pattern} with ${table}`).toBeInstanceOf(InputError);
      expect((error as InputError).exitCode).toBe(2);
      expect((error as InputError).message).toMatch(/^db\/schema\.rb:7: table ".*" would be generated to web\/\.git\/index\.ts, where zero-models never writes: it is inside \.git/i);
    }
  });
});
