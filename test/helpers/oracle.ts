import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runDir } from "./once.js";
import { PROJECT } from "./repo.js";

/**
 * The oracle of the e2e tests: what a full regeneration from scratch writes
 * (bin/rails generate zero:active_models on a copy of the generator's inputs,
 * no zero-models, no cache). It is a function of those inputs alone, so it is
 * cached by their content: in this worker's memory and in the run's folder,
 * where every worker finds what another one computed (most tests compare the
 * same few states of the example app).
 */

/** What the example's generator reads (and runs). Migrations are not among them, nor is the config. */
export const GENERATOR_INPUTS = ["app", "config", "lib", "bin", "db/schema.rb"];

/** The files under `rel` (a folder or a file), sorted, with their text. */
export function* walk(root: string, rel: string): Generator<[string, string]> {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isFile()) {
    yield [rel, readFileSync(abs, "utf8")];
    return;
  }
  for (const name of readdirSync(abs).sort()) yield* walk(root, `${rel}/${name}`);
}

/** The files under `roots` (folders or files, relative to `dir`) with their text. */
export function readFiles(dir: string, roots: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of roots) for (const [p, text] of walk(dir, r)) out.set(p, text);
  return out;
}

export function hashFiles(files: Map<string, string>): string {
  const h = createHash("sha256");
  for (const [p, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(`${p}\0${text}\0`);
  return h.digest("hex");
}

type Outcome = Map<string, string> | Error;
const memory = new Map<string, Outcome>();
export const oracleStats = { runs: 0, hits: 0 };

/** A full regeneration of `inputs` (as read by readFiles(dir, GENERATOR_INPUTS)): the generated files, or the generator's failure. */
export function fullRegenerationOf(inputs: Map<string, string>): Outcome {
  const key = hashFiles(inputs);
  const known = memory.get(key) ?? readShared(key);
  if (known) {
    oracleStats.hits++;
    memory.set(key, known);
    return known;
  }
  oracleStats.runs++;
  const outcome = regenerate(inputs);
  memory.set(key, outcome);
  writeShared(key, outcome);
  return outcome;
}

/** A full regeneration of the repo's current inputs; throws when the generator fails. */
export function fullRegeneration(repo: { dir: string }): Map<string, string> {
  const outcome = fullRegenerationOf(readFiles(repo.dir, GENERATOR_INPUTS));
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

function regenerate(inputs: Map<string, string>): Outcome {
  const scratch = mkdtempSync(path.join(tmpdir(), "zero-models-oracle-"));
  try {
    symlinkSync(path.join(PROJECT, "node_modules"), path.join(scratch, "node_modules"));
    for (const [p, text] of inputs) {
      mkdirSync(path.dirname(path.join(scratch, p)), { recursive: true });
      writeFileSync(path.join(scratch, p), text);
    }
    // node runs it: written files lose bin/rails's executable bit.
    const r = spawnSync(process.execPath, ["bin/rails", "generate", "zero:active_models"], { cwd: scratch, encoding: "utf8" });
    return r.status === 0 ? readFiles(scratch, ["frontend"]) : new Error(`full regeneration failed (${r.status}): ${r.stderr}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const sharedFile = (key: string) => path.join(runDir(), "oracle", `${key}.json`);

function readShared(key: string): Outcome | undefined {
  try {
    const stored = JSON.parse(readFileSync(sharedFile(key), "utf8")) as { files: Array<[string, string]> } | { error: string };
    return "error" in stored ? new Error(stored.error) : new Map(stored.files);
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed, so a reader in another worker never sees half a result. */
function writeShared(key: string, outcome: Outcome): void {
  const file = sharedFile(key);
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(outcome instanceof Error ? { error: outcome.message } : { files: [...outcome] }));
  renameSync(temp, file);
}
