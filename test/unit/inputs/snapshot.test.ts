import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import picomatch from "picomatch";
import { describe, expect, it, onTestFinished } from "vitest";
import { repoOnTheWay } from "../../../src/git/repo.js";
import { mayReachInto } from "../../../src/inputs/snapshot.js";

const segment = (pattern: string, name: string) => picomatch(pattern, { dot: true })(name);
const reaches = (glob: string, dir: string) => mayReachInto(glob, dir, segment);

describe("mayReachInto", () => {
  it("is true when a glob can match the folder or a path under it", () => {
    expect(reaches("app/models/**/*.rb", "app/models/engine")).toBe(true);
    expect(reaches("app/models/**/*.rb", "app/models/a/b/engine")).toBe(true);
    expect(reaches("**/*.rb", "vendor/engine")).toBe(true);
    expect(reaches("engines/*/app/models/*.rb", "engines/billing")).toBe(true);
    expect(reaches("engines/billing/app/models/*.rb", "engines/billing")).toBe(true);
    expect(reaches("db/schema.rb", "db")).toBe(true);
    expect(reaches("app/models/engine", "app/models/engine")).toBe(true);
    expect(reaches("app/.hidden/*.rb", "app/.hidden")).toBe(true);
  });

  it("is false when no path the glob matches can be inside the folder", () => {
    expect(reaches("app/models/**/*.rb", "vendor/engine")).toBe(false);
    expect(reaches("db/migrate/*.rb", "db/migrate/engine")).toBe(false);
    expect(reaches("engines/*/app/models/*.rb", "engines/billing/lib")).toBe(false);
    expect(reaches("app/models/*.rb", "app")).toBe(true); // app holds app/models
    expect(reaches("app/models/*.rb", "application")).toBe(false);
  });

  it("with braces or extglobs (which may hold a /), goes by the fixed leading folders only, erring on the side of refusing", () => {
    expect(reaches("{app,lib}/models/*.rb", "vendor/engine")).toBe(true);
    expect(reaches("app/{models,lib/x}/*.rb", "app/lib")).toBe(true);
    expect(reaches("app/{models,lib/x}/*.rb", "vendor/engine")).toBe(false);
    expect(reaches("app/+(models|concerns)/*.rb", "app/models/engine")).toBe(true);
  });
});

describe("repoOnTheWay", () => {
  it("finds the first folder holding .git (a folder, or a submodule's pointer file) on the way to a path", () => {
    const root = mkdtempSync(path.join(tmpdir(), "zero-models-on-the-way-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(path.join(root, "engines/billing/app/models"), { recursive: true });
    writeFileSync(path.join(root, "engines/billing/.git"), "gitdir: ../../.git/modules/billing\n");
    mkdirSync(path.join(root, "vendor/inner/.git"), { recursive: true });
    expect(repoOnTheWay(root, "engines/billing/app/models")).toBe("engines/billing");
    expect(repoOnTheWay(root, "vendor/inner")).toBe("vendor/inner");
    expect(repoOnTheWay(root, "engines/other/x.rb")).toBeNull();
    expect(repoOnTheWay(root, "db/schema.rb")).toBeNull();
  });
});
