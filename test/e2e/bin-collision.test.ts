import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExample, PROJECT, type Result } from "../helpers/repo.js";
import { expect0, git, sh } from "../helpers/team.js";

/**
 * Every app this tool is for depends on @rocicorp/zero, whose bins include
 * `zero-cache` (Zero's sync server). A bin of ours with one of these names
 * would silently replace Zero's, or be replaced by it, in node_modules/.bin.
 *
 * Produced by `npm view @rocicorp/zero@1.9.0 bin` on 2026-12-03 (1.9.0 was the
 * latest); re-run it when Zero releases and add any new name here.
 */
const ZERO_BINS = [
  "analyze-query",
  "ast-to-zql",
  "transform-query",
  "zero-build-schema",
  "zero-cache",
  "zero-cache-dev",
  "zero-deploy-permissions",
  "zero-out",
];

const ourPackage = JSON.parse(readFileSync(path.join(PROJECT, "package.json"), "utf8")) as { name: string; version: string; bin: Record<string, string> };

describe("our bin never collides with a bin of @rocicorp/zero", () => {
  it("declares exactly the zero-models bin, which Zero does not declare", () => {
    expect(ourPackage.name).toBe("zero-models");
    expect(Object.keys(ourPackage.bin)).toEqual(["zero-models"]);
    expect(Object.keys(ourPackage.bin).filter((name) => ZERO_BINS.includes(name))).toEqual([]);
  });
});

/**
 * Installed as a user installs it (`npm install` of the packed tarball) next
 * to a stand-in for @rocicorp/zero that declares every one of Zero's bins.
 * Each stand-in bin leaves a marker file, so a hook that ran Zero's server
 * instead of ours is caught even when it prints nothing.
 */
describe("installed next to @rocicorp/zero", () => {
  let work: string;
  let ours: string;
  let zero: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "zero-models-bins-"));
    const packs = path.join(work, "packs");
    mkdirSync(packs);
    // dist/ is already built by the test run's global setup; --ignore-scripts keeps prepare from rebuilding it under other tests.
    ours = path.join(packs, packFile(sh(PROJECT, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packs])));
    const standIn = path.join(work, "rocicorp-zero");
    mkdirSync(standIn);
    writeFileSync(
      path.join(standIn, "package.json"),
      JSON.stringify({ name: "@rocicorp/zero", version: "0.0.0-stand-in", bin: Object.fromEntries(ZERO_BINS.map((name) => [name, "server.js"])) }, null, 2),
    );
    writeFileSync(
      path.join(standIn, "server.js"),
      `#!/usr/bin/env node\nrequire("node:fs").writeFileSync("zero-stand-in-ran", process.argv.join(" "));\nconsole.log("stand-in for Zero's " + require("node:path").basename(process.argv[1]));\n`,
    );
    zero = path.join(packs, packFile(sh(standIn, "npm", ["pack", "--json", "--pack-destination", packs])));
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const husky = `husky@${(JSON.parse(readFileSync(path.join(PROJECT, "node_modules/husky/package.json"), "utf8")) as { version: string }).version}`;

  it.each([
    ["Zero first, then zero-models", () => [[zero], [ours, husky]]],
    ["zero-models first, then Zero", () => [[ours, husky], [zero]]],
  ])("%s: npx zero-cache runs Zero's, npx zero-models runs ours, and the hooks init installs call ours", (_order, installs) => {
    const app = mkdtempSync(path.join(work, "app-"));
    copyExample(app);
    writeFileSync(path.join(app, "package.json"), `${JSON.stringify({ name: "rails-app", private: true }, null, 2)}\n`);
    git(app, "init", "-q", "-b", "main");
    for (const specs of installs()) expect0(npm(app, ["install", "--save-dev", ...specs]), `npm install ${specs.join(" ")}`);

    const server = sh(app, "npx", ["--no", "--", "zero-cache"]);
    expect(server.stdout).toContain("stand-in for Zero's zero-cache");
    rmSync(path.join(app, "zero-stand-in-ran"));

    const version = sh(app, "npx", ["--no", "--", "zero-models", "--version"]);
    expect(version).toMatchObject({ code: 0, stdout: `${ourPackage.version}\n` });

    expect0(sh(app, "npx", ["--no", "--", "zero-models", "init"]), "zero-models init");
    const preCommit = readFileSync(path.join(app, ".husky/pre-commit"), "utf8");
    expect(preCommit).toContain("zero-models hook pre-commit");
    expect(preCommit).not.toMatch(/zero-cache/);

    // The skip message is ours alone: it proves husky's pre-commit reached our binary.
    git(app, "add", "-A");
    const commit = sh(app, "git", ["commit", "-q", "-m", "app"], { ZERO_MODELS_SKIP: "1" });
    expect(commit.code).toBe(0);
    expect(commit.stdout + commit.stderr).toContain("zero-models: ZERO_MODELS_SKIP is set; pre-commit hook skipped.");
    expect(existsSync(path.join(app, "zero-stand-in-ran"))).toBe(false);
  }, 240_000);
});

function npm(cwd: string, args: string[]) {
  // The tarballs are in npm's cache after npm ci; package metadata may still come from the registry, which .ci/run needs anyway.
  return sh(cwd, "npm", [...args, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { npm_config_update_notifier: "false" });
}

function packFile(result: Result): string {
  expect0(result, "npm pack");
  return (JSON.parse(result.stdout) as Array<{ filename: string }>)[0]!.filename;
}
