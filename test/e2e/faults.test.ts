import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { fullRegeneration } from "../helpers/oracle.js";
import { CLI, copyExample, makeRepo, PROJECT, type Repo } from "../helpers/repo.js";
import { lockOf, lockText } from "../helpers/lock-file.js";

/**
 * Fault injection (issue 6, part 2). After each fault: `check` reports no
 * table fresh whose generated files differ from a full regeneration, the lock
 * parses, and the next `generate` repairs everything (check exits 0, files
 * equal a full regeneration).
 *
 * Covered elsewhere, not repeated: a generator that exits non-zero with nothing
 * written and one that cannot start (inputs.test.ts "generator failure"); a
 * lock truncated to 200 bytes or from version 99 (inputs.test.ts "lock file
 * trust"); two hooks racing (hooks.test.ts "post-* modes and races").
 */

/**
 * Runs the real generator unless FAULT says otherwise:
 *   kill-after:K   write the first K of its files, then SIGKILL itself
 *   half-exit:K:C  write the first K of its files, then exit C
 *   all-exit:C     run the real generator, then exit C
 *   marker:FILE    run the real generator, then create FILE (a deterministic
 *                  "the generator is done" signal for killing zero-models next)
 *   hang:FILE      run the real generator, write its pid to FILE, then never exit
 */
const FAULT_GENERATOR = `const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const [mode, a, b] = (process.env.FAULT || "").split(":");
const argv = process.argv.slice(2);
async function partial(count) {
  const gen = await import(path.resolve("lib/generators/zero/active_models/generator.mjs"));
  const outputs = await gen.renderOutputs(gen.APP_ROOT, gen.parseArgs(argv.slice(1)));
  gen.writeOutputs(gen.APP_ROOT, outputs.slice(0, count), () => {});
}
(async () => {
  if (mode === "kill-after") {
    await partial(Number(a));
    process.kill(process.pid, "SIGKILL");
  } else if (mode === "half-exit") {
    await partial(Number(a));
    process.exit(Number(b));
  } else {
    const r = spawnSync(argv[0], argv.slice(1), { stdio: "inherit" });
    if (mode === "marker" || mode === "hang") fs.writeFileSync(a, String(process.pid));
    if (mode === "hang") return setInterval(() => {}, 1000);
    process.exit(mode === "all-exit" ? Number(a) : r.status === null ? 1 : r.status);
  }
})();
`;

/** A small seeded PRNG (mulberry32), so a failing kill point can be replayed: the seed is in the test name. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.ZERO_MODELS_FAULT_SEED ?? 20261129);

let template: string | null = null;
afterAll(() => {
  if (template) rmSync(template, { recursive: true, force: true });
});

/** The example app with the fault generator configured, generated and committed; built once, copied per test. */
function generated(dir?: string): Repo {
  if (!template) {
    template = mkdtempSync(path.join(tmpdir(), "zero-models-faults-"));
    copyExample(template);
    symlinkSync(path.join(PROJECT, "node_modules"), path.join(template, "node_modules"));
    const rc = path.join(template, ".zeromodelsrc.json");
    const config = JSON.parse(readFileSync(rc, "utf8"));
    for (const kind of Object.keys(config.generator)) config.generator[kind] = ["node", "fault-gen.cjs", ...config.generator[kind]];
    writeFileSync(rc, JSON.stringify(config, null, 2));
    writeFileSync(path.join(template, "fault-gen.cjs"), FAULT_GENERATOR);
    const t = makeRepo(template);
    t.git("init", "-q", "-b", "main");
    expect(t.zc(["generate", "-q"]).code).toBe(0);
    t.commitAll("generated");
  }
  const target = dir ?? mkdtempSync(path.join(tmpdir(), "zero-models-test-"));
  if (!dir) onTestFinished(() => rmSync(target, { recursive: true, force: true }));
  cpSync(template, target, { recursive: true, verbatimSymlinks: true });
  return makeRepo(target);
}

/** A schema change that makes people and its four neighbours stale: one --exclude-tables run of 5 tables (17 files). */
function changePeople(repo: Repo, column = "nickname") {
  repo.edit("db/schema.rb", (s) => s.replace('create_table "people", force: :cascade do |t|\n', `create_table "people", force: :cascade do |t|\n    t.string "${column}"\n`));
}

/**
 * The promises after a fault: the lock parses; check answers 0 or 1 (never a
 * crash); every table it calls fresh has exactly the files a full
 * regeneration writes; shared files too when it does not call them stale.
 */
function expectNoFalseFresh(repo: Repo, full: Map<string, string>, what: string, lockCorruptedOnPurpose = false): number | null {
  if (repo.exists("zero-models.lock") && !lockCorruptedOnPurpose) expect(() => JSON.parse(repo.read("zero-models.lock")), `${what}: lock parses`).not.toThrow();
  const r = repo.zc(["check", "--json"]);
  expect([0, 1], `${what}: check exit (${r.stderr})`).toContain(r.code);
  const report = JSON.parse(r.stdout);
  if (report.lock !== "ok") {
    expect(report.fresh, `${what}: an untrusted lock is never fresh`).toBe(false);
    return r.code;
  }
  const lock = lockOf(repo.read("zero-models.lock"));
  const stale = new Set(report.stale.map((t: { table: string }) => t.table));
  const current = repo.tree("frontend");
  for (const [table, entry] of Object.entries(lock.tables as Record<string, { outputs: Record<string, string | null> }>)) {
    if (stale.has(table)) continue;
    for (const file of Object.keys(entry.outputs)) expect(current.get(file), `${what}: ${table} reported fresh, ${file}`).toBe(full.get(file));
  }
  if (!report.shared.stale) for (const file of Object.keys(lock.shared)) expect(current.get(file), `${what}: shared ${file}`).toBe(full.get(file));
  if (r.code === 0) expect(current, `${what}: fresh means equal to a full regeneration`).toEqual(full);
  return r.code;
}

/** The next run repairs: generate exits 0, check exits 0, the files equal a full regeneration. */
function expectRepaired(repo: Repo, full: Map<string, string>): void {
  const g = repo.zc(["generate", "-q"]);
  expect(g.code, g.stderr).toBe(0);
  expect(repo.zc(["check"]).code).toBe(0);
  expect(repo.tree("frontend")).toEqual(full);
  expect(() => JSON.parse(repo.read("zero-models.lock"))).not.toThrow();
}

describe("the generator fails half-way", () => {
  it(`SIGKILLed after writing a random number of its files (seed ${SEED})`, () => {
    const repo = generated();
    changePeople(repo);
    const full = fullRegeneration(repo);
    const next = random(SEED);
    // 17 files: 5 tables x 3 plus 2 shared. 0 = killed before writing anything.
    for (const k of [0, ...Array.from({ length: 2 }, () => 1 + Math.floor(next() * 16))]) {
      const r = repo.zc(["generate"], { env: { FAULT: `kill-after:${k}` } });
      expect(r.code, `kill-after:${k}`).toBe(1);
      expect(r.stderr).toContain("was killed by SIGKILL");
      expect(r.stderr).toContain("The lock file was not updated for the tables of this run");
      expectNoFalseFresh(repo, full, `kill-after:${k}`);
    }
    expectRepaired(repo, full);
  });

  it("exits non-zero after writing half its files, or all of them", () => {
    const repo = generated();
    changePeople(repo);
    const full = fullRegeneration(repo);
    for (const fault of ["half-exit:8:1", "all-exit:3"]) {
      const r = repo.zc(["generate"], { env: { FAULT: fault } });
      expect(r.code, fault).toBe(1);
      expect(r.stderr).toMatch(/exited with code [13]/);
      expectNoFalseFresh(repo, full, fault);
    }
    expectRepaired(repo, full);
  });
});

/** Starts `zero-models generate` in its own process group, so the generator dies with it. */
function startGenerate(repo: Repo, env: NodeJS.ProcessEnv, args: string[] = []) {
  const child = spawn(process.execPath, [CLI, "generate", "-q", ...args], { cwd: repo.dir, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: "ignore", detached: true });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { kill: () => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ } }, exited };
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}

describe("zero-models itself is killed", () => {
  it(`SIGKILLed right after the generator finished (hashing, writing the lock), at random delays (seed ${SEED})`, async () => {
    const repo = generated();
    const next = random(SEED + 1);
    const marker = path.join(repo.dir, "..", `${path.basename(repo.dir)}-generator-done`);
    onTestFinished(() => rmSync(marker, { force: true }));
    changePeople(repo);
    const full = fullRegeneration(repo);
    for (let attempt = 0; attempt < 3; attempt++) {
      rmSync(marker, { force: true });
      // --all: the generator runs every time, even if an earlier attempt's lock write got through.
      const run = startGenerate(repo, { FAULT: `marker:${marker}` }, ["--all"]);
      // The marker is the deterministic trigger; the extra delay walks the kill across hashing and the lock write.
      const signalled = await until(() => existsSync(marker), 30_000);
      expect(signalled).toBe(true);
      const delay = Math.floor(next() * 40);
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      run.kill();
      await run.exited;
      expectNoFalseFresh(repo, full, `attempt ${attempt}, killed ${delay} ms after the generator`);
    }
    expectRepaired(repo, full);
    // write-file-atomic's temp file (zero-models.lock.<n>) is left behind only if the kill hit the rename window.
    const litter = readdirSync(repo.dir).filter((f) => /^zero-models\.lock\.\d+$/.test(f));
    if (litter.length) console.log(`temp lock files left by SIGKILL: ${litter.join(", ")}`);
  }, 120_000);

  it("a run killed while holding the run lock does not block the next one", async () => {
    const repo = generated();
    changePeople(repo);
    const full = fullRegeneration(repo);
    const marker = path.join(repo.dir, "..", `${path.basename(repo.dir)}-generator-done`);
    onTestFinished(() => rmSync(marker, { force: true }));
    const run = startGenerate(repo, { FAULT: `hang:${marker}` });
    // Never leave the hanging generator behind, even if an assertion fails first. It runs in a process
    // group of its own, which a SIGKILL of zero-models cannot pass anything on to: killed by its pid.
    let generator = 0;
    onTestFinished(() => {
      run.kill();
      try {
        if (generator > 0) process.kill(generator, "SIGKILL");
      } catch {
        // gone
      }
    });
    // Killed while the generator hangs, so for certain while it holds the run lock: lock and owner file are left behind.
    expect(await until(() => existsSync(marker) && readFileSync(marker, "utf8") !== "", 30_000)).toBe(true);
    generator = Number(readFileSync(marker, "utf8"));
    expect(repo.exists("tmp/zero-models/run.owner.json")).toBe(true);
    run.kill();
    await run.exited;
    expect(repo.exists("tmp/zero-models/run.lock")).toBe(true);
    expectNoFalseFresh(repo, full, "killed holding the run lock");
    // The dead owner's lock is taken over (at once when its pid is gone; a timing bound would be flaky on a shared machine).
    const start = Date.now();
    expectRepaired(repo, full);
    console.log(`repair after a killed lock holder: ${((Date.now() - start) / 1000).toFixed(1)}s`);
  }, 60_000);
});

describe("a corrupt lock", () => {
  it(`truncated at random points, emptied, garbage, tampered or a folder: never fresh, and generate rebuilds it (seed ${SEED})`, () => {
    const repo = generated();
    const good = repo.read("zero-models.lock");
    const full = repo.tree("frontend"); // the committed state is a full regeneration
    const next = random(SEED + 2);
    const cuts = Array.from({ length: 2 }, () => 1 + Math.floor(next() * (good.length - 2)));
    const tampered = lockOf(good);
    tampered.tables.people!.outputs["frontend/src/lib/models/person.ts"] = "0".repeat(64);
    const variants: Array<[string, string | Buffer]> = [
      ...cuts.map((n): [string, string] => [`truncated at ${n} of ${good.length}`, good.slice(0, n)]),
      ["empty", ""],
      ["binary garbage", Buffer.from(Array.from({ length: 512 }, () => Math.floor(next() * 256)))],
      ["tampered output hash", lockText(tampered)],
    ];
    for (const [what, content] of variants) {
      repo.write("zero-models.lock", content);
      expect(expectNoFalseFresh(repo, full, what, true), what).toBe(1);
    }
    expectRepaired(repo, full);

    // A folder where the lock should be: check says there is no lock; generate says what is in the way, exit 2, no stack trace.
    repo.remove("zero-models.lock");
    mkdirSync(path.join(repo.dir, "zero-models.lock"));
    expect(repo.zc(["check"]).code).toBe(1);
    const g = repo.zc(["generate", "-q"]);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain("cannot write");
    expect(g.stderr).toContain("zero-models.lock");
    expect(g.stderr).toContain("(a file or a folder) is in the way");
    expect(g.stderr).not.toContain("unexpected error");
    expect(readdirSync(repo.dir).filter((f) => f.startsWith("zero-models.lock."))).toEqual([]);
    repo.remove("zero-models.lock");
    expectRepaired(repo, full);
  });
});

describe("a corrupt cacheDir", () => {
  it("garbage or truncated cache files are ignored", () => {
    const repo = generated();
    const full = repo.tree("frontend");
    expect(repo.zc(["check"]).code).toBe(0); // fills parsed/, the analyses, lock-checked.txt and config.json
    const shards = readdirSync(`${repo.dir}/tmp/zero-models/parsed`);
    expect(shards.length).toBeGreaterThan(1);
    for (const shard of shards) {
      const parsed = repo.read(`tmp/zero-models/parsed/${shard}`);
      repo.write(`tmp/zero-models/parsed/${shard}`, parsed.slice(0, parsed.length / 2));
    }
    // Its own first line (version, key, setting), so only the content can tell it is garbage.
    const analysis = repo.read("tmp/zero-models/analysis-worktree.json");
    repo.write("tmp/zero-models/analysis-worktree.json", `${analysis.slice(0, analysis.indexOf("\n"))}\n{"tables": 7, "structure": null}`);
    repo.write("tmp/zero-models/lock-checked.txt", "nonsense");
    repo.write("tmp/zero-models/config.json", "{\"key\": 42, \"config\": ");
    repo.write("tmp/zero-models/timings.json", Buffer.from([0xff, 0x00, 0x12]));
    repo.write("tmp/zero-models/run.owner.json", "not json");
    expect(repo.zc(["check"]).code).toBe(0);
    changePeople(repo);
    const changed = fullRegeneration(repo);
    expectNoFalseFresh(repo, changed, "garbage cache");
    expectRepaired(repo, changed);
    expect(full.size).toBe(changed.size);
  });

  it("a file where cacheDir or the run lock folder should be: check still works, generate says what to delete, exit 2", () => {
    const repo = generated();
    changePeople(repo);
    const full = fullRegeneration(repo);
    const lockBefore = repo.read("zero-models.lock");

    repo.remove("tmp/zero-models");
    repo.write("tmp/zero-models", "a file, not a folder\n");
    expect(repo.zc(["check"]).code).toBe(1); // the parse cache is optional
    const g = repo.zc(["generate", "-q"]);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain("cacheDir");
    expect(g.stderr).toContain("tmp/zero-models cannot be used as a folder");
    expect(g.stderr).toContain("delete or move whatever is there");
    expect(repo.read("zero-models.lock")).toBe(lockBefore);
    expectNoFalseFresh(repo, full, "cacheDir is a file");
    repo.remove("tmp/zero-models");

    repo.write("tmp/zero-models/run.lock", "a file, not the lock folder\n");
    const l = repo.zc(["generate", "-q"]);
    expect(l.code).toBe(2);
    expect(l.stderr).toContain("tmp/zero-models/run.lock");
    expect(l.stderr).toContain("delete");
    expect(repo.read("zero-models.lock")).toBe(lockBefore);
    repo.remove("tmp/zero-models/run.lock");
    expectRepaired(repo, full);
  });
});

/** Whether `chattr +i` works here (root on a file system that supports it): the honest read-only folder even for root. */
function canMakeImmutable(): boolean {
  const probe = mkdtempSync(path.join(tmpdir(), "zero-models-chattr-"));
  try {
    if (spawnSync("chattr", ["+i", probe]).status !== 0) return false;
    spawnSync("chattr", ["-i", probe]);
    return true;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const isRoot = process.getuid?.() === 0;
const readOnly = !isRoot ? "chmod" : canMakeImmutable() ? "chattr" : null;

describe("a read-only cacheDir", () => {
  // chmod does not stop root; as root the folder is made immutable with chattr +i instead.
  it.skipIf(readOnly === null)(`check still answers, generate refuses with exit 2 and writes nothing (${readOnly ?? "skipped: root without chattr"})`, () => {
    const repo = generated();
    expect(repo.zc(["check"]).code).toBe(0);
    changePeople(repo);
    const full = fullRegeneration(repo);
    const cache = path.join(repo.dir, "tmp/zero-models");
    // All of it: a folder made read-only alone leaves its subfolders (parsed/, store/) writable.
    const lock = () => void (readOnly === "chattr" ? spawnSync("chattr", ["-R", "+i", cache]) : spawnSync("chmod", ["-R", "a-w", cache]));
    const unlock = () => void (readOnly === "chattr" ? spawnSync("chattr", ["-R", "-i", cache]) : spawnSync("chmod", ["-R", "u+w", cache]));
    lock();
    onTestFinished(unlock);
    const before = repo.tree("", true);
    expect(repo.zc(["check"]).code).toBe(1);
    const g = repo.zc(["generate", "-q"]);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain("cannot create the run lock");
    expect(g.stderr).toContain("Check that cacheDir is writable");
    expect(repo.tree("", true)).toEqual(before);
    expectNoFalseFresh(repo, full, "read-only cacheDir");
    unlock();
    expectRepaired(repo, full);
  });
});

/** An 8 MB tmpfs to hold the repo, unmounted when the test ends: a real ENOSPC. Needs root and permission to mount. */
function smallFileSystem(): string | null {
  if (!isRoot) return null;
  const dir = mkdtempSync(path.join(tmpdir(), "zero-models-full-disk-"));
  if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", dir]).status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return dir;
}

function unmount(dir: string): void {
  spawnSync("umount", [dir]);
  rmSync(dir, { recursive: true, force: true });
}

/** Probed at collection and unmounted at once: hooks of a suite whose tests are all filtered out never run. */
const canMount = (() => {
  const dir = smallFileSystem();
  if (dir) unmount(dir);
  return dir !== null;
})();

describe("no space left on the device", () => {
  /** Fills the file system up to the last block. */
  function fill(dir: string): string {
    const filler = path.join(dir, "filler");
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; ; i++) {
      try {
        writeFileSync(filler, chunk, { flag: "a" });
      } catch {
        for (let n = 0; n < 64; n++) {
          try {
            writeFileSync(path.join(dir, `filler-${n}`), "x".repeat(1024));
          } catch {
            return filler;
          }
        }
        return filler;
      }
    }
  }

  // The repo (outputs, lock, cacheDir) lives on an 8 MB tmpfs filled to the last block: the generator's
  // writes and zero-models' own (lock, caches) really get ENOSPC.
  it.skipIf(!canMount)("a full disk: the lock write or a restore from the store fails with exit 2, or the generator fails with exit 1; the old lock stays, nothing is called fresh, and freeing space repairs", () => {
    const mountPoint = smallFileSystem();
    expect(mountPoint).not.toBeNull();
    onTestFinished(() => unmount(mountPoint!));
    const repo = generated(path.join(mountPoint!, "repo"));
    const free = () => {
      for (const f of readdirSync(mountPoint!)) if (f.startsWith("filler")) rmSync(path.join(mountPoint!, f));
    };
    // 1. The generator rewrites its files in place (no new blocks needed), but the lock's temp file gets ENOSPC.
    //    A full run (--all): a subset run would first write the subset guard's record (1b).
    changePeople(repo);
    const full = fullRegeneration(repo);
    const lockBefore = repo.read("zero-models.lock");
    fill(mountPoint!);
    const treeBefore = repo.tree();
    const subset = repo.zc(["generate", "-q"]);
    expect(subset.code).toBe(2);
    expect(subset.stderr).toContain("subset-guard/record.json: ENOSPC");
    expect(repo.tree()).toEqual(treeBefore); // the record comes first: nothing was moved aside
    const l = repo.zc(["generate", "--all", "-q"]);
    expect(l.code).toBe(2);
    expect(l.stderr).toContain("cannot write");
    expect(l.stderr).toContain("zero-models.lock: ENOSPC");
    expect(l.stderr).toContain("The disk is full: free some space and run again");
    expect(l.stderr).not.toContain("unexpected error");
    expect(repo.read("zero-models.lock")).toBe(lockBefore);
    expect(readdirSync(repo.dir).filter((f) => f.startsWith("zero-models.lock."))).toEqual([]);
    expectNoFalseFresh(repo, full, "disk full, lock");
    expect(repo.zc(["check"]).code).toBe(1);
    free();
    expectRepaired(repo, full);

    // 2. The generator must create a file and cannot: it fails (exit 1), the lock is untouched.
    //    The store is emptied first, or it would restore the file instead (step 3).
    expect(repo.zc(["clean", "-q"]).code).toBe(0);
    repo.remove("frontend/src/lib/models/person.ts");
    const lockBefore2 = repo.read("zero-models.lock");
    fill(mountPoint!);
    const g = repo.zc(["generate", "--all"]);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain("ENOSPC");
    expect(repo.read("zero-models.lock")).toBe(lockBefore2);
    expectNoFalseFresh(repo, full, "disk full, generator");
    free();
    expectRepaired(repo, full);

    // 3. The store has the file (step 2's repair stored it) but cannot write it back: exit 2 naming it, the lock untouched.
    repo.remove("frontend/src/lib/models/person.ts");
    const lockBefore3 = repo.read("zero-models.lock");
    fill(mountPoint!);
    const s = repo.zc(["generate", "-q"]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("frontend/src/lib/models/person.ts: ENOSPC");
    expect(s.stderr).toContain("The disk is full: free some space and run again");
    expect(repo.read("zero-models.lock")).toBe(lockBefore3);
    expectNoFalseFresh(repo, full, "disk full, restore");
    free();
    expectRepaired(repo, full);
  });
});

describe("two runs racing", () => {
  it("two generate runs at once: both succeed, one waits for the other, the result equals a full regeneration", async () => {
    const repo = generated();
    changePeople(repo);
    const full = fullRegeneration(repo);
    const a = startGenerate(repo, {});
    const b = startGenerate(repo, {});
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    expect(repo.zc(["check"]).code).toBe(0);
    expect(repo.tree("frontend")).toEqual(full);
    expect(() => JSON.parse(repo.read("zero-models.lock"))).not.toThrow();
  }, 60_000);
});
