import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A folder for this run only (see test/helpers/once.ts): set-ups built once and the oracle's results, shared by every worker. */
    runDir: string;
  }
}

/**
 * The root config's only globalSetup, so it runs once per vitest run whatever
 * projects run. Builds dist/cli.cjs once (e2e tests run the bundled binary as a
 * user does; unit and oracle tests import src/ and skip the build) and makes the run's
 * shared folder, removed when the run ends.
 */
export default function setup(project: TestProject): () => void {
  if (project.vitest.projects.some((p) => p.name === "e2e" || p.name === "slow")) execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  const runDir = mkdtempSync(path.join(tmpdir(), "zero-models-run-"));
  project.provide("runDir", runDir);
  return () => rmSync(runDir, { recursive: true, force: true });
}
