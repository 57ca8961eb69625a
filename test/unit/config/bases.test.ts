import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { staticBase, underBase } from "../../../src/config/file.js";

/**
 * staticBase/underBase decide which paths are even tried against a glob (and
 * which folders git is asked to list): a base too deep would miss files the
 * glob matches. file.test.ts checks matchWatched end to end; these pin the
 * two helpers themselves.
 */

describe("staticBase", () => {
  it.each([
    ["db/migrate/*.rb", "db/migrate"],
    ["db/schema.rb", "db/schema.rb"],
    ["app/models/**/*.rb", "app/models"],
    ["**/*.rb", ""],
    ["*.rb", ""],
    [".prettierrc*", ""],
    ["frontend/.prettierrc*", "frontend"],
    ["app/{models,lib}/*.rb", "app"],
    ["{app,lib}/**/*.rb", ""],
    ["app/models/[ab].rb", "app/models"],
    ["app/models/?.rb", "app/models"],
    ["lib/@(a|b)/x.rb", ""],
    ["lib/!(x)/y.rb", "lib"],
    ["lib/+(x)/y.rb", "lib"],
    ["a+b/c.rb", ""],
    ["app/mod\\els/x.rb", "app"],
    ["frontend/src/lib/models/reactive-*.ts", "frontend/src/lib/models"],
    ["", ""],
  ])("%s -> %j", (glob, base) => {
    expect(staticBase(glob)).toBe(base);
  });

  it("is never deeper than a folder that holds a match", () => {
    const cases: Array<[string, string]> = [
      ["db/migrate/*.rb", "db/migrate/1_x.rb"],
      ["app/{models,lib}/*.rb", "app/lib/x.rb"],
      ["lib/@(a|b)/x.rb", "lib/b/x.rb"],
      ["x/a|b", "b"],
      ["app/models/**", "app/models"],
      ["db/schema.rb", "db/schema.rb"],
    ];
    for (const [glob, file] of cases) {
      expect(picomatch(glob, { dot: true })(file), glob).toBe(true);
      expect(underBase(file, [staticBase(glob)]), glob).toBe(true);
    }
  });
});

describe("underBase", () => {
  it("holds the base itself and what is below it, not siblings that share a prefix", () => {
    expect(underBase("db/schema.rb", ["db/schema.rb"])).toBe(true);
    expect(underBase("db/migrate/1_x.rb", ["db/migrate"])).toBe(true);
    expect(underBase("db/migrate", ["db/migrate"])).toBe(true);
    expect(underBase("db/migrate_old/1_x.rb", ["db/migrate"])).toBe(false);
    expect(underBase("db/schema.rbx", ["db/schema.rb"])).toBe(false);
    expect(underBase("db", ["db/migrate"])).toBe(false);
  });

  it("is true for any base that holds the path; an empty base holds everything; no bases hold nothing", () => {
    expect(underBase("lib/x.rb", ["app", "lib"])).toBe(true);
    expect(underBase("anything/at/all", ["app", ""])).toBe(true);
    expect(underBase("app/x.rb", [])).toBe(false);
  });
});
