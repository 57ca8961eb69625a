import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT } from "../helpers/repo.js";
import { expect0, sh } from "../helpers/team.js";

/**
 * The tarball `npm pack` makes is what users install: it must carry the built
 * CLI and its licence, and no script npm runs at install time (npm 11 asks
 * users to approve those, and a `prepare` whose file is not shipped cannot run).
 */
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepare"];

describe("the packed package", () => {
  let work: string;
  let tarball: string;
  let files: string[];
  let manifest: { scripts?: Record<string, string>; bin: Record<string, string>; license: string };

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "zero-models-pack-"));
    const packs = path.join(work, "packs");
    mkdirSync(packs);
    // dist/ is already built by the test run's global setup; --ignore-scripts keeps prepack from rebuilding it under other tests.
    const packed = expect0(sh(PROJECT, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packs]), "npm pack");
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(packs, info!.filename);
    files = info!.files.map((f) => f.path);
    expect0(sh(work, "tar", ["-xzf", tarball, "package/package.json"]), "tar");
    manifest = JSON.parse(readFileSync(path.join(work, "package/package.json"), "utf8")) as typeof manifest;
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("has no install-time script, ships its bin and the MIT licence", () => {
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => INSTALL_SCRIPTS.includes(s))).toEqual([]);
    for (const bin of Object.values(manifest.bin)) expect(files).toContain(bin);
    expect(files).toContain("LICENSE");
    expect(files).toContain(".zeromodelsrc.example");
    expect(manifest.license).toBe("MIT");
    const license = readFileSync(path.join(PROJECT, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} zero-models contributors\n/);
  });

  it("installs into a scratch app with no npm warning about install scripts, and runs", () => {
    const app = path.join(work, "app");
    mkdirSync(app);
    writeFileSync(path.join(app, "package.json"), `${JSON.stringify({ name: "scratch-app", private: true }, null, 2)}\n`);
    // The runtime dependencies come from npm's cache after npm ci; metadata may still come from the registry.
    const install = sh(app, "npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=warn"], { npm_config_update_notifier: "false" });
    expect0(install, "npm install <tarball>");
    expect(`${install.stdout}${install.stderr}`).not.toMatch(/install.scripts?/i);
    expect(existsSync(path.join(app, "node_modules/zero-models/dist/cli.cjs"))).toBe(true);
    const version = sh(app, "npx", ["--no", "--", "zero-models", "--version"]);
    expect(version.code).toBe(0);
  }, 180_000);
});
