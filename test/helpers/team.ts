import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";
import { builtOnce } from "./once.js";
import { CLI, EXAMPLE, exampleRepoAt, makeRepo, PROJECT, type Repo, type Result } from "./repo.js";

/**
 * Repositories set up the way a team uses zero-models: a package.json with
 * husky and zero-models installed (node_modules links to this project's), the
 * hooks installed by `zero-models init` and husky, a bare "remote" and clones.
 * Folder names hold a space and non-ASCII letters on purpose.
 */

/** Environment for git commands that fire hooks: not CI (hooks act), no colour, fixed identity. */
export const HOOK_ENV: NodeJS.ProcessEnv = {
  CI: "false",
  NO_COLOR: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

/** Runs a command in `cwd` and returns its exit code and output, whatever the code. */
export function sh(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Result {
  const r = spawnSync(command, args, { cwd, env: { ...process.env, ...HOOK_ENV, ...env }, encoding: "utf8", input });
  return { code: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

/** Runs git, expecting success; returns its output (stdout + stderr: hooks write to both). */
export function git(cwd: string, ...args: string[]): string {
  const r = sh(cwd, "git", args);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** A scratch folder whose name has a space and non-ASCII letters, removed after the test. */
export function scratchDir(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "zero-models-hooks-")), TEAM_FOLDER);
  mkdirSync(dir, { recursive: true });
  onTestFinished(() => rmSync(path.dirname(dir), { recursive: true, force: true }));
  return dir;
}

/**
 * What `npm install` gives a team's app: package.json (in `pkgDir`) listing
 * husky and zero-models, and a node_modules whose packages link to this
 * project's, with zero-models itself in node_modules/.bin.
 */
export function addTooling(repo: Repo, pkgDir = ""): void {
  const pkg = path.join(repo.dir, pkgDir);
  if (!repo.exists(path.join(pkgDir, "package.json"))) {
    repo.write(path.join(pkgDir, "package.json"), `${JSON.stringify({ name: "rails-app", private: true, devDependencies: { husky: "^9.1.7", "zero-models": "file:zero-models" } }, null, 2)}\n`);
  }
  if (pkgDir) repo.write(".gitignore", `${repo.read(".gitignore")}/${pkgDir}/node_modules\n`);
  linkNodeModules(pkg);
}

export function linkNodeModules(pkg: string): void {
  const modules = path.join(pkg, "node_modules");
  try {
    if (lstatSync(modules).isSymbolicLink()) unlinkSync(modules);
  } catch {
    // none yet
  }
  mkdirSync(path.join(modules, ".bin"), { recursive: true });
  const source = path.join(PROJECT, "node_modules");
  for (const name of readdirSync(source)) {
    if (name === ".bin" || name.startsWith(".")) continue;
    symlinkSync(path.join(source, name), path.join(modules, name));
  }
  for (const name of readdirSync(path.join(source, ".bin"))) symlinkSync(path.join(source, ".bin", name), path.join(modules, ".bin", name));
  symlinkSync(PROJECT, path.join(modules, "zero-models"));
  symlinkSync(path.join(PROJECT, "dist/cli.cjs"), path.join(modules, ".bin", "zero-models"));
}

export interface Team {
  remote: string;
  /** The clone where zero-models was set up and first pushed from. */
  alice: Repo;
  /** A teammate's fresh clone, after `npm install` (husky's prepare). */
  bob: Repo;
}

/**
 * The example app with zero-models set up (generated, `init` run, all
 * committed) pushed to a bare remote, and a second clone made from it: a
 * private copy, removed after the test, of a team built once per run for
 * each config (test/helpers/once.ts).
 */
export function team(options: { config?: (c: Record<string, unknown>) => Record<string, unknown> } = {}): Team {
  const config = options.config?.(exampleConfig());
  const key = `team-${config ? sha256(JSON.stringify(config)) : "example"}`;
  const template = builtOnce(key, (dir) => buildTeam(path.join(dir, TEAM_FOLDER), options.config));
  return copyTeamTo(path.join(template, TEAM_FOLDER), scratchDir());
}

/** The name of a team's folder (alice, bob, remote.git in it); a space and non-ASCII letters on purpose. */
export const TEAM_FOLDER = "équipe rails";

const exampleConfig = () => JSON.parse(readFileSync(path.join(EXAMPLE, ".zeromodelsrc.json"), "utf8")) as Record<string, unknown>;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** What team() copies: built in `root`, which the caller removes. */
export function buildTeam(root: string, config?: (c: Record<string, unknown>) => Record<string, unknown>): Team {
  const alice = exampleRepoAt(path.join(root, "alice"), { commit: false, config });
  addTooling(alice);
  expect0(alice.zc(["generate", "--all", "-q"], { env: HOOK_ENV }), "generate --all");
  expect0(alice.zc(["init"], { env: HOOK_ENV }), "init");
  git(alice.dir, "add", "-A");
  git(alice.dir, "commit", "-q", "-m", "example app with zero-models");
  const remote = path.join(root, "remote.git");
  git(root, "init", "-q", "--bare", "-b", "main", remote);
  git(alice.dir, "remote", "add", "origin", remote);
  git(alice.dir, "push", "-q", "-u", "origin", "main");
  const bob = clone(remote, path.join(root, "bob"));
  return { remote, alice, bob };
}

/**
 * The team in `template` (a folder holding alice, bob and remote.git) copied
 * to `dest`, with every absolute path into the template moved to the copy:
 * both clones' origin, and the paths zero-models records in its cache folder
 * (the fresh verdict names the config file), so the copy behaves as a team
 * built in place. node_modules links point at this project, and husky's
 * core.hooksPath is relative: they need nothing.
 */
export function copyTeamTo(template: string, dest: string): Team {
  cpSync(template, dest, { recursive: true, verbatimSymlinks: true });
  const remote = path.join(dest, "remote.git");
  const alice = makeRepo(path.join(dest, "alice"));
  const bob = makeRepo(path.join(dest, "bob"));
  for (const r of [alice, bob]) {
    r.git("remote", "set-url", "origin", remote);
    moveRecordedPaths(path.join(r.dir, "tmp/zero-models"), template, dest);
  }
  return { remote, alice, bob };
}

function moveRecordedPaths(cacheDir: string, from: string, to: string): void {
  if (!existsSync(cacheDir)) return;
  for (const entry of readdirSync(cacheDir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(cacheDir, entry.name);
    const text = readFileSync(file, "utf8");
    if (text.includes(from)) writeFileSync(file, text.split(from).join(to));
  }
}

/** A copy of `template` (a team, e.g. from ignoredOutputsTeam) in a temp folder, with a function that removes it. */
export function copyTeam(template: Team): [Team, () => void] {
  const root = path.dirname(template.alice.dir);
  const top = mkdtempSync(path.join(tmpdir(), "zero-models-team-"));
  return [copyTeamTo(root, path.join(top, path.basename(root))), () => rmSync(top, { recursive: true, force: true })];
}

/** `git clone` then `npm install` as a teammate would: tooling linked and husky's prepare run. */
export function clone(remote: string, dir: string): Repo {
  git(path.dirname(dir), "clone", "-q", remote, dir);
  const repo = makeRepo(dir);
  git(dir, "config", "pull.rebase", "false");
  linkNodeModules(dir);
  expect0(sh(dir, "npm", ["run", "prepare", "--silent"]), "npm run prepare");
  return repo;
}

export function expect0(r: Result, what: string): Result {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return r;
}

/** Adds a column to one table of db/schema.rb. */
export function addColumn(repo: Repo, table: string, line: string): void {
  repo.edit("db/schema.rb", (s) => s.replace(`create_table "${table}", force: :cascade do |t|\n`, `create_table "${table}", force: :cascade do |t|\n    ${line}\n`));
}

/** The tables `check` calls stale, from its JSON report. */
export function staleTables(repo: Repo, args: string[] = []): string[] {
  return staleReport(repo, args).map((t) => t.table).sort();
}

/** The models of the tables `check` calls stale. */
export function staleModels(repo: Repo, args: string[] = []): string[] {
  return staleReport(repo, args).map((t) => t.model).sort();
}

function staleReport(repo: Repo, args: string[]): Array<{ table: string; model: string }> {
  const r = repo.zc(["check", "--json", ...args], { env: HOOK_ENV });
  return (JSON.parse(r.stdout) as { stale: Array<{ table: string; model: string }> }).stale;
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Runs the built CLI without blocking, so two runs can overlap. */
export function zcAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
