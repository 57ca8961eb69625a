import { describe, expect, it } from "vitest";
import { runCommand } from "../../../src/generate/spawn.js";
import { HANG_GENERATOR, hangingGenerator, isRunning, sleep, until } from "../../helpers/hang.js";

/**
 * runCommand stops a command with everything it started: on a timeout and on
 * an interrupt, SIGTERM to its process group, then SIGKILL for whatever
 * ignores it. The e2e side (the built CLI, the lock, the hooks) is in
 * test/e2e/generator-lifecycle.test.ts.
 */

const options = (env: NodeJS.ProcessEnv) => ({ cwd: process.cwd(), stdout: null, stderr: null, env: { ...process.env, ...env } });

describe("runCommand", () => {
  it("stops a command past its timeout, its child too, even one that ignores SIGTERM", async () => {
    // 3 s leaves room for two Node processes to start on a busy machine before the timeout.
    const hang = hangingGenerator({ lateMs: 4500, stubborn: true });
    const start = Date.now();
    const result = await runCommand(["node", HANG_GENERATOR], { ...options(hang.env), timeoutMs: 3000, graceMs: 300 });
    expect(result).toMatchObject({ ok: false, stopped: "timeout" });
    expect(Date.now() - start).toBeLessThan(6000);
    expect(hang.started()).toBe(true);
    // SIGKILL is delivered at once but a loaded machine may take a moment to end the process; well before its late write (4.5 s).
    for (const pid of hang.pids()) expect(await until(() => !isRunning(pid), 1000), `pid ${pid}`).toBe(true);
    expect(result.tail).toContain("generating...");
    await sleep(Math.max(0, hang.lateWriteDue() + 300 - Date.now()));
    expect(hang.wroteLate()).toBe(false);
  }, 20_000);

  it("stops a command, its child too, when the run is interrupted", async () => {
    const hang = hangingGenerator({ lateMs: 1500 });
    const interrupt = new AbortController();
    const running = runCommand(["node", HANG_GENERATOR], { ...options(hang.env), timeoutMs: null, signal: interrupt.signal });
    expect(await until(hang.started, 5000)).toBe(true);
    interrupt.abort("SIGTERM");
    expect(await running).toMatchObject({ ok: false, stopped: "interrupt" });
    for (const pid of hang.pids()) expect(isRunning(pid), `pid ${pid}`).toBe(false);
    await sleep(Math.max(0, hang.lateWriteDue() + 300 - Date.now()));
    expect(hang.wroteLate()).toBe(false);
  }, 20_000);

  it("never starts a command once the run is interrupted", async () => {
    const hang = hangingGenerator({ lateMs: 1000 });
    const interrupt = new AbortController();
    interrupt.abort("SIGINT");
    expect(await runCommand(["node", HANG_GENERATOR], { ...options(hang.env), timeoutMs: null, signal: interrupt.signal })).toMatchObject({ ok: false, stopped: "interrupt" });
    await sleep(300);
    expect(hang.pids()).toEqual([]);
  });

  it("leaves a command that finishes in time alone", async () => {
    const result = await runCommand(["node", "-e", "process.stdout.write('done')"], { ...options({}), timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: true, code: 0, stopped: null, tail: "done" });
  });
});
