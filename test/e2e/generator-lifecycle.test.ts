import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HANG_GENERATOR, hangingGenerator, isRunning, sleep, until, type Hang } from "../helpers/hang.js";
import { fullRegeneration } from "../helpers/oracle.js";
import { CLI, exampleRepo, type Repo } from "../helpers/repo.js";
import { addColumn, git, HOOK_ENV, team } from "../helpers/team.js";

/**
 * The generator's lifecycle (issue 16): a generator that hangs is stopped
 * after `generator.timeout`, and SIGINT or SIGTERM to zero-models stops it
 * too; either way with every process it started, without recording its
 * tables, and with the run lock released, so the next run repairs whatever it
 * half wrote. The generator is test/fixtures/generators/hang.cjs in front of
 * the example's: it hangs, and starts a child that writes a file some
 * seconds later, when ZERO_MODELS_TEST_HANG is set.
 */

const PERSON = "frontend/src/lib/models/person.ts";
const LOCK = "zero-models.lock";

/** The example's config with every generator form (and beforeGenerate steps) run through hang.cjs. */
function throughHang(generator: { timeout?: number | null } = {}, beforeGenerate?: Array<{ run: string[]; when: string }>) {
  return (c: Record<string, unknown>) => {
    const forms = Object.entries(c.generator as Record<string, string[]>).map(([kind, argv]) => [kind, ["node", HANG_GENERATOR, ...argv]]);
    return { ...c, generator: { ...Object.fromEntries(forms), ...generator }, ...(beforeGenerate ? { beforeGenerate } : {}) };
  };
}

/**
 * The example app generated (through hang.cjs, not hanging) and committed,
 * then given `timeout` (a full run on a busy machine can take longer than the
 * short timeouts tested) and people's schema changed: 5 tables stale.
 */
function staleRepo(config: ReturnType<typeof throughHang>, timeout?: number): Repo {
  const repo = exampleRepo({ config });
  const g = repo.zc(["generate", "-q"]);
  expect(g.code, g.stderr).toBe(0);
  repo.commitAll("generated");
  if (timeout !== undefined) {
    setTimeoutOf(repo, timeout);
    expect(repo.zc(["check"]).code, "the timeout is not part of any fingerprint").toBe(0);
  }
  addColumn(repo, "people", 't.string "nickname"');
  return repo;
}

function setTimeoutOf(repo: Repo, timeout: number): void {
  repo.edit(".zeromodelsrc.json", (text) => {
    const config = JSON.parse(text);
    return JSON.stringify({ ...config, generator: { ...config.generator, timeout } }, null, 2);
  });
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

/** Starts a command; `finished` resolves when it ends, or with code "deadline" when it has not ended by then (it is then killed). */
function start(cwd: string, argv: string[], env: NodeJS.ProcessEnv, deadlineMs: number) {
  const began = Date.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...process.env, ...HOOK_ENV, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const finished = new Promise<Finished | "deadline">((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve("deadline");
    }, deadlineMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, ms: Date.now() - began });
    });
  });
  return { pid: child.pid!, finished };
}

/** A process's parent, from /proc (Linux, where these tests run). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** Everything the hanging generator started is gone, and stays gone: its child's late write never happens. */
async function expectStopped(hang: Hang): Promise<void> {
  expect(hang.pids()).toHaveLength(2);
  for (const pid of hang.pids()) expect(isRunning(pid), `pid ${pid} of the generator still runs`).toBe(false);
  await sleep(Math.max(0, hang.lateWriteDue() + 500 - Date.now()));
  expect(hang.wroteLate(), "the generator's child wrote after zero-models had finished").toBe(false);
}

/** No run lock left behind, and the next plain `generate` brings every file to what a full regeneration writes. */
function expectRepaired(repo: Repo, full: Map<string, string>): void {
  expect(repo.exists("tmp/zero-models/run.lock"), "run lock released").toBe(false);
  expect(repo.exists("tmp/zero-models/run.owner.json"), "run owner removed").toBe(false);
  const g = repo.zc(["generate", "-q"]);
  expect(g.code, g.stderr).toBe(0);
  expect(repo.zc(["check"]).code).toBe(0);
  expect(repo.tree("frontend")).toEqual(full);
}

describe("a generator that hangs", () => {
  it("is stopped after generator.timeout with every process it started, even one ignoring SIGTERM: exit 1 naming the key, the lock unchanged, and the next run repairs", async () => {
    const repo = staleRepo(throughHang(), 3);
    const full = fullRegeneration(repo);
    const lock = repo.read(LOCK);
    const hang = hangingGenerator({ lateMs: 11_000, stubborn: true, halfWritten: PERSON });
    const run = await start(repo.dir, [process.execPath, CLI, "generate"], hang.env, 45_000).finished;
    expect(run, "generate never returned").not.toBe("deadline");
    const r = run as Finished;
    expect(r.code, r.output).toBe(1);
    // 3 s, then 5 s for the child that ignores SIGTERM, plus starting up on a shared machine.
    expect(r.ms).toBeGreaterThan(3000);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.output).toContain("did not finish within 3s (`generator.timeout`), so it was stopped, with every process it started.");
    expect(r.output).toContain("raise `generator.timeout` in the config (null: no limit)");
    // One line for the tables of the stopped run (people among them).
    expect(r.output).toContain("[FAILED] 5 tables (admin_audit_logs, job_assignments, jobs and 2 more)");
    expect(repo.read(LOCK)).toBe(lock);
    expect(repo.read(PERSON)).toContain("half written");
    await expectStopped(hang);
    expect(repo.zc(["check"]).code).toBe(1);
    setTimeoutOf(repo, 600); // the generator, now working, may need more than 3 s on a busy machine
    expectRepaired(repo, full);
  }, 60_000);

  it("as a beforeGenerate step is stopped the same way, and the generator never runs", async () => {
    const repo = staleRepo(throughHang({}, [{ run: ["node", HANG_GENERATOR, "node", "-e", "0"], when: "db/schema.rb" }]), 3);
    const full = fullRegeneration(repo);
    const lock = repo.read(LOCK);
    const hang = hangingGenerator({ lateMs: 6000 });
    const run = await start(repo.dir, [process.execPath, CLI, "generate"], hang.env, 45_000).finished;
    expect(run, "generate never returned").not.toBe("deadline");
    const r = run as Finished;
    expect(r.code, r.output).toBe(1);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.output).toContain(`node ${HANG_GENERATOR} node -e 0 did not finish within 3s (\`generator.timeout\`)`);
    expect(r.output).not.toContain("zero:active_models");
    expect(repo.read(LOCK)).toBe(lock);
    await expectStopped(hang);
    setTimeoutOf(repo, 600);
    expectRepaired(repo, full);
  }, 60_000);
});

describe("zero-models interrupted while the generator runs", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("%s: exits %i, the generator and its child are gone, the lock is byte for byte as before, and the next run repairs", async (signal, code) => {
    // The default timeout: nothing but the signal stops this generator.
    const repo = staleRepo(throughHang());
    const full = fullRegeneration(repo);
    const lock = repo.read(LOCK);
    const hang = hangingGenerator({ lateMs: 4000, halfWritten: PERSON });
    const cli = start(repo.dir, [process.execPath, CLI, "generate"], hang.env, 45_000);
    expect(await until(hang.started, 30_000), "the generator never started").toBe(true);
    process.kill(cli.pid, signal);
    const run = await cli.finished;
    expect(run, "generate never returned").not.toBe("deadline");
    const r = run as Finished;
    expect({ code: r.code, signal: r.signal }, r.output).toEqual({ code, signal: null });
    expect(r.output).toContain(`zero-models: interrupted by ${signal}`);
    expect(repo.read(LOCK)).toBe(lock);
    expect(repo.read(PERSON)).toContain("half written");
    await expectStopped(hang);
    expectRepaired(repo, full);
  }, 60_000);
});

describe("a hook whose generator hangs", () => {
  // The 4 s timeout arrives with the change, as a teammate's commit would bring it: set up with
  // it, the team's first full run could run out of time on a busy machine.
  const hangingTeam = () => team({ config: throughHang() });

  it("post-merge: git pull finishes, exit 0, reporting the timeout; the pulled lock is left as it came", async () => {
    const { alice, bob } = hangingTeam();
    addColumn(alice, "cacti", 't.datetime "due_at"');
    setTimeoutOf(alice, 4);
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "add due_at");
    git(alice.dir, "push", "-q");
    const hang = hangingGenerator({ lateMs: 7000 });
    const pull = await start(bob.dir, ["git", "pull", "--no-rebase"], hang.env, 45_000).finished;
    expect(pull, "git pull never returned").not.toBe("deadline");
    const r = pull as Finished;
    expect(r.code, r.output).toBe(0);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.output).toContain("did not finish within 4s (`generator.timeout`)");
    expect(r.output).toContain("zero-models (post-merge): the generator failed; the git command itself completed");
    expect(git(bob.dir, "log", "-1", "--format=%s")).toBe("add due_at\n");
    expect(git(bob.dir, "status", "--porcelain", "--", LOCK)).toBe("");
    await expectStopped(hang);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(1);
    expect(bob.zc(["generate", "-q"], { env: HOOK_ENV }).code).toBe(0);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  }, 60_000);

  it("post-merge, when zero-models is sent SIGTERM: the generator stops, git pull exits 0 with a warning", async () => {
    const { alice, bob } = hangingTeam();
    addColumn(alice, "cacti", 't.datetime "due_at"');
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "add due_at");
    git(alice.dir, "push", "-q");
    const hang = hangingGenerator({ lateMs: 4000 });
    const pull = start(bob.dir, ["git", "pull", "--no-rebase"], hang.env, 45_000);
    expect(await until(hang.started, 30_000), "the generator never started").toBe(true);
    // zero-models is the generator's parent: the hook process git started.
    process.kill(parentOf(hang.pids()[0]!), "SIGTERM");
    const done = await pull.finished;
    expect(done, "git pull never returned").not.toBe("deadline");
    const r = done as Finished;
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("zero-models (post-merge): interrupted by SIGTERM. A running generator was stopped");
    expect(git(bob.dir, "status", "--porcelain", "--", LOCK)).toBe("");
    expect(existsSync(path.join(bob.dir, "tmp/zero-models/run.lock")), "run lock released").toBe(false);
    await expectStopped(hang);
    expect(bob.zc(["generate", "-q"], { env: HOOK_ENV }).code).toBe(0);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  }, 60_000);

  it("post-checkout, whose exit status git checkout returns: the checkout still exits 0", async () => {
    const { bob } = hangingTeam();
    git(bob.dir, "checkout", "-q", "-b", "feature");
    addColumn(bob, "cacti", 't.datetime "due_at"');
    setTimeoutOf(bob, 4);
    git(bob.dir, "commit", "-q", "--no-verify", "-am", "add due_at, generated files not committed");
    git(bob.dir, "checkout", "-q", "main");
    const hang = hangingGenerator({ lateMs: 7000 });
    const checkout = await start(bob.dir, ["git", "checkout", "feature"], hang.env, 45_000).finished;
    expect(checkout, "git checkout never returned").not.toBe("deadline");
    const r = checkout as Finished;
    expect(r.code, r.output).toBe(0);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.output).toContain("did not finish within 4s (`generator.timeout`)");
    expect(r.output).toContain("zero-models (post-checkout): the generator failed; the git command itself completed");
    expect(git(bob.dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("feature\n");
    await expectStopped(hang);
    expect(bob.zc(["generate", "-q"], { env: HOOK_ENV }).code).toBe(0);
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  }, 60_000);
});
