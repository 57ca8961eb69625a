import http from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it, onTestFinished } from "vitest";
import { RemoteCache, tokenMayGoTo } from "../../../src/store/remote.js";
import { validateConfig } from "../../../src/config/schema.js";
import type { Config } from "../../../src/config/load.js";
import * as msg from "../../../src/common/messages.js";
import { artifactBomb, encodeArtifact, sha256 } from "../../helpers/remote-server.js";

/**
 * RemoteCache against a real HTTP server on 127.0.0.1 in this process: what
 * a hostile or broken server can make it read, inflate and wait for.
 */

const MiB = 1024 * 1024;
const KEY = "f".repeat(64);

type Settings = NonNullable<Config["remote"]>;

interface Served {
  url: string;
  /** Artifact requests received so far. */
  requests: http.IncomingMessage[];
  /** Connections of answers that closed, by the client or at the end. */
  closed(): number;
}

/** A loopback server answering every request with `handler`, stopped when the test ends. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Served> {
  const requests: http.IncomingMessage[] = [];
  let closed = 0;
  const server = http.createServer((req, res) => {
    requests.push(req);
    res.on("close", () => closed++);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, closed: () => closed };
}

/** Headers, then one byte every 100 ms, never finishing. */
const drip = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { "content-length": "1000000" });
  res.write("\x1f");
  const timer = setInterval(() => res.write("\x8b"), 100);
  res.on("close", () => clearInterval(timer));
};

/** `body` for every GET, with its content-length, a declared one, or none (chunked); `end: false` never finishes. */
const answer =
  (body: Buffer, options: { contentLength?: number | null; end?: boolean } = {}) =>
  (_req: http.IncomingMessage, res: http.ServerResponse) => {
    const headers: Record<string, string> = {};
    if (options.contentLength !== null) headers["content-length"] = String(options.contentLength ?? body.length);
    res.writeHead(200, headers);
    if (options.end === false) res.write(body);
    else res.end(body);
  };

/** The remote settings the config gives for `url` when nothing else is set, with `overrides`. */
function settings(url: string, overrides: Partial<Settings> = {}): Settings {
  const raw = validateConfig({ remote: { url } }, null).remote;
  return { ...raw, url: raw.url!, ...overrides };
}

function cache(s: Settings, secrets: { token?: string; signatureKey?: string } = {}) {
  const warnings: string[] = [];
  const notices: string[] = [];
  const remote = new RemoteCache(s, secrets, { warn: (w) => warnings.push(w), notice: (n) => notices.push(n), debug: () => {} });
  return { remote, warnings, notices };
}

/** A real artifact for KEY, as zero-models stores it: its gzipped body and its JSON. */
function artifact() {
  const data = Buffer.from("export const cactus = 1;\n");
  const json = JSON.stringify({ format: "zero-models-artifact", version: 1, kind: "table", key: KEY, files: { "out/cactus.ts": { sha256: sha256(data), data: data.toString("base64") } } });
  const body = encodeArtifact(JSON.parse(json));
  return { body, jsonBytes: Buffer.byteLength(json) };
}

describe("the caps on what a server sends", () => {
  it("default to 64 MiB sent and 256 MiB inflated, as .zeromodelsrc.example and docs/configuration.md say", async () => {
    const s = settings("https://cache.example.com");
    expect(s.maxBodyBytes).toBe(64 * MiB);
    expect(s.maxInflatedBytes).toBe(256 * MiB);
    const { readFileSync } = await import("node:fs");
    const { PROJECT } = await import("../../helpers/repo.js");
    const readme = readFileSync(`${PROJECT}/docs/configuration.md`, "utf8");
    expect(readme).toMatch(/`remote\.maxBodyBytes` \| 64 MiB \(67108864\)/);
    expect(readme).toMatch(/`remote\.maxInflatedBytes` \| 256 MiB \(268435456\)/);
  });

  it("with the defaults, a body that declares 64 MiB + 1 is refused unread, long before the timeout; the remote is then off", async () => {
    const server = await serve(answer(Buffer.alloc(1024), { contentLength: 64 * MiB + 1, end: false }));
    const { remote, warnings } = cache(settings(server.url));
    const started = performance.now();
    expect(await remote.get("table", KEY)).toBeNull();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(warnings).toEqual([msg.remoteFailed(server.url, msg.remoteBodyTooLarge(64 * MiB))]);
    expect(warnings[0]).toContain("64 MiB, remote.maxBodyBytes");
    expect(remote.canRead).toBe(false);
    expect(remote.canWrite).toBe(false);
    expect(await remote.get("table", KEY)).toBeNull();
    expect(server.requests).toHaveLength(1);
  });

  it("with the defaults, a body inflating to 256 MiB + 1 is refused (and inflating stops there); the remote is then off", async () => {
    const bomb = artifactBomb(256 * MiB + 1);
    expect(bomb.length).toBeLessThan(300_000);
    const server = await serve(answer(bomb));
    const { remote, warnings } = cache(settings(server.url));
    expect(await remote.get("table", KEY)).toBeNull();
    expect(warnings).toEqual([msg.remoteFailed(server.url, msg.remoteInflatedTooLarge(256 * MiB))]);
    expect(warnings[0]).toContain("256 MiB, remote.maxInflatedBytes");
    expect(remote.canRead).toBe(false);
  }, 30_000);

  it.each([
    { what: "with its content-length", contentLength: undefined },
    { what: "chunked, without one", contentLength: null },
  ])("a body of exactly remote.maxBodyBytes is taken, one byte more is not ($what)", async ({ contentLength }) => {
    const { body } = artifact();
    const server = await serve(answer(body, { contentLength }));
    const exact = cache(settings(server.url, { maxBodyBytes: body.length }));
    expect((await exact.remote.get("table", KEY))?.files.get("out/cactus.ts")?.toString()).toBe("export const cactus = 1;\n");
    expect(exact.warnings).toEqual([]);
    const under = cache(settings(server.url, { maxBodyBytes: body.length - 1 }));
    expect(await under.remote.get("table", KEY)).toBeNull();
    expect(under.warnings).toEqual([msg.remoteFailed(server.url, msg.remoteBodyTooLarge(body.length - 1))]);
  });

  it("an artifact inflating to exactly remote.maxInflatedBytes is taken, one byte more is not", async () => {
    const { body, jsonBytes } = artifact();
    const server = await serve(answer(body));
    const exact = cache(settings(server.url, { maxInflatedBytes: jsonBytes }));
    expect(await exact.remote.get("table", KEY)).not.toBeNull();
    expect(exact.warnings).toEqual([]);
    const under = cache(settings(server.url, { maxInflatedBytes: jsonBytes - 1 }));
    expect(await under.remote.get("table", KEY)).toBeNull();
    expect(under.warnings).toEqual([msg.remoteFailed(server.url, msg.remoteInflatedTooLarge(jsonBytes - 1))]);
  });

  it("a body passing the cap while it streams stops being read there", async () => {
    let sent = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200);
      // 1 KB at a time for as long as the client reads; a client that reads on would take all 10 MB.
      const more = () => {
        while (sent < 10 * MiB && !res.destroyed) {
          sent += 1024;
          if (!res.write(Buffer.alloc(1024))) return void res.once("drain", more);
        }
        res.end();
      };
      more();
    });
    const { remote, warnings } = cache(settings(server.url, { maxBodyBytes: 64 * 1024 }));
    expect(await remote.get("table", KEY)).toBeNull();
    expect(warnings[0]).toContain("remote.maxBodyBytes");
    await new Promise((r) => setTimeout(r, 200));
    // What the socket buffers took besides: far from the whole body.
    expect(sent).toBeLessThan(5 * MiB);
  });

  it("with a signature key, an unsigned bomb is rejected before it is inflated: the remote stays on", async () => {
    const server = await serve(answer(artifactBomb(64 * MiB)));
    const { remote, warnings } = cache(settings(server.url, { maxInflatedBytes: MiB }), { signatureKey: "k" });
    expect(await remote.get("table", KEY)).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(msg.remoteUnsigned);
    expect(remote.canRead).toBe(true);
  });
});

describe("timeoutMs covers the whole answer", () => {
  it("a body that drips is cut at timeoutMs; the remote goes off with one warning and the requests in flight end with it", async () => {
    const server = await serve(drip);
    const { remote, warnings } = cache(settings(server.url, { timeoutMs: 300 }));
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => remote.get("table", String(i).repeat(64))));
    expect(results).toEqual(Array(8).fill(null));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(warnings).toEqual([msg.remoteFailed(server.url, msg.remoteNoAnswer(300))]);
    expect(remote.canRead).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.closed()).toBe(8);
  });

  it("fires even when the garbage collector runs while the body drips", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const server = await serve(drip);
    const { remote, warnings } = cache(settings(server.url, { timeoutMs: 300 }));
    const collect = setInterval(gc, 50);
    onTestFinished(() => clearInterval(collect));
    expect(await remote.get("table", KEY)).toBeNull();
    expect(warnings).toEqual([msg.remoteFailed(server.url, msg.remoteNoAnswer(300))]);
  });
});

describe("where the token goes", () => {
  it.each([
    ["https://cache.example.com", true],
    ["https://203.0.113.7:8443/turbo", true],
    ["http://127.0.0.1:3000", true],
    ["http://127.8.9.10", true],
    ["http://127.1:3000", true],
    ["http://localhost:3000", true],
    ["http://LOCALHOST", true],
    ["http://[::1]:3000", true],
    ["http://[0:0:0:0:0:0:0:1]", true],
    ["http://cache.example.com", false],
    ["http://10.0.0.5:3000", false],
    ["http://0.0.0.0:3000", false],
    ["http://[::]:3000", false],
    ["http://localhost.example.com", false],
    ["http://127.0.0.1.nip.io", false],
    ["http://[::ffff:203.0.113.7]", false],
  ])("%s: %s", (url, ok) => {
    expect(tokenMayGoTo(new URL(url))).toBe(ok);
  });

  it("with a token and plain http to another machine, nothing is sent: one warning naming the host, the remote off for the run", async () => {
    const server = await serve((_req, res) => res.writeHead(404).end());
    // 0.0.0.0 reaches this machine's listeners but is no loopback address: another host, as far as the token goes.
    const url = server.url.replace("127.0.0.1", "0.0.0.0");
    const { remote, warnings, notices } = cache(settings(url), { token: "secret-token" });
    expect(await remote.get("table", KEY)).toBeNull();
    expect(await remote.get("table", "e".repeat(64))).toBeNull();
    expect(await remote.put({ kind: "table", key: KEY, files: new Map() })).toBe(false);
    expect(server.requests).toEqual([]);
    expect(warnings).toEqual([msg.remoteTokenWithheld(new URL(url).host)]);
    expect(notices).toEqual([]);
    expect(remote.canRead).toBe(false);
  });

  it("without a token, plain http to another machine is used as before: there is nothing to leak", async () => {
    const server = await serve((_req, res) => res.writeHead(404).end());
    const url = server.url.replace("127.0.0.1", "0.0.0.0");
    const { remote, warnings } = cache(settings(url));
    expect(await remote.get("table", KEY)).toBeNull();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("to a loopback address the token is sent, and the host is named once, on the first request", async () => {
    const server = await serve((req, res) => res.writeHead(req.method === "PUT" ? 200 : 404).end());
    const { remote, warnings, notices } = cache(settings(server.url), { token: "secret-token" });
    expect(notices).toEqual([]);
    for (const c of "abc") expect(await remote.get("table", c.repeat(64))).toBeNull();
    expect(await remote.put({ kind: "table", key: KEY, files: new Map() })).toBe(true);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(Array(4).fill("Bearer secret-token"));
    expect(notices).toEqual([msg.remoteUsing(new URL(server.url).host)]);
    expect(notices[0]).toBe(`zero-models: using the remote cache at ${new URL(server.url).host}`);
    expect(warnings).toEqual([]);
  });

  it("a user name or password in the URL is never sent nor shown, even where the config did not stop it", async () => {
    const server = await serve((_req, res) => res.writeHead(500).end());
    const { remote, warnings, notices } = cache(settings(server.url, { url: server.url.replace("//", "//zm-user:zm-pass@") }));
    expect(await remote.get("table", KEY)).toBeNull();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect([...warnings, ...notices].join("\n")).not.toMatch(/zm-user|zm-pass/);
    expect(warnings).toEqual([msg.remoteFailed(server.url, "it answered 500 Internal Server Error")]);
  });
});
