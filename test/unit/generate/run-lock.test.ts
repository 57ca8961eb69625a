import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { InterruptedError, ZeroModelsError } from "../../../src/common/errors.js";
import { withRunLock, type Owner } from "../../../src/generate/run-lock.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cacheDir(): { cache: string; lockDir: string; ownerFile: string } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-run-lock-")));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const cache = path.join(dir, "tmp", "zero-models");
  return { cache, lockDir: path.join(cache, "run.lock"), ownerFile: path.join(cache, "run.owner.json") };
}

/** The lock as another zero-models process leaves it: proper-lockfile's mkdir lock plus the owner file. */
function holdByHand(cache: string, owner: Partial<Owner> & { pid: number }, mtimeAgoMs = 0): void {
  mkdirSync(path.join(cache, "run.lock"), { recursive: true });
  const full: Owner = { host: hostname(), command: "zero-models hook post-merge", started: "2025-01-02T03:04:05.000Z", ...owner };
  writeFileSync(path.join(cache, "run.owner.json"), JSON.stringify(full));
  const mtime = new Date(Date.now() - mtimeAgoMs);
  utimesSync(path.join(cache, "run.lock"), mtime, mtime);
}

/** A process that is alive until the test ends. */
function liveProcess(): number {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  onTestFinished(() => {
    child.kill();
  });
  expect(child.pid).toBeTypeOf("number");
  return child.pid!;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ["-e", ""]);
  expect(result.status).toBe(0);
  return result.pid;
}

describe("withRunLock", () => {
  it("runs fn holding the lock, with an owner file naming this process, and returns its value", async () => {
    const { cache, lockDir, ownerFile } = cacheDir();
    const value = await withRunLock(cache, "zero-models generate", 1000, async () => {
      expect(existsSync(lockDir)).toBe(true);
      const owner = JSON.parse(readFileSync(ownerFile, "utf8")) as Owner;
      expect(owner).toMatchObject({ pid: process.pid, host: hostname(), command: "zero-models generate" });
      expect(Number.isNaN(Date.parse(owner.started))).toBe(false);
      return 42;
    });
    expect(value).toBe(42);
    expect(existsSync(lockDir)).toBe(false);
    expect(existsSync(ownerFile)).toBe(false);
  });

  it("never lets two holders in this process overlap: the later ones wait", async () => {
    const { cache } = cacheDir();
    const events: string[] = [];
    const run = (id: string) =>
      withRunLock(cache, `zero-models ${id}`, 10_000, async () => {
        events.push(`enter ${id}`);
        await sleep(100);
        events.push(`exit ${id}`);
        return id;
      });
    expect(await Promise.all([run("a"), run("b"), run("c")])).toEqual(["a", "b", "c"]);
    expect(events).toHaveLength(6);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]).toMatch(/^enter /);
      expect(events[i + 1]).toBe(events[i]!.replace("enter", "exit"));
    }
    expect(new Set(events.filter((e) => e.startsWith("enter"))).size).toBe(3);
  });

  it("refuses after the timeout while another live process holds the lock, naming it", async () => {
    const { cache, lockDir, ownerFile } = cacheDir();
    const pid = liveProcess();
    holdByHand(cache, { pid });
    const ownerText = readFileSync(ownerFile, "utf8");
    let ran = false;
    const started = Date.now();
    const error = await withRunLock(cache, "zero-models generate", 600, async () => {
      ran = true;
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(ZeroModelsError);
    expect((error as ZeroModelsError).exitCode).toBe(1);
    const message = (error as Error).message;
    expect(message).toContain(`pid ${pid}`);
    expect(message).toContain("zero-models hook post-merge");
    expect(message).toContain(lockDir);
    // The other process's lock is left alone.
    expect(existsSync(lockDir)).toBe(true);
    expect(readFileSync(ownerFile, "utf8")).toBe(ownerText);
  });

  it("refuses, without naming anyone, a fresh lock with no owner file", async () => {
    const { cache, lockDir } = cacheDir();
    mkdirSync(lockDir, { recursive: true });
    const error = await withRunLock(cache, "zero-models check", 300, async () => "ran").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZeroModelsError);
    expect((error as Error).message).toContain(`another zero-models run holds ${lockDir}; waited 0.3s`);
    expect(existsSync(lockDir)).toBe(true);
  });

  it("takes over at once the lock of a dead process on this host", async () => {
    const { cache, ownerFile } = cacheDir();
    const pid = deadPid();
    holdByHand(cache, { pid });
    const started = Date.now();
    const value = await withRunLock(cache, "zero-models generate", 5000, async () => {
      expect((JSON.parse(readFileSync(ownerFile, "utf8")) as Owner).pid).toBe(process.pid);
      return "ran";
    });
    expect(value).toBe("ran");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("lets exactly one of several runs that find the same dead owner take over; the others wait their turn", async () => {
    // The rounds run at once, each in its own cacheDir: a round is mostly the
    // waiters' 200 ms polls, and 20 of them in a row took 20 s.
    const round = async () => {
      const { cache } = cacheDir();
      holdByHand(cache, { pid: deadPid() });
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 5 }, () =>
          withRunLock(cache, "zero-models generate", 10_000, async () => {
            most = Math.max(most, ++inside);
            await sleep(5);
            inside--;
          }),
        ),
      );
      return most;
    };
    const mosts = await Promise.all(Array.from({ length: 20 }, round));
    for (const most of mosts) expect(most).toBe(1);
    // About 8 s on a loaded 2-core machine: the limit is for a hang, not a speed test.
  }, 60_000);

  it("does not judge the owner on another host: it waits, as the pid means nothing here", async () => {
    const { cache, lockDir } = cacheDir();
    holdByHand(cache, { pid: deadPid(), host: `not-${hostname()}` });
    const error = await withRunLock(cache, "zero-models generate", 300, async () => "ran").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZeroModelsError);
    expect((error as Error).message).toContain(`on not-${hostname()}`);
    expect(existsSync(lockDir)).toBe(true);
  });

  it("takes over a stale lock (not refreshed for longer than 10 s) with no owner file", async () => {
    const { cache, lockDir } = cacheDir();
    mkdirSync(lockDir, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockDir, old, old);
    expect(await withRunLock(cache, "zero-models generate", 600, async () => "ran")).toBe("ran");
  });

  it("takes over a stale lock whose owner is alive but on another host", async () => {
    const { cache } = cacheDir();
    holdByHand(cache, { pid: process.pid, host: `not-${hostname()}` }, 60_000);
    expect(await withRunLock(cache, "zero-models generate", 600, async () => "ran")).toBe("ran");
  });

  it("releases the lock and removes the owner file when fn throws", async () => {
    const { cache, lockDir, ownerFile } = cacheDir();
    const boom = new Error("generator failed");
    await expect(
      withRunLock(cache, "zero-models generate", 1000, async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(existsSync(lockDir)).toBe(false);
    expect(existsSync(ownerFile)).toBe(false);
    // A timeout of 0 means one attempt: it succeeds only if the lock is free.
    expect(await withRunLock(cache, "zero-models check", 0, async () => "again")).toBe("again");
  });

  it("stops waiting when the run is interrupted (SIGINT/SIGTERM), leaving the other process's lock alone", async () => {
    const { cache, lockDir, ownerFile } = cacheDir();
    holdByHand(cache, { pid: liveProcess() });
    const ownerText = readFileSync(ownerFile, "utf8");
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort("SIGINT"), 300);
    const started = Date.now();
    const error = await withRunLock(cache, "zero-models generate", 60_000, async () => "ran", interrupt.signal).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect(readFileSync(ownerFile, "utf8")).toBe(ownerText);
    expect(existsSync(lockDir)).toBe(true);
  });
});
