import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { builtOnce } from "./once.js";
import { CLI, copyExample, EXAMPLE, makeRepo, type Repo, type Result } from "./repo.js";
import { sha256 } from "./remote-server.js";
import { addTooling, clone, copyTeamTo, expect0, git, HOOK_ENV, TEAM_FOLDER, type Team } from "./team.js";
import { lockOf } from "./lock-file.js";

/**
 * Teams for the output store tests (issue 7). Unlike team() these do not
 * register per-test cleanup, so one can be built in beforeAll and copied per
 * test with copyTeam (test/helpers/history.ts); the caller removes `top`.
 */

export const OUTPUT_DIR = "frontend/src/lib/models";
export const STORE_DIR = "tmp/zero-models/store";

export interface BuiltTeam extends Team {
  /** The temporary folder holding everything; remove it when done. */
  top: string;
}

/**
 * The example app set up as a team whose generated files are NOT committed:
 * `frontend/src/lib/models/` is git-ignored (so a clone has none, and a
 * checkout leaves them as they were), generated (generate --all), `init` run
 * (husky hooks), committed and pushed to a bare remote; bob is a fresh clone
 * after `npm install` (no generated files, empty cacheDir).
 */
export function ignoredOutputsTeam(options: { config?: (c: Record<string, unknown>) => Record<string, unknown> } = {}): BuiltTeam {
  const config = options.config?.(exampleConfig());
  const key = `ignored-outputs-team-${config ? createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 16) : "example"}`;
  const template = builtOnce(key, (dir) => buildIgnoredOutputsTeam(path.join(dir, TEAM_FOLDER), options.config));
  const top = mkdtempSync(path.join(tmpdir(), "zero-models-store-"));
  return { top, ...copyTeamTo(path.join(template, TEAM_FOLDER), path.join(top, TEAM_FOLDER)) };
}

/** What ignoredOutputsTeam copies, built once per run in `root`. */
function buildIgnoredOutputsTeam(root: string, config?: (c: Record<string, unknown>) => Record<string, unknown>): Team {
  const aliceDir = path.join(root, "alice");
  mkdirSync(aliceDir, { recursive: true });
  copyExample(aliceDir);
  const alice = makeRepo(aliceDir);
  if (config) {
    const file = path.join(aliceDir, ".zeromodelsrc.json");
    writeFileSync(file, `${JSON.stringify(config(JSON.parse(readFileSync(file, "utf8"))), null, 2)}\n`);
  }
  alice.write(".gitignore", `${alice.read(".gitignore")}\n# generated from the schema and models; zero-models restores them\n/${OUTPUT_DIR}/\n`);
  alice.git("init", "-q", "-b", "main");
  addTooling(alice);
  expect0(alice.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate --all");
  expect0(alice.zc(["init"], { env: HOOK_ENV }), "init");
  git(alice.dir, "add", "-A");
  git(alice.dir, "commit", "-q", "--no-verify", "-m", "example app with zero-models, generated files ignored");
  if (git(alice.dir, "ls-files", OUTPUT_DIR).trim() !== "") throw new Error("generated files were committed");
  const remote = path.join(root, "remote.git");
  git(root, "init", "-q", "--bare", "-b", "main", remote);
  git(alice.dir, "remote", "add", "origin", remote);
  git(alice.dir, "push", "-q", "-u", "origin", "main");
  const bob = clone(remote, path.join(root, "bob"));
  return { remote, alice, bob };
}

const exampleConfig = () => JSON.parse(readFileSync(path.join(EXAMPLE, ".zeromodelsrc.json"), "utf8")) as Record<string, unknown>;

// ------------------------------------------------------------ the generator

/**
 * Replaces the repo's bin/rails (in the work tree only: marked skip-worktree
 * so git ignores the change) with a spy that appends its arguments to a log
 * outside the repository, then runs the example's generator, or, with
 * `fail`, writes the log line and exits 1 (no generator available). bin/rails
 * is not a fingerprint input, so this changes no table's fingerprint. A copy
 * of the repo (e.g. fullRegeneration's scratch copy) runs the real generator
 * and logs nothing.
 */
export function spyGenerator(repo: Repo, options: { fail?: boolean } = {}): GeneratorSpy {
  const bin = path.join(repo.dir, "bin/rails");
  const log = path.join(path.dirname(repo.dir), `${path.basename(repo.dir)}-generator-runs.log`);
  writeFileSync(log, "");
  const source = `#!/usr/bin/env node
// TEST SPY for bin/rails (test/helpers/store-team.ts): logs each run, then ${options.fail ? "fails" : "runs the example generator"}.
const argv = process.argv.slice(2);
Promise.all([import("node:fs"), import("node:path")])
  .then(([fs, path]) => {
    const real = (p) => { try { return fs.realpathSync(path.resolve(p)); } catch { return p; } };
    const spied = real(process.argv[1] || "") === real(${JSON.stringify(bin)});
    if (spied) fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(argv) + "\\n");
    if (spied && ${options.fail ? "true" : "false"}) {
      process.stderr.write("bin/rails: no generator here (test spy)\\n");
      return 1;
    }
    return import("../lib/generators/zero/active_models/generator.mjs").then(({ main }) => main(argv));
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write("bin/rails: " + (error && error.stack ? error.stack : error) + "\\n");
      process.exitCode = 1;
    },
  );
`;
  writeFileSync(bin, source);
  chmodSync(bin, 0o755);
  repo.git("update-index", "--skip-worktree", "bin/rails");
  return {
    log,
    runs: () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]),
    reset: () => writeFileSync(log, ""),
  };
}

export interface GeneratorSpy {
  log: string;
  /** The argument lists of every run since the spy was installed or reset. */
  runs(): string[][];
  reset(): void;
}

// ---------------------------------------------------------------- config

/** Merges `patch` into the repo's .zeromodelsrc.json (in the work tree, not committed). */
export function configure(repo: Repo, patch: Record<string, unknown>): void {
  const file = ".zeromodelsrc.json";
  const config = JSON.parse(repo.read(file)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    const old = config[k];
    config[k] = v && typeof v === "object" && !Array.isArray(v) && old && typeof old === "object" ? { ...old, ...v } : v;
  }
  repo.write(file, `${JSON.stringify(config, null, 2)}\n`);
}

// --------------------------------------------------------------- outputs

/** SHA-256 of every file under `under` (default: the generated files), by path relative to the repo. */
export function fileHashes(repo: Repo, under = OUTPUT_DIR): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(repo.dir, rel);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs).sort()) {
      const child = `${rel}/${name}`;
      if (statSync(path.join(repo.dir, child)).isDirectory()) walk(child);
      else out.set(child, sha256(readFileSync(path.join(repo.dir, child))));
    }
  };
  walk(under);
  return out;
}

/** The hashes of a full regeneration's output (fullRegeneration's text compared as bytes). */
export function hashesOf(tree: Map<string, string>): Map<string, string> {
  return new Map([...tree].map(([file, text]) => [file, sha256(Buffer.from(text, "utf8"))]));
}

/** The per-table generated files of a model (kebab-cased), as the example config names them. */
export function perTableFiles(kebab: string): string[] {
  return [`${OUTPUT_DIR}/${kebab}.ts`, `${OUTPUT_DIR}/reactive-${kebab}.ts`, `${OUTPUT_DIR}/types/${kebab}-data.ts`];
}

export interface LockFile {
  tables: Record<string, { model: string; fingerprint: string; outputs: Record<string, string | null> }>;
  shared: Record<string, string | null>;
}

export function readLock(repo: Repo): LockFile {
  return lockOf(repo.read("zero-models.lock"));
}

// ------------------------------------------------------------------ store

export interface StoreEntry {
  version: number;
  kind: "table" | "shared";
  key: string;
  files: Record<string, string | null>;
}

/** Entries of the local store, by file name (`table-<key>.json`), parsed; unparsable ones as null. */
export function storeEntries(repo: Repo): Map<string, StoreEntry | null> {
  const dir = path.join(repo.dir, STORE_DIR, "entries");
  const out = new Map<string, StoreEntry | null>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    try {
      out.set(name, JSON.parse(readFileSync(path.join(dir, name), "utf8")) as StoreEntry);
    } catch {
      out.set(name, null);
    }
  }
  return out;
}

export function entryPath(repo: Repo, kind: "table" | "shared", key: string): string {
  return path.join(repo.dir, STORE_DIR, "entries", `${kind}-${key}.json`);
}

export function objectPath(repo: Repo, hash: string): string {
  return path.join(repo.dir, STORE_DIR, "objects", hash.slice(0, 2), hash);
}

/** Every file under the local store with its size. */
export function storeFiles(repo: Repo): Array<{ file: string; size: number }> {
  const root = path.join(repo.dir, STORE_DIR);
  const out: Array<{ file: string; size: number }> = [];
  const walk = (abs: string) => {
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs)) {
      const child = path.join(abs, name);
      const st = statSync(child);
      if (st.isDirectory()) walk(child);
      else out.push({ file: path.relative(root, child), size: st.size });
    }
  };
  walk(root);
  return out;
}

export function storeBytes(repo: Repo): number {
  return storeFiles(repo).reduce((sum, f) => sum + f.size, 0);
}

export function removeStore(repo: Repo): void {
  rmSync(path.join(repo.dir, STORE_DIR), { recursive: true, force: true });
}

// ----------------------------------------------------------------- output

/** `[RESTORED] Model (source)` lines as [model, source] pairs, sorted by model. */
export function restoredLines(output: string): Array<[string, string]> {
  return [...output.matchAll(/^\[RESTORED\] (\S+) \(([^)]*)\)/gm)].map((m): [string, string] => [m[1]!, m[2]!]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Models of `[REGEN] Model (...)` lines. */
export function regenLines(output: string): string[] {
  return [...output.matchAll(/^\[REGEN\] (\S+)/gm)].map((m) => m[1]!).sort();
}

/** Lines that are remote-cache warnings. */
export function remoteWarnings(text: string): string[] {
  return text.split("\n").filter((l) => l.startsWith("zero-models: remote cache"));
}

export const all = (r: Result) => r.stdout + r.stderr;

export interface GenerateJson {
  ok: boolean;
  regenerated: Array<{ table: string; model: string }> | string[];
  restored?: Array<{ table: string; model: string; from: "local" | "remote" }>;
  cached: unknown[];
  failed: unknown[];
}

/** Table names listed in `regenerated` (entries may be names or objects). */
export function regeneratedTables(report: GenerateJson): string[] {
  return report.regenerated.map((r) => (typeof r === "string" ? r : r.table)).sort();
}

export interface TimedResult extends Result {
  ms: number;
}

/**
 * Runs the built CLI in the repo with the hooks' environment plus `env`,
 * killed after `timeoutMs` (a run that hangs on a dead server fails its test
 * instead of the whole file), and says how long it took.
 */
export function zcTimed(repo: Repo, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 50_000): TimedResult {
  const start = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.dir, env: { ...process.env, ...HOOK_ENV, ...env }, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
  return { code: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}`, ms: Date.now() - start };
}

/**
 * A preload that writes the process's peak resident memory (KiB, from
 * getrusage) to the file named by ZERO_MODELS_TEST_PEAK_RSS when it exits.
 * Given with --require to the CLI only: the generator and git, its children,
 * do not load it.
 */
const PEAK_RSS_PRELOAD = `process.on("exit", () => require("node:fs").writeFileSync(process.env.ZERO_MODELS_TEST_PEAK_RSS, String(process.resourceUsage().maxRSS)));\n`;

/** zcTimed, and the CLI process's peak resident memory in MiB. */
export function zcPeakMemory(repo: Repo, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 50_000): TimedResult & { peakMiB: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "zero-models-rss-"));
  try {
    const preload = path.join(dir, "peak-rss.cjs");
    const out = path.join(dir, "peak");
    writeFileSync(preload, PEAK_RSS_PRELOAD);
    const start = Date.now();
    const r = spawnSync(process.execPath, ["--require", preload, CLI, ...args], {
      cwd: repo.dir,
      env: { ...process.env, ...HOOK_ENV, ...env, ZERO_MODELS_TEST_PEAK_RSS: out },
      encoding: "utf8",
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    const ms = Date.now() - start;
    const peakMiB = existsSync(out) ? Number(readFileSync(out, "utf8")) / 1024 : Number.NaN;
    return { code: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}`, ms, peakMiB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs git (hooks fire) in the repo with the hooks' environment plus `env`, killed after `timeoutMs`. */
export function gitTimed(repo: Repo, env: NodeJS.ProcessEnv, args: string[], timeoutMs = 50_000): TimedResult {
  const start = Date.now();
  const r = spawnSync("git", args, { cwd: repo.dir, env: { ...process.env, ...HOOK_ENV, ...env }, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
  return { code: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}`, ms: Date.now() - start };
}

/** Parses a command's --json stdout, failing with its whole output when it is not JSON. */
export function json<T>(r: Result): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
