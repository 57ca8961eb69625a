import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import picomatch from "picomatch";
import { describe, expect, it, onTestFinished } from "vitest";
import { ConfigError } from "../../../src/common/errors.js";
import { DEFAULTS } from "../../../src/config/defaults.js";
import { findConfigFile, peekWatchedGlobs, toRepoPath, watchedGlobs } from "../../../src/config/file.js";
import { matchWatched } from "../../../src/hooks/scope.js";

/** A temp folder holding `repo/` (the git top level), with `files` written under it. */
function makeRepo(files: Record<string, string> = {}): { outside: string; root: string } {
  const outside = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-config-file-")));
  onTestFinished(() => rmSync(outside, { recursive: true, force: true }));
  const root = path.join(outside, "repo");
  mkdirSync(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return { outside, root };
}

/** The globs of the default config, for a project at `prefix` in the repo. */
function defaultGlobs(prefix = ""): string[] {
  return [
    "db/schema.rb",
    "app/models/**/*.rb",
    "app/models/concerns/**/*.rb",
    "db/migrate/*.rb",
    "lib/generators/zero/active_models/templates/**/*",
    "config/initializers/inflections.rb",
    "lib/generators/zero/active_models/*.rb",
    "config/initializers/inflections.rb",
    ".prettierrc*",
    "prettier.config.*",
    "frontend/.prettierrc*",
    "frontend/prettier.config.*",
    "frontend/src/lib/models/*.ts",
    "frontend/src/lib/models/reactive-*.ts",
    "frontend/src/lib/models/types/*-data.ts",
    "frontend/src/lib/models/index.ts",
    "zero-models.lock",
  ].map((g) => `${prefix}${g}`);
}

describe("findConfigFile", () => {
  it("walks up from cwd to the closest config", () => {
    const { root } = makeRepo({ "rails/.zeromodelsrc.json": "{}", ".zeromodelsrc": "", "rails/app/models/.keep": "" });
    expect(findConfigFile(path.join(root, "rails/app/models"), root)).toBe(path.join(root, "rails/.zeromodelsrc.json"));
    expect(findConfigFile(path.join(root, "rails"), root)).toBe(path.join(root, "rails/.zeromodelsrc.json"));
    expect(findConfigFile(root, root)).toBe(path.join(root, ".zeromodelsrc"));
  });

  it("ignores a package.json without a zeromodels key", () => {
    const { root } = makeRepo({ "frontend/package.json": JSON.stringify({ name: "web" }), ".zeromodelsrc.yml": "", "frontend/src/.keep": "" });
    expect(findConfigFile(path.join(root, "frontend/src"), root)).toBe(path.join(root, ".zeromodelsrc.yml"));
  });

  it("takes a package.json with a zeromodels key", () => {
    const { root } = makeRepo({ "package.json": JSON.stringify({ name: "app", zeromodels: {} }) });
    expect(findConfigFile(root, root)).toBe(path.join(root, "package.json"));
  });

  it("refuses two configs in one folder (cosmiconfig would silently read the first), naming both; a config in a parent folder is no rival", () => {
    for (const [first, second] of [
      ["package.json", ".zeromodelsrc"],
      [".zeromodelsrc.json", ".zeromodelsrc.yml"],
      [".zeromodelsrc.yaml", ".config/zeromodelsrc.json"],
    ] as const) {
      const { root } = makeRepo({ [first]: first === "package.json" ? JSON.stringify({ zeromodels: {} }) : "{}", [second]: "{}", "app/.keep": "" });
      const error = (() => {
        try {
          findConfigFile(path.join(root, "app"), root);
        } catch (e) {
          return e;
        }
      })();
      expect(error, `${first} beside ${second}`).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(2);
      expect((error as ConfigError).message).toContain(`2 zero-models config files in one folder: ${path.join(root, first)}, ${path.join(root, second)}.`);
    }
    const { root } = makeRepo({ ".zeromodelsrc.json": "{}", "rails/.zeromodelsrc.yml": "" });
    expect(findConfigFile(path.join(root, "rails"), root)).toBe(path.join(root, "rails/.zeromodelsrc.yml"));
  });

  it("finds configs in .config/", () => {
    const { root } = makeRepo({ ".config/zeromodelsrc.yaml": "" });
    expect(findConfigFile(root, root)).toBe(path.join(root, ".config/zeromodelsrc.yaml"));
  });

  it("stops at the repo top level", () => {
    const { outside, root } = makeRepo({ "app/.keep": "" });
    writeFileSync(path.join(outside, ".zeromodelsrc"), "schema: db/schema.rb\n");
    writeFileSync(path.join(outside, "package.json"), JSON.stringify({ zeromodels: {} }));
    expect(findConfigFile(path.join(root, "app"), root)).toBeNull();
    expect(findConfigFile(root, root)).toBeNull();
  });
});

describe("toRepoPath", () => {
  it("makes config paths and globs relative to the repo top level", () => {
    expect(toRepoPath("/repo", "/repo", "db/schema.rb")).toBe("db/schema.rb");
    expect(toRepoPath("/repo", "/repo/rails", "app/models/**/*.rb")).toBe("rails/app/models/**/*.rb");
    expect(toRepoPath("/repo", "/repo/rails", "./db/../db/schema.rb")).toBe("rails/db/schema.rb");
    expect(toRepoPath("/repo", "/repo/rails", "../frontend/src/{model}.ts")).toBe("frontend/src/{model}.ts");
    expect(toRepoPath("/repo", "/repo/rails", "/repo/shared/x.rb")).toBe("shared/x.rb");
    expect(toRepoPath("/repo", "/repo", "..hidden/x")).toBe("..hidden/x");
  });

  it("returns null for paths that leave the repo or are the repo itself", () => {
    expect(toRepoPath("/repo", "/repo", "../other/db/schema.rb")).toBeNull();
    expect(toRepoPath("/repo", "/repo/rails", "../../x")).toBeNull();
    expect(toRepoPath("/repo", "/repo/rails", "..")).toBeNull();
    expect(toRepoPath("/repo", "/repo", "/etc/passwd")).toBeNull();
    expect(toRepoPath("/repo", "/repo", ".")).toBeNull();
  });
});

describe("watchedGlobs", () => {
  const keys = (over: object = {}) => ({ ...DEFAULTS, beforeGenerate: [], ...over }) as unknown as Parameters<typeof watchedGlobs>[0];

  it("lists inputs, outputs with placeholders as *, the lock and the config file", () => {
    expect(watchedGlobs(keys(), "/repo", "/repo", "/repo/.zeromodelsrc")).toEqual([...defaultGlobs(), ".zeromodelsrc"]);
    expect(watchedGlobs(keys(), "/repo", "/repo", null)).toEqual(defaultGlobs());
  });

  it("turns every table placeholder into *", () => {
    const globs = watchedGlobs(
      keys({ outputs: { perTable: ["out/{table}/{model}.{model_snake}-{model_kebab}.ts"], shared: ["out/index.ts", "out/all.json"] } }),
      "/repo",
      "/repo",
      null,
    );
    expect(globs).toContain("out/*/*.*-*.ts");
    expect(globs).toContain("out/index.ts");
    expect(globs).toContain("out/all.json");
    expect(globs!.join(" ")).not.toMatch(/[{}]/);
  });

  it("includes beforeGenerate's when globs, single or listed", () => {
    const globs = watchedGlobs(
      keys({ beforeGenerate: [{ when: "app/graphql/**/*.rb" }, { when: ["config/routes.rb", "db/seeds.rb"] }] }),
      "/repo",
      "/repo",
      null,
    );
    expect(globs).toEqual(expect.arrayContaining(["app/graphql/**/*.rb", "config/routes.rb", "db/seeds.rb"]));
  });

  it("prefixes a project in a subfolder, and resolves ../ to a sibling", () => {
    const globs = watchedGlobs(keys({ schema: "../shared/schema.rb" }), "/repo", "/repo/rails", "/repo/rails/.zeromodelsrc.json");
    expect(globs).toContain("shared/schema.rb");
    expect(globs).toContain("rails/app/models/**/*.rb");
    expect(globs).toContain("rails/zero-models.lock");
    expect(globs).toContain("rails/frontend/src/lib/models/*.ts");
    expect(globs!.at(-1)).toBe("rails/.zeromodelsrc.json");
  });

  it("is null when any path leaves the repo", () => {
    expect(watchedGlobs(keys({ lockfile: "../zero-models.lock" }), "/repo", "/repo", null)).toBeNull();
    expect(watchedGlobs(keys({ globalInputs: ["../../Gemfile.lock"] }), "/repo", "/repo/rails", null)).toBeNull();
    expect(watchedGlobs(keys({ outputs: { perTable: [], shared: ["../out.ts"] } }), "/repo", "/repo", null)).toBeNull();
  });
});

describe("peekWatchedGlobs", () => {
  it("reads a JSON config, filling in defaults", async () => {
    const { root } = makeRepo({ ".zeromodelsrc.json": JSON.stringify({ schema: "db/structure.sql", lockfile: "models.lock", models: ["app/models/*.rb"] }) });
    const globs = await peekWatchedGlobs(root, root);
    expect(globs).toContain("db/structure.sql");
    expect(globs).toContain("models.lock");
    expect(globs).toContain("app/models/*.rb");
    expect(globs).not.toContain("db/schema.rb");
    expect(globs).not.toContain("app/models/**/*.rb");
    expect(globs).toContain("db/migrate/*.rb");
    expect(globs!.at(-1)).toBe(".zeromodelsrc.json");
  });

  it("reads a YAML .zeromodelsrc", async () => {
    const { root } = makeRepo({
      ".zeromodelsrc": "schema: db/structure.sql\nbeforeGenerate:\n  - run: bin/rails graphql:schema\n    when: app/graphql/**/*.rb\n",
    });
    const globs = await peekWatchedGlobs(root, root);
    expect(globs).toContain("db/structure.sql");
    expect(globs).toContain("app/graphql/**/*.rb");
    expect(globs!.at(-1)).toBe(".zeromodelsrc");
  });

  it("merges a partial outputs with the default outputs", async () => {
    const { root } = makeRepo({ ".zeromodelsrc.json": JSON.stringify({ outputs: { shared: ["web/models/index.ts"] } }) });
    const globs = await peekWatchedGlobs(root, root);
    expect(globs).toContain("web/models/index.ts");
    expect(globs).not.toContain("frontend/src/lib/models/index.ts");
    expect(globs).toContain("frontend/src/lib/models/reactive-*.ts");
  });

  it("reads the zeromodels key of package.json", async () => {
    const { root } = makeRepo({ "package.json": JSON.stringify({ name: "app", zeromodels: { lockfile: "models.lock" } }) });
    const globs = await peekWatchedGlobs(root, root);
    expect(globs).toContain("models.lock");
    expect(globs).not.toContain("zero-models.lock");
    expect(globs!.at(-1)).toBe("package.json");
  });

  it("uses the defaults for an empty .zeromodelsrc, and without any config", async () => {
    const { root } = makeRepo({ ".zeromodelsrc": "\n" });
    expect(await peekWatchedGlobs(root, root)).toEqual([...defaultGlobs(), ".zeromodelsrc"]);
    const bare = makeRepo();
    expect(await peekWatchedGlobs(bare.root, bare.root)).toEqual(defaultGlobs());
  });

  it("is null for a .js config, which only a full load can read", async () => {
    const { root } = makeRepo({ ".zeromodelsrc.js": "module.exports = { schema: 'db/schema.rb' };\n" });
    expect(await peekWatchedGlobs(root, root)).toBeNull();
  });

  it("is null for a config that cannot be parsed or has the wrong shape", async () => {
    const broken = makeRepo({ ".zeromodelsrc.json": "{ nope" });
    expect(await peekWatchedGlobs(broken.root, broken.root)).toBeNull();
    const list = makeRepo({ ".zeromodelsrc": "- a\n- b\n" });
    expect(await peekWatchedGlobs(list.root, list.root)).toBeNull();
    const outside = makeRepo({ ".zeromodelsrc.json": JSON.stringify({ schema: "../schema.rb" }) });
    expect(await peekWatchedGlobs(outside.root, outside.root)).toBeNull();
  });

  it("makes the paths of a config in a subfolder repo-relative", async () => {
    const { root } = makeRepo({ "rails/.zeromodelsrc.json": JSON.stringify({ schema: "db/structure.sql" }), "rails/app/models/.keep": "" });
    const globs = await peekWatchedGlobs(path.join(root, "rails/app/models"), root);
    expect(globs).toEqual([...defaultGlobs("rails/").map((g) => g.replace("rails/db/schema.rb", "rails/db/structure.sql")), "rails/.zeromodelsrc.json"]);
  });

  it("reads an explicit config file relative to cwd", async () => {
    const { root } = makeRepo({ "config/zero-models.yml": "lockfile: models.lock\n", ".zeromodelsrc.json": JSON.stringify({ lockfile: "other.lock" }) });
    const globs = await peekWatchedGlobs(root, root, "config/zero-models.yml");
    expect(globs).toContain("config/models.lock");
    expect(globs).not.toContain("other.lock");
    expect(globs!.at(-1)).toBe("config/zero-models.yml");
  });
});

describe("matchWatched", () => {
  // [glob, path, whether it matches]: the expectation is checked against picomatch too.
  const table: Array<[string, string, boolean]> = [
    ["app/models/**/*.rb", "app/models/user.rb", true],
    ["app/models/**/*.rb", "app/models/admin/user.rb", true],
    ["app/models/**/*.rb", "app/models.rb", false],
    ["app/models/**/*.rb", "app/models/user.ts", false],
    ["app/models/**/*.rb", "lib/app/models/user.rb", false],
    ["app/models/**/*.rb", "app/models/my model.rb", true],
    ["app/models/**", "app/models", true],
    ["app/**/*.rb", "app/.hidden/x.rb", true],
    ["**/*.rb", ".hidden/x.rb", true],
    ["db/schema.rb", "db/schema.rb", true],
    ["db/schema.rb", "db/schema.rbx", false],
    ["db/schema.rb", "db/schema.rb/x", false],
    ["db/schema.rb", "db/Schema.rb", false],
    ["db/migrate/*.rb", "db/migrate/20240101000000_create_users.rb", true],
    ["db/migrate/*.rb", "db/migrate/old/x.rb", false],
    ["db/migrate/?.rb", "db/migrate/1.rb", true],
    ["db/[ab].rb", "db/a.rb", true],
    ["db/[ab].rb", "db/c.rb", false],
    ["*.rb", "Gemfile.rb", true],
    ["*.rb", "app/x.rb", false],
    [".prettierrc*", ".prettierrc", true],
    [".prettierrc*", ".prettierrc.json", true],
    [".prettierrc*", "frontend/.prettierrc", false],
    ["frontend/.prettierrc*", "frontend/.prettierrc.yml", true],
    ["prettier.config.*", "prettier.config.mjs", true],
    ["{app,lib}/**/*.rb", "lib/tasks/x.rb", true],
    ["{app,lib}/**/*.rb", "config/x.rb", false],
    ["db/{schema.rb,structure.sql}", "db/structure.sql", true],
    ["config/{a,b/c}.rb", "config/b/c.rb", true],
    ["app/models/*.@(rb|erb)", "app/models/x.erb", true],
    ["lib/generators/zero/active_models/templates/**/*", "lib/generators/zero/active_models/templates/model.ts.tt", true],
    ["frontend/src/lib/models/reactive-*.ts", "frontend/src/lib/models/reactive-user.ts", true],
    ["frontend/src/lib/models/*.ts", "frontend/src/lib/models/types/user-data.ts", false],
    ["a+b/c.rb", "a+b/c.rb", true],
    ["zero-models.lock", "zero-models.lock", true],
  ];

  it.each(table)("%s against %s", async (glob, file, expected) => {
    expect(picomatch(glob, { dot: true })(file)).toBe(expected);
    expect(await matchWatched([file], [glob])).toEqual(expected ? [file] : []);
  });

  it("matches what picomatch matches for many paths against many globs at once", async () => {
    const globs = [...new Set([...table.map(([glob]) => glob), ...defaultGlobs("rails/")])];
    const paths = [...new Set([...table.map(([, file]) => file), "rails/db/schema.rb", "rails/app/models/a/b.rb", "rails/.prettierrc", "README.md", "x/y/z"])];
    const isMatch = picomatch(globs, { dot: true });
    const expected = paths.filter((p) => isMatch(p));
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.length).toBeLessThan(paths.length);
    expect(await matchWatched(paths, globs)).toEqual(expected);
  });

  it("matches nothing for no paths or no globs", async () => {
    expect(await matchWatched([], ["**"])).toEqual([]);
    expect(await matchWatched(["db/schema.rb"], [])).toEqual([]);
  });
});
