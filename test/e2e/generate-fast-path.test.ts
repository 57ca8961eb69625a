import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleRepo, type Repo } from "../helpers/repo.js";

/**
 * `generate` with nothing stale answers from dist/cli.cjs alone, like
 * `check`: when the work tree's last fresh verdict still holds, a generate
 * made with it stored every table's files, and no earlier run left files
 * to put back. Anything else takes the full path, which does what it always
 * did (stores what the store lacks, puts work back, regenerates).
 */
const FAST = "nothing changed since the last fresh verdict of";

function generate(repo: Repo, args: string[] = []) {
  const r = repo.zc(["generate", "--debug", ...args]);
  return { code: r.code, fast: r.stderr.includes(FAST), stdout: r.stdout, stderr: r.stderr };
}

/** The example app generated and committed, then one generate with nothing stale: the one that stores and notes it. */
function settled(): Repo {
  const repo = exampleRepo();
  expect(repo.zc(["generate"]).code).toBe(0);
  repo.commitAll("generated");
  expect(generate(repo).fast).toBe(false);
  return repo;
}

const storeEntries = (repo: Repo) => (existsSync(path.join(repo.dir, "tmp/zero-models/store")) ? readdirSync(path.join(repo.dir, "tmp/zero-models/store"), { recursive: true }).length : 0);

describe("generate's fast path", () => {
  it("says the tables are fresh, as the full path does, and runs nothing", () => {
    const repo = settled();
    const fast = generate(repo);
    expect(fast).toMatchObject({ code: 0, fast: true });
    expect(fast.stdout).toMatch(/^zero-models: all 11 tables fresh; the generator did not run\.\n$/);
    expect(repo.zc(["generate", "--quiet"]).stdout).toBe("");
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("is not taken after a visible change, which is regenerated", () => {
    const repo = settled();
    repo.edit("db/schema.rb", (s) => s.replace('t.string "species", null: false', 't.string "species"'));
    const r = generate(repo);
    expect(r).toMatchObject({ code: 0, fast: false });
    expect(r.stdout).toContain("[REGEN] Cactus");
  });

  it("is not taken after check alone: the full path fills an empty store first", () => {
    const repo = exampleRepo();
    expect(repo.zc(["generate"]).code).toBe(0);
    repo.commitAll("generated");
    rmSync(path.join(repo.dir, "tmp/zero-models"), { recursive: true, force: true });
    expect(repo.zc(["check"]).code).toBe(0); // records a fresh verdict, stores nothing
    expect(storeEntries(repo)).toBe(0);
    expect(generate(repo).fast).toBe(false);
    expect(storeEntries(repo)).toBeGreaterThan(0);
    expect(generate(repo).fast).toBe(true);
  });

  it("is not taken while a run's files wait to be put back, nor for --all, --dry-run, --json or --stage", () => {
    const repo = settled();
    expect(generate(repo).fast).toBe(true);
    for (const args of [["--all"], ["--dry-run"], ["--json"], ["--stage"]]) expect(generate(repo, args).fast, args.join(" ")).toBe(false);
    const guard = path.join(repo.dir, "tmp/zero-models/subset-guard");
    mkdirSync(guard, { recursive: true });
    expect(generate(repo).fast).toBe(false);
    rmSync(guard, { recursive: true, force: true });
    const setAside = path.join(repo.dir, ".git/zero-models/set-aside");
    mkdirSync(setAside, { recursive: true });
    writeFileSync(path.join(setAside, "unrelated"), "");
    expect(generate(repo).fast).toBe(false);
    rmSync(setAside, { recursive: true, force: true });
    expect(generate(repo).fast).toBe(true);
  });

  it("is not taken when the shared store went off during the run that would note it", () => {
    const repo = exampleRepo({ config: (c) => ({ ...c, remote: { url: "http://127.0.0.1:9", team: "t", timeoutMs: 500 } }) });
    expect(repo.zc(["generate"]).code).toBe(0);
    repo.commitAll("generated");
    // Nothing listens on port 9: uploads fail, so nothing is noted and every generate takes the full path, retrying.
    expect(generate(repo).fast).toBe(false);
    expect(generate(repo).fast).toBe(false);
  });
});
