import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { artifactBomb, startFaultProxy, startRemoteServer, type FaultProxy, type ProxyRequest, type RemoteServer } from "../helpers/remote-server.js";
import {
  all,
  configure,
  fileHashes,
  ignoredOutputsTeam,
  json,
  readLock,
  remoteWarnings,
  removeStore,
  spyGenerator,
  zcPeakMemory,
  zcTimed,
  type BuiltTeam,
  type TimedResult,
} from "../helpers/store-team.js";
import { copyTeam, type Team } from "../helpers/team.js";

/**
 * Security issue 16, parts 4 and 5: the shared store is a server someone else
 * runs, and `remote.url` arrives with `git pull`. Against a real
 * turborepo-remote-cache server behind the fault proxy (test/helpers/remote-server.ts),
 * whose drip and body modes play a hostile or broken server:
 * - a gzip bomb, an oversized body and a body that drips cost at most one
 *   cap or one timeout per run, and never fail it;
 * - the token is never sent in clear to another machine, credentials in the
 *   URL are refused and never printed nor stored, and the host is shown.
 */

const TEAM = "team_zc";
const MiB = 1024 * 1024;

let plain: RemoteServer;
let proxy: FaultProxy;
let template: BuiltTeam;
let mainHashes: Map<string, string>;
let tables: string[];
let scratch: string;

const tokenEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ZERO_MODELS_REMOTE_TOKEN: plain.token, ...extra });

beforeAll(async () => {
  plain = await startRemoteServer({ token: "untrusted-remote-token" });
  proxy = await startFaultProxy(plain.url);
  scratch = mkdtempSync(path.join(tmpdir(), "zero-models-untrusted-remote-"));
  template = ignoredOutputsTeam();
  mainHashes = fileHashes(template.alice);
  tables = Object.keys(readLock(template.alice).tables).sort();
  // Alice's artifacts on the server, for the tests that restore from it.
  const [copy, dispose] = copyTeam(template);
  try {
    removeStore(copy.alice);
    configure(copy.alice, { remote: { url: plain.url, team: TEAM } });
    const upload = zcTimed(copy.alice, ["generate", "--all"], tokenEnv());
    if (upload.code !== 0) throw new Error(`alice's upload exited ${upload.code}:\n${all(upload)}`);
  } finally {
    dispose();
  }
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await plain?.stop();
  if (template) rmSync(template.top, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let seq = 0;

/** A copy of the team whose clones use `url` (default: the proxy, passing through) and a team of their own holding alice's artifacts. */
function setup(remote: Record<string, unknown> = {}): Team & { team: string } {
  proxy.setMode({ kind: "pass" });
  proxy.clear();
  onTestFinished(() => proxy.setMode({ kind: "pass" }));
  const [copy, dispose] = copyTeam(template);
  onTestFinished(dispose);
  const team = `team_u${++seq}`;
  cpSync(path.join(plain.storagePath, TEAM), path.join(plain.storagePath, team), { recursive: true });
  const settings = { url: proxy.url, team, ...remote };
  configure(copy.alice, { remote: settings });
  configure(copy.bob, { remote: settings });
  return { ...copy, team };
}

/** Serves `body` for every artifact GET. */
function serve(body: Buffer, options: { contentLength?: number | null; end?: boolean } = {}): void {
  const file = path.join(scratch, `body-${++seq}`);
  writeFileSync(file, body);
  proxy.setMode({ kind: "body", file, ...options });
}

function expectOk<T extends TimedResult>(r: T, what: string): T {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

const gets = (requests: ProxyRequest[]) => requests.filter((r) => r.method === "GET" && /^\/v8\/artifacts\/[0-9a-f]{64}/.test(r.url));
const puts = (requests: ProxyRequest[]) => requests.filter((r) => r.method === "PUT");

describe("a shared cache cannot exhaust memory or time (issue 16, part 4)", () => {
  it("a gzip bomb (200 KB inflating to 200 MiB of artifact JSON) over remote.maxInflatedBytes: the remote is switched off with one warning, the generator runs, memory stays low", async () => {
    const { bob } = setup({ maxInflatedBytes: MiB });
    const bomb = artifactBomb(200 * MiB);
    expect(bomb.length).toBeLessThan(300_000);
    serve(bomb);
    const spy = spyGenerator(bob);

    const gen = expectOk(zcPeakMemory(bob, ["generate"], tokenEnv()), "generate against a bomb");
    const warnings = remoteWarnings(all(gen));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("remote.maxInflatedBytes");
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(bob)).toEqual(mainHashes);
    // Inflating one bomb, let alone one per artifact, would take hundreds of MiB.
    expect(gen.peakMiB).toBeLessThan(160);
    const requests = await proxy.whenClosed();
    // Switched off: the first wave of lookups is the last, and nothing is uploaded to it.
    expect(gets(requests).length).toBeLessThanOrEqual(8);
    expect(puts(requests)).toEqual([]);
  });

  it.each([
    { name: "says so in its content-length (and sends 1 KB)", contentLength: 64 * MiB, bytes: 1024 },
    { name: "has no content-length and passes the cap while streaming", contentLength: null, bytes: 64 * 1024 + 1 },
  ])("a body over remote.maxBodyBytes that $name is refused at once, not read to the end or the timeout", async ({ contentLength, bytes }) => {
    const { bob } = setup({ maxBodyBytes: 64 * 1024, timeoutMs: 10_000 });
    // Whatever was promised, the body never ends: only the cap can stop the read before the timeout.
    serve(Buffer.alloc(bytes, 0x41), { contentLength, end: false });
    spyGenerator(bob, { fail: true });

    const r = zcTimed(bob, ["restore", "--all", "--json"], tokenEnv());
    expect(r.code).toBe(1);
    expect([...(json<{ missing?: string[] }>(r).missing ?? [])].sort()).toEqual([...tables, "shared"].sort());
    const warnings = remoteWarnings(r.stderr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("remote.maxBodyBytes");
    const requests = await proxy.whenClosed();
    for (const get of gets(requests)) expect(get.closedAt! - get.at, get.url).toBeLessThan(5_000);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("bodies that drip one byte a second: restore --all pays one timeoutMs for the run, not one per wave of requests", async () => {
    const timeoutMs = 1_500;
    const { bob } = setup({ timeoutMs });
    proxy.setMode({ kind: "drip", intervalMs: 1000 });
    spyGenerator(bob, { fail: true });

    const r = zcTimed(bob, ["restore", "--all", "--json"], tokenEnv());
    expect(r.code).toBe(1);
    expect([...(json<{ missing?: string[] }>(r).missing ?? [])].sort()).toEqual([...tables, "shared"].sort());
    const warnings = remoteWarnings(r.stderr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`within ${timeoutMs} ms`);
    const requests = gets(await proxy.whenClosed());
    expect(requests.length).toBeGreaterThan(0);
    const first = Math.min(...requests.map((g) => g.at));
    const lastClosed = Math.max(...requests.map((g) => g.closedAt!));
    // One wave: no request started after the first timeout, and every one was given up within about one timeout.
    expect(Math.max(...requests.map((g) => g.at))).toBeLessThan(first + timeoutMs);
    expect(lastClosed - first).toBeLessThan(timeoutMs + 1_000);
  });
});

/** Every file under the repo's cacheDir, as text. */
function cacheText(repo: Team["bob"]): string {
  const root = path.join(repo.dir, "tmp/zero-models");
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else out.push(readFileSync(file, "latin1"));
    }
  };
  walk(root);
  return out.join("\n");
}

describe("the token goes only where it should (issue 16, part 5)", () => {
  it("credentials in remote.url are refused (exit 2, pointing at ZERO_MODELS_REMOTE_TOKEN), never printed, stored nor sent", () => {
    const { bob } = setup();
    const secret = "zm-secret-password";
    configure(bob, { remote: { url: `http://zm-user:${secret}@127.0.0.1:${proxy.port}` } });
    for (const args of [["restore", "--debug"], ["generate", "--debug"], ["check", "--debug"]]) {
      const r = zcTimed(bob, args, tokenEnv());
      expect(r.code, `${args.join(" ")}:\n${all(r)}`).toBe(2);
      expect(r.stderr).toContain("remote.url");
      expect(r.stderr).toContain("ZERO_MODELS_REMOTE_TOKEN");
      expect(all(r)).not.toContain(secret);
    }
    expect(cacheText(bob)).not.toContain(secret);
    expect(proxy.requests).toEqual([]);
  });

  it("over plain http to a host that is not loopback the token is not sent: one warning naming the host, the remote is off for the run, the generator runs", () => {
    // 0.0.0.0 reaches this machine's listeners, but it is not a loopback address: as good as another host here.
    const { bob } = setup({ url: `http://0.0.0.0:${proxy.port}` });
    const spy = spyGenerator(bob);
    const gen = expectOk(zcTimed(bob, ["generate"], tokenEnv()), "generate with an http remote on another host");
    const warnings = remoteWarnings(all(gen));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`0.0.0.0:${proxy.port}`);
    expect(warnings[0]).toContain("https://");
    expect(all(gen)).not.toContain(plain.token);
    expect(proxy.requests.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
    expect(proxy.requests).toEqual([]);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(bob)).toEqual(mainHashes);
  });

  it("the remote's host is printed once, when a run first uses it; not under --quiet, and not when nothing asks it", () => {
    const { bob } = setup();
    const line = `zero-models: using the remote cache at 127.0.0.1:${proxy.port}`;
    const count = (text: string) => text.split("\n").filter((l) => l === line).length;
    const r = expectOk(zcTimed(bob, ["restore"], tokenEnv()), "restore");
    expect(count(all(r)), all(r)).toBe(1);
    expect(gets(proxy.requests).length).toBeGreaterThan(1);

    const fresh = expectOk(zcTimed(bob, ["restore"], tokenEnv()), "restore when fresh");
    expect(count(all(fresh))).toBe(0);

    removeStore(bob);
    rmSync(path.join(bob.dir, "frontend/src/lib/models"), { recursive: true, force: true });
    const quiet = expectOk(zcTimed(bob, ["restore", "-q"], tokenEnv()), "restore -q");
    expect(count(all(quiet))).toBe(0);
    expect(fileHashes(bob)).toEqual(mainHashes);
  });
});
