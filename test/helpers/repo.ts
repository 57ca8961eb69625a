import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync, existsSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

export const PROJECT = path.resolve(fileURLToPath(import.meta.url), "../../..");
export const CLI = path.join(PROJECT, "dist/cli.cjs");
export const EXAMPLE = path.join(PROJECT, "examples/rails-app");

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Repo {
  dir: string;
  /** Runs the built zero-models binary in the repo. */
  zc(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Result;
  git(...args: string[]): string;
  read(file: string): string;
  write(file: string, content: string | Buffer): void;
  edit(file: string, change: (text: string) => string): void;
  exists(file: string): boolean;
  remove(file: string): void;
  /** Every file under `under` (not .git or node_modules; tmp/ only with `withCache`) with its content, for "nothing was written" checks. */
  tree(under?: string, withCache?: boolean): Map<string, string>;
  commitAll(message: string): void;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

/**
 * A real git repository made from examples/rails-app in a temp folder, with
 * node_modules linked in (as a Rails app with a frontend has its own), one
 * commit on main, removed when the test ends.
 */
export function exampleRepo(options: ExampleOptions & { dir?: string } = {}): Repo {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), "zero-models-test-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return exampleRepoAt(dir, options);
}

export interface ExampleOptions {
  commit?: boolean;
  subdir?: string;
  config?: (config: Record<string, unknown>) => Record<string, unknown>;
}

/** exampleRepo in `dir`, left for the caller to remove (a set-up built once per run). */
export function exampleRepoAt(dir: string, options: ExampleOptions = {}): Repo {
  mkdirSync(dir, { recursive: true });
  const app = path.join(dir, options.subdir ?? "");
  copyExample(app);
  symlinkSync(path.join(PROJECT, "node_modules"), path.join(app, "node_modules"));
  const repo = makeRepo(dir);
  if (options.config) {
    const file = path.join(app, ".zeromodelsrc.json");
    writeFileSync(file, JSON.stringify(options.config(JSON.parse(readFileSync(file, "utf8"))), null, 2));
  }
  repo.git("init", "-q", "-b", "main");
  if (options.commit !== false) repo.commitAll("example app");
  return repo;
}

/** examples/rails-app's inputs, copied to `dest`: no generated frontend, no cache folder, no node_modules. */
export function copyExample(dest: string): void {
  const skip = (src: string) => src.includes(`${path.sep}frontend`) || src.endsWith(`${path.sep}tmp`) || src.endsWith(`${path.sep}node_modules`);
  cpSync(EXAMPLE, dest, { recursive: true, filter: (src) => !skip(src) });
}

export function makeRepo(dir: string): Repo {
  const env = { ...process.env, ...GIT_ENV };
  const repo: Repo = {
    dir,
    zc(args, opts = {}) {
      const r = spawnSync(process.execPath, [CLI, ...args], {
        cwd: opts.cwd ?? dir,
        env: { ...env, NO_COLOR: "1", ...opts.env },
        encoding: "utf8",
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    git: (...args) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" }),
    read: (file) => readFileSync(path.join(dir, file), "utf8"),
    write(file, content) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    },
    edit(file, change) {
      const before = repo.read(file);
      const after = change(before);
      if (after === before) throw new Error(`edit of ${file} changed nothing`);
      repo.write(file, after);
    },
    exists: (file) => existsSync(path.join(dir, file)),
    remove: (file) => rmSync(path.join(dir, file), { force: true, recursive: true }),
    tree(under = "", withCache = false) {
      const out = new Map<string, string>();
      const walk = (rel: string) => {
        const abs = path.join(dir, rel);
        if (!existsSync(abs)) return;
        for (const name of readdirSync(abs)) {
          if (!rel && (name === ".git" || name === "node_modules" || (name === "tmp" && !withCache))) continue;
          const child = rel ? `${rel}/${name}` : name;
          if (statSync(path.join(dir, child)).isDirectory()) walk(child);
          else out.set(child, readFileSync(path.join(dir, child), "utf8"));
        }
      };
      walk(under);
      return out;
    },
    commitAll(message) {
      repo.git("add", "-A");
      repo.git("commit", "-q", "--allow-empty", "-m", message);
    },
  };
  return repo;
}
