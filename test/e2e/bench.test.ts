import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, onTestFinished, test } from "vitest";
import { PROJECT } from "../helpers/repo.js";

// A smoke run of `npm run bench` so the script cannot rot. It times nothing:
// CI asserts no figure, only that every figure was measured.
const FIGURES = [
  "check (nothing changed)",
  "hook post-merge (fast path)",
  "hook post-checkout (fast path)",
  "hook post-rewrite (fast path)",
  "hook pre-commit (fast path)",
  "generate (nothing stale)",
  "check --staged (one model staged)",
  "per-table generator run (bin/rails … --table=X)",
  "generate, one column changed",
  "generate --all",
  "generate after a pull that changed one column",
  "generate, model referenced by 8 changed",
  "check peak RSS",
];

test("npm run bench -- --quick measures every figure and writes the results table", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "zero-models-bench-test-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, "results.md");
  const r = spawnSync(process.execPath, ["scripts/bench.mjs", "--quick", "--out", out], { cwd: PROJECT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  expect(r.stdout).toContain("| tables | measurement | median | baseline | ratio | runs |");
  expect(r.stdout).toMatch(/targets met/);

  const md = readFileSync(out, "utf8");
  expect(md).toContain(`node ${process.version}`);
  expect(md).toContain("ZERO_EXAMPLE_BOOT_MS=0");
  const rows = md.split("\n").filter((l) => /^\| 10 \|/.test(l)).map((l) => l.split("|").map((c) => c.trim()).slice(1, -1));
  expect(rows.map((c) => c[1])).toEqual(FIGURES);
  for (const [, figure, median, baseline, , runs] of rows) {
    expect(median, figure).toMatch(/^\d+(\.\d+)? (ms|s|MB)\b/);
    expect(Number(runs), figure).toBeGreaterThanOrEqual(1);
    if (figure !== "generate --all" && figure !== "per-table generator run (bin/rails … --table=X)") expect(baseline, figure).toMatch(/^\d+(\.\d+)? (ms|s|MB) \(/);
  }
  // Every target that applies at 10 tables is judged, PASS or FAIL.
  expect(md).toMatch(/^- (PASS|FAIL) hook fast paths ≤ 1\.3 × node -e 0 at 10 tables/m);
  expect(md).toMatch(/^- (PASS|FAIL) zero-models' own time for a one-column change ≤ 2\.5 × node -e 0 at 10 tables/m);
  expect(md).toMatch(/^- (PASS|FAIL) check --staged with one model staged ≤ 2\.5 × node -e 0 at 10 tables/m);
  expect(md).toMatch(/^- (PASS|FAIL) generate with nothing stale ≤ 1\.1 × no-op check at 10 tables/m);
  // The lock's size, per table, on the example app (issue 21).
  expect(md).toMatch(/^\| examples\/rails-app \| 11 \| [\d,]+ bytes \| \d+ bytes \|$/m);
  expect(md).toMatch(/^- (PASS|FAIL) zero-models\.lock ≤ 600 bytes per table \(examples\/rails-app, 11 tables\)/m);
  // zero-models' own share comes from generate --json's generatorMs
  expect(md).toMatch(/\| generate, one column changed \| [\d.]+ m?s \(\d+ regenerated, [\d.]+ m?s zero-models' own\) \|/);
}, 120_000);
