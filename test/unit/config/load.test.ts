import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadConfig, splitArgv } from "../../../src/config/load.js";
import { DEFAULTS } from "../../../src/config/defaults.js";
import { ConfigError } from "../../../src/common/errors.js";
import { PROJECT } from "../../helpers/repo.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "zero-models-config-"));
  dirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

async function configError(root: string, cwd = root): Promise<ConfigError> {
  const error = await loadConfig(cwd, root).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("loadConfig", () => {
  it("uses the defaults, relative to the git top level, when there is no config", async () => {
    const root = project({});
    const config = await loadConfig(root, root);
    expect(config.file).toBeNull();
    expect(config.schema).toBe("db/schema.rb");
    expect(config.models).toEqual(["app/models/**/*.rb"]);
    expect(config.generator.table).toEqual(["bin/rails", "generate", "zero:active_models", "--table={table}"]);
    expect(config.cacheDir).toBe(path.join(root, "tmp/zero-models"));
  });

  it("finds the nearest config up to the top level and resolves paths against its folder", async () => {
    const root = project({
      "backend/.zeromodelsrc.json": JSON.stringify({ outputs: { perTable: ["../frontend/models/{model_kebab}.ts"], shared: [] } }),
      "backend/app/models/x.rb": "",
    });
    const config = await loadConfig(path.join(root, "backend/app/models"), root);
    expect(config.file).toBe(path.join(root, "backend/.zeromodelsrc.json"));
    expect(config.projectDir).toBe(path.join(root, "backend"));
    expect(config.schema).toBe("backend/db/schema.rb");
    expect(config.outputs.perTable).toEqual(["frontend/models/{model_kebab}.ts"]);
    expect(config.lockfile).toBe("backend/zero-models.lock");
  });

  it("reads package.json#zeromodels and YAML rc files", async () => {
    const pkg = project({ "package.json": JSON.stringify({ name: "x", zeromodels: { cascade: "none" } }) });
    expect((await loadConfig(pkg, pkg)).cascade).toBe("none");
    const yaml = project({ ".zeromodelsrc.yml": "cascade: foreign-keys\n" });
    expect((await loadConfig(yaml, yaml)).cascade).toBe("foreign-keys");
  });

  it("refuses a second config beside the first, whichever loader would read it (JSON directly, a .js one through cosmiconfig)", async () => {
    const cases: Array<Record<string, string>> = [
      { ".zeromodelsrc.json": JSON.stringify({ cascade: "none" }), ".zeromodelsrc.yml": "cascade: foreign-keys\n" },
      { ".zeromodelsrc.cjs": "module.exports = { cascade: 'none' };", "zeromodels.config.js": "module.exports = {};" },
    ];
    for (const files of cases) {
      const root = project(files);
      const error = await configError(root);
      expect(error.exitCode).toBe(2);
      for (const name of Object.keys(files)) expect(error.message).toContain(path.join(root, name));
    }
    // --config names the one meant.
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ cascade: "none" }), ".zeromodelsrc.yml": "cascade: foreign-keys\n" });
    expect((await loadConfig(root, root, ".zeromodelsrc.yml")).cascade).toBe("foreign-keys");
  });

  it("does not search above the git top level", async () => {
    const outer = project({ ".zeromodelsrc.json": JSON.stringify({ cascade: "none" }), "repo/.keep": "" });
    const root = path.join(outer, "repo");
    expect((await loadConfig(root, root)).cascade).toBe("associations");
  });

  it("names the file and the key, and suggests the closest known key", async () => {
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ schmea: "db/schema.rb" }) });
    const error = await configError(root);
    expect(error.message).toContain(path.join(root, ".zeromodelsrc.json"));
    expect(error.message).toContain("unknown key `schmea`: did you mean `schema`?");
    expect(error.exitCode).toBe(2);
  });

  it("says what was found and what was expected for a wrong type", async () => {
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ cascade: "all", excludeTables: "users" }) });
    const error = await configError(root);
    expect(error.message).toMatch(/`cascade`: found "all", expected one of "associations", "foreign-keys", "none"/);
    expect(error.message).toMatch(/`excludeTables`: found "users", expected a list of strings/);
  });

  it("rejects output patterns that resolve outside the repository", async () => {
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ outputs: { perTable: ["../../{table}.ts"] } }) });
    expect((await configError(root)).message).toMatch(/outputs\.perTable\[0\]` is "\.\.\/\.\.\/\{table\}\.ts", which resolves outside the git repository/);
  });

  it("rejects generated files and a lock file inside .git, in any case and through ..", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ outputs: { perTable: ["x/{table}.ts"], shared: [".git/hooks/post-checkout"] } }, "`outputs.shared[0]` is \".git/hooks/post-checkout\""],
      [{ outputs: { perTable: [".GIT/hooks/{table}"], shared: [] } }, "`outputs.perTable[0]` is \".GIT/hooks/{table}\""],
      [{ outputs: { perTable: ["x/{table}.ts"], shared: ["frontend/../.Git/config"] } }, "`outputs.shared[0]` is \"frontend/../.Git/config\""],
      [{ outputs: { perTable: ["vendor/engine/.git/{table}.ts"], shared: [] } }, "`outputs.perTable[0]` is \"vendor/engine/.git/{table}.ts\""],
      [{ lockfile: ".git/zero-models.lock" }, "`lockfile` is \".git/zero-models.lock\""],
    ];
    for (const [config, named] of cases) {
      const root = project({ ".zeromodelsrc.json": JSON.stringify(config) });
      const error = await configError(root);
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(path.join(root, ".zeromodelsrc.json"));
      expect(error.message).toContain(named);
      expect(error.message).toContain("it is inside .git");
    }
  });

  it("lets cacheDir live in .git: it is local state, never committed", async () => {
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ cacheDir: ".git/zero-models" }) });
    expect((await loadConfig(root, root)).cacheDir).toBe(path.join(root, ".git/zero-models"));
  });

  it("rejects a per-table pattern without a placeholder", async () => {
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ outputs: { perTable: ["models.ts"] } }) });
    expect((await configError(root)).message).toContain("has no {table}, {model}");
  });

  it("requires the placeholder of each generator form", async () => {
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ generator: { all: "gen", table: "gen --table" } }) });
    expect((await configError(root)).message).toContain("`generator.table` must contain {table}");
  });

  it("revalidates a config whose content changed after a valid one was cached", async () => {
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ cascade: "none" }) });
    // The config cache is only written into an existing cacheDir (a failing first run leaves nothing behind).
    mkdirSync(path.join(root, "tmp/zero-models"), { recursive: true });
    expect((await loadConfig(root, root)).cascade).toBe("none");
    expect(readFileSync(path.join(root, "tmp/zero-models/config.json"), "utf8")).toContain('"cascade":"none"');
    writeFileSync(path.join(root, ".zeromodelsrc.json"), JSON.stringify({ cascade: "everything" }));
    expect((await configError(root)).message).toContain("`cascade`: found \"everything\"");
  });

  it("never caches a JS config value that JSON cannot hold, so the schema always sees it", async () => {
    const root = project({ "zeromodels.config.cjs": "module.exports = { cascade: 'none', lockfile: () => 'x' };" });
    expect((await configError(root)).message).toMatch(/`lockfile`: found .*expected string/);
    expect((await configError(root)).message).toMatch(/`lockfile`/);
  });

  it("refuses a user name or password in remote.url (exit 2, pointing at ZERO_MODELS_REMOTE_TOKEN) without echoing them", async () => {
    for (const url of ["https://zm-user:zm-pass@cache.example.com", "http://zm-user@127.0.0.1:3000", "https://:zm-pass@cache.example.com"]) {
      const root = project({ ".zeromodelsrc.json": JSON.stringify({ remote: { url } }) });
      mkdirSync(path.join(root, "tmp/zero-models"), { recursive: true });
      const error = await configError(root);
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain("`remote.url`: holds a user name or password");
      expect(error.message).toContain("ZERO_MODELS_REMOTE_TOKEN");
      expect(error.message).not.toMatch(/zm-user|zm-pass/);
      expect(readdirSync(path.join(root, "tmp/zero-models"))).toEqual([]);
    }
    // Wrong for another reason, it is still not echoed with what it holds.
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ remote: { url: "ftp://zm-user:zm-pass@cache.example.com" } }) });
    const error = await configError(root);
    expect(error.message).toContain("`remote.url`");
    expect(error.message).not.toMatch(/zm-user|zm-pass/);
  });

  it("reports a config file that does not parse", async () => {
    const root = project({ ".zeromodelsrc.json": "{ nope" });
    expect((await configError(root)).message).toContain(".zeromodelsrc.json: cannot read config");
  });
});

describe("generator.timeout", () => {
  const withTimeout = (timeout: unknown) => project({ ".zeromodelsrc.json": JSON.stringify({ generator: { all: "gen", timeout } }) });

  it("defaults to 600 s, takes whole seconds, and null for no limit", async () => {
    const none = project({});
    expect((await loadConfig(none, none)).commandTimeoutMs).toBe(600_000);
    const unset = project({ ".zeromodelsrc.json": JSON.stringify({ generator: { all: "gen" } }) });
    expect((await loadConfig(unset, unset)).commandTimeoutMs).toBe(600_000);
    const short = withTimeout(30);
    expect((await loadConfig(short, short)).commandTimeoutMs).toBe(30_000);
    const unlimited = withTimeout(null);
    expect((await loadConfig(unlimited, unlimited)).commandTimeoutMs).toBeNull();
  });

  it("is not part of the generator command: the argv forms stay as they were", async () => {
    const root = withTimeout(30);
    expect((await loadConfig(root, root)).generator).toEqual({ all: ["gen"] });
  });

  it.each([
    [0, "found 0, expected a number of at least 1 (or null for no limit)"],
    [-5, "found -5, expected a number of at least 1 (or null for no limit)"],
    [86_401, "found 86401, expected a number of at most 86400 (or null for no limit)"],
    [1.5, "found 1.5, expected a whole number"],
    ["10m", 'found "10m", expected number'],
  ])("refuses %j, naming the key and what it takes", async (value, expected) => {
    const error = await configError(withTimeout(value));
    expect(error.message).toContain(`\`generator.timeout\`: ${expected}`);
    expect(error.exitCode).toBe(2);
  });

  it("suggests the key for a misspelling", async () => {
    const root = project({ ".zeromodelsrc.json": JSON.stringify({ generator: { all: "gen", timout: 60 } }) });
    expect((await configError(root)).message).toContain("unknown key `generator.timout`: did you mean `timeout`?");
  });
});

describe("splitArgv", () => {
  it("splits like a shell, quotes included, without expanding anything", () => {
    expect(splitArgv(`bin/rails generate "zero:active_models" --exclude-tables {excluded} '$HOME'`, "k", "f", null)).toEqual([
      "bin/rails", "generate", "zero:active_models", "--exclude-tables", "{excluded}", "$HOME",
    ]);
  });

  it.each([["gen; rm -rf /"], ["gen | tee x"], ["gen > out"], ["gen && other"]])("refuses shell operators: %s", (command) => {
    expect(() => splitArgv(command, "generator.all", "f", null)).toThrow(/never runs a shell/);
  });
});

describe(".zeromodelsrc.example", () => {
  it("documents every key with its default", () => {
    const example = parseYaml(readFileSync(path.join(PROJECT, ".zeromodelsrc.example"), "utf8")) as Record<string, unknown>;
    expect(Object.keys(example).sort()).toEqual(Object.keys(DEFAULTS).sort());
    expect(example).toEqual(JSON.parse(JSON.stringify(DEFAULTS)));
  });
});
