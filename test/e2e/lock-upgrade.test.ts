import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it, onTestFinished } from "vitest";
import { EXAMPLE, makeRepo, PROJECT } from "../helpers/repo.js";
// @ts-expect-error plain ESM script without types: the bench's app synthesizer
import { synthesizeApp } from "../../scripts/bench/synth.mjs";

const ENV = { ZERO_EXAMPLE_BOOT_MS: "0", CI: "true" };

/**
 * Upgrading zero-models to a version that writes another lock version (issue
 * 21's version 2): the old lock is stale once, said plainly, and the next
 * generate rewrites it from the local store without the generator, in a few
 * lines however many tables.
 */
it("a lock written by an older zero-models: stale once, then restored from the store in one line per store, the lock rewritten, fresh", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "zero-models-upgrade-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  synthesizeApp(dir, 30, { example: EXAMPLE });
  symlinkSync(path.join(PROJECT, "node_modules"), path.join(dir, "node_modules"));
  const repo = makeRepo(dir);
  repo.git("init", "-q", "-b", "main");
  repo.commitAll("app");
  expect(repo.zc(["generate", "--all", "-q"], { env: ENV }).code).toBe(0);
  repo.commitAll("generated");
  const current = repo.read("zero-models.lock");

  // What the previous version's lock declares itself as; its content does not matter once the version is older.
  repo.edit("zero-models.lock", (s) => s.replace(/"version": \d+/, '"version": 1'));
  const check = repo.zc(["check"], { env: ENV });
  expect(check.code).toBe(1);
  expect(check.stderr).toContain("zero-models.lock was written by an older zero-models (lock version 1); every table counts as stale once.");
  expect(check.stdout).toMatch(/^ {2}30 tables \([^)]*\): lock file written by an older zero-models$/m);
  expect(check.stdout + check.stderr).not.toContain("cannot be trusted");

  const generate = repo.zc(["generate"], { env: ENV });
  expect(generate.code).toBe(0);
  const restored = generate.stdout.split("\n").filter((l) => l.startsWith("[RESTORED]"));
  expect(restored).toEqual([expect.stringMatching(/^\[RESTORED\] 30 tables \(.* and 27 more\) \(local store\)$/)]);
  expect(generate.stdout).toMatch(/0 regenerated, 30 restored, 0 cached, 0 file\(s\) written/);
  expect(repo.read("zero-models.lock")).toBe(current);
  expect(repo.zc(["check"], { env: ENV }).code).toBe(0);
  expect(repo.git("status", "--porcelain")).toBe("");
}, 120_000);
