import { describe, expect, it } from "vitest";
import { isSkipSet, matchWatched, touchesWatched, type HookScope } from "../../../src/hooks/scope.js";

/** The pure parts of a hook's scope decision; matchWatched's glob table is in config/file.test.ts. */

describe("isSkipSet", () => {
  it.each([
    [undefined, false],
    ["", false],
    ["0", false],
    ["false", false],
    ["FALSE", false],
    ["1", true],
    ["true", true],
    ["yes", true],
    // Any other value skips, even one that reads as a no.
    ["no", true],
    ["off", true],
  ])("ZERO_MODELS_SKIP=%j -> %s", (value, skip) => {
    expect(isSkipSet(value)).toBe(skip);
  });
});

describe("touchesWatched", () => {
  async function decide(scope: HookScope, globs: string[] | null) {
    const lines: string[] = [];
    const touched = await touchesWatched(scope, Promise.resolve(globs), (l) => lines.push(l));
    return { touched, lines };
  }

  it("is false for nothing to do and for no changed paths, true for a full check", async () => {
    expect(await decide({ none: "same commit" }, ["**"])).toEqual({ touched: false, lines: ["nothing to do: same commit"] });
    expect(await decide({ all: "no previous commit" }, [])).toEqual({ touched: true, lines: ["full check: no previous commit"] });
    expect(await decide({ paths: [] }, ["**"])).toEqual({ touched: false, lines: ["no changed paths"] });
  });

  it("is true when only a full config load can tell which files are watched", async () => {
    expect((await decide({ paths: ["README.md"] }, null)).touched).toBe(true);
  });

  it("is true exactly when a changed path is watched, naming the hits", async () => {
    const globs = ["db/schema.rb", "app/models/**/*.rb"];
    expect(await decide({ paths: ["README.md", "app/models/user.rb"] }, globs)).toEqual({ touched: true, lines: ["2 changed path(s), 1 watched: app/models/user.rb"] });
    expect(await decide({ paths: ["README.md", "db/schema.rbx"] }, globs)).toEqual({ touched: false, lines: ["2 changed path(s), 0 watched"] });
  });

  it("does not wait for the globs when the scope alone decides", async () => {
    const never = new Promise<string[] | null>(() => {});
    await expect(touchesWatched({ none: "amend" }, never, () => {})).resolves.toBe(false);
    await expect(touchesWatched({ paths: [] }, never, () => {})).resolves.toBe(false);
  });
});

describe("matchWatched", () => {
  it("keeps the paths' order and duplicates, and tries every path under a glob starting with a wildcard", async () => {
    expect(await matchWatched(["b.rb", "a.rb", "b.rb", "x.ts"], ["*.rb"])).toEqual(["b.rb", "a.rb", "b.rb"]);
  });

  it("matches paths with spaces, unicode and leading dots", async () => {
    expect(await matchWatched(["app/models/my model.rb", "app/models/ünï.rb", "app/models/.hidden.rb"], ["app/models/*.rb"])).toEqual([
      "app/models/my model.rb",
      "app/models/ünï.rb",
      "app/models/.hidden.rb",
    ]);
  });

  it("honours a top-level | in a glob, which no base can narrow", async () => {
    expect(await matchWatched(["db/schema.rb", "db/structure.sql", "other"], ["db/schema.rb|db/structure.sql"])).toEqual(["db/schema.rb", "db/structure.sql"]);
  });
});
