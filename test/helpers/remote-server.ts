import { spawn, type ChildProcess } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { PROJECT } from "./repo.js";

/**
 * Test doubles for zero-models' shared store (the Turborepo remote-cache HTTP
 * API): the REAL self-hosted server (the `turborepo-remote-cache` dev
 * dependency, local disk storage) started as a child process, a fault proxy
 * whose behaviour can be switched at run time (pass-through, a fixed status,
 * never answering, resetting connections), a closed port for "server down",
 * and the artifact format spelt out independently of src/ so tests can read,
 * check and forge what is stored.
 */

const SERVER_CLI = path.join(PROJECT, "node_modules/turborepo-remote-cache/dist/cli.js");
const START_TIMEOUT_MS = 15_000;

/** Every process and server started here, stopped on exit even if a test forgot to (or crashed before afterAll). */
const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

export interface RemoteServer {
  /** Base URL, e.g. http://127.0.0.1:43123 (no trailing slash). */
  url: string;
  port: number;
  /** The Bearer token the server accepts. */
  token: string;
  /** Where artifacts land: `<storagePath>/<team>/<id>` and `<id>.tag`. */
  storagePath: string;
  /** The server's TURBO_REMOTE_CACHE_SIGNATURE_KEY, when started with one (it then stores and returns x-artifact-tag). */
  signatureKey: string | null;
  /** What the server printed so far (stdout + stderr). */
  output(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its storage. Safe to call twice. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on (bound then released at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The URL of a closed port: connections are refused ("server down"). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/**
 * Starts the real turborepo-remote-cache server on 127.0.0.1 with local-disk
 * storage in a fresh temporary folder and static token auth. Resolves when
 * it answers GET /v8/artifacts/status; rejects with its output when it exits
 * or does not answer within 15 s.
 */
export async function startRemoteServer(options: { token?: string; signatureKey?: string } = {}): Promise<RemoteServer> {
  const token = options.token ?? "zc-test-token";
  const storagePath = mkdtempSync(path.join(tmpdir(), "zero-models-remote-"));
  let lastError: Error | undefined;
  // A port picked by listening on 0 can be taken by someone else before the server binds it: retry with another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(port, token, storagePath, options.signatureKey ?? null);
    } catch (error) {
      lastError = error as Error;
      if (!/EADDRINUSE/.test(lastError.message)) break;
    }
  }
  rmSync(storagePath, { recursive: true, force: true });
  throw lastError!;
}

async function launch(port: number, token: string, storagePath: string, signatureKey: string | null): Promise<RemoteServer> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    // Keep the test runner's settings out of the server (NODE_OPTIONS, the server's own variable names).
    if (key.startsWith("TURBO_") || key.startsWith("STORAGE_") || key.startsWith("S3_") || key === "NODE_OPTIONS") delete env[key];
  }
  Object.assign(env, {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    STORAGE_PROVIDER: "local",
    STORAGE_PATH: storagePath,
    STORAGE_PATH_USE_TMP_FOLDER: "false",
    TURBO_TOKEN: token,
    AUTH_MODE: "static",
    LOG_LEVEL: "warn",
    ENABLE_STATUS_LOG: "false",
  });
  if (signatureKey) env.TURBO_REMOTE_CACHE_SIGNATURE_KEY = signatureKey;
  const child = spawn(process.execPath, [SERVER_CLI], { env, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exit;
      clearTimeout(killer);
    }
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      throw new Error(`turborepo-remote-cache exited during start-up (${JSON.stringify(exited)}) on port ${port}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/v8/artifacts/status`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turborepo-remote-cache did not answer on ${url} within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let stopped = false;
  return {
    url,
    port,
    token,
    storagePath,
    signatureKey,
    output: () => output,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stop();
      rmSync(storagePath, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------- fault proxy

export type ProxyMode =
  | { kind: "pass" }
  /** Answers every request with this status and a small JSON body, without contacting the target. */
  | { kind: "status"; status: number }
  /** Accepts the connection, reads the request and never answers. */
  | { kind: "hang" }
  /** Destroys the connection as soon as the request arrives. */
  | { kind: "reset" }
  /**
   * Artifact GETs: 200 with a large content-length, then one byte every
   * `intervalMs` (default 1000), never finishing. Other requests pass through.
   */
  | { kind: "drip"; intervalMs?: number }
  /**
   * Artifact GETs: 200 with the bytes of `file`. `contentLength`: what the
   * header says (default the file's size; null: none, chunked). `end: false`
   * keeps the response open after the bytes (as if more were coming). Other
   * requests pass through.
   */
  | { kind: "body"; file: string; contentLength?: number | null; end?: boolean };

export interface ProxyRequest {
  /** Epoch ms when the request had arrived. */
  at: number;
  /** Epoch ms when the connection of a drip or body answer closed (null while open; absent for other modes). */
  closedAt?: number | null;
  method: string;
  /** Path and query, e.g. /v8/artifacts/ab12…?teamId=team_zc */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The request body (the artifact, for a PUT). */
  body: Buffer;
  /** The status the client was given (null: none, hang or reset). */
  status: number | null;
  mode: ProxyMode["kind"];
}

export interface FaultProxy {
  url: string;
  port: number;
  setMode(mode: ProxyMode): void;
  /** Every request answered (or dropped) so far, oldest first; a hanging request is listed when it arrives. */
  readonly requests: ProxyRequest[];
  /** The artifact requests only (GET/PUT/HEAD /v8/artifacts/<id>, not /status). */
  artifactRequests(method?: string): ProxyRequest[];
  clear(): void;
  /** Resolves once every drip or body answer's connection has closed (the client gave up or read it all); throws after `ms`. */
  whenClosed(ms?: number): Promise<ProxyRequest[]>;
  stop(): Promise<void>;
}

/**
 * The proxy runs in a child process: the tests run zero-models and git with
 * spawnSync, which blocks this process's event loop, so a server in here
 * could not answer them. It reads its mode from a JSON file on every request
 * and appends one JSON line per request to a log, so switching the mode and
 * reading the log are synchronous file operations for the test.
 */
const PROXY_SOURCE = String.raw`
const http = require("node:http");
const fs = require("node:fs");
const [target, modeFile, logFile] = process.argv.slice(1);
const log = (record) => fs.appendFileSync(logFile, JSON.stringify(record) + "\n");
const ARTIFACT = /^\/v8\/artifacts\/[0-9a-f]+(\?|$)/;
let seq = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let mode = { kind: "pass" };
    try { mode = JSON.parse(fs.readFileSync(modeFile, "utf8")); } catch {}
    const body = Buffer.concat(chunks);
    const record = { id: ++seq, at: Date.now(), method: req.method, url: req.url, headers: req.headers, body: body.toString("base64"), status: null, mode: mode.kind };
    if ((mode.kind === "drip" || mode.kind === "body") && req.method === "GET" && ARTIFACT.test(req.url || "")) {
      record.status = 200;
      record.closedAt = null;
      log(record);
      let timer;
      res.on("close", () => { clearInterval(timer); log({ id: record.id, closedAt: Date.now() }); });
      if (mode.kind === "drip") {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "1000000" });
        res.write(Buffer.from([0x1f]));
        timer = setInterval(() => res.write(Buffer.from([0x8b])), mode.intervalMs || 1000);
        return;
      }
      const data = fs.readFileSync(mode.file);
      const headers = { "content-type": "application/octet-stream" };
      if (mode.contentLength !== null) headers["content-length"] = String(mode.contentLength === undefined ? data.length : mode.contentLength);
      res.writeHead(200, headers);
      if (mode.end === false) res.write(data);
      else res.end(data);
      return;
    }
    if (mode.kind === "hang") { log(record); return; }
    if (mode.kind === "reset") { log(record); req.socket.destroy(); return; }
    if (mode.kind === "status" || !target) {
      const status = mode.kind === "status" ? mode.status : 502;
      record.status = status;
      log(record);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "fault proxy: " + status }));
      return;
    }
    const upstream = new URL(req.url || "/", target);
    const out = http.request(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host } }, (up) => {
      record.status = up.statusCode;
      log(record);
      res.writeHead(up.statusCode || 502, up.headers);
      up.pipe(res);
    });
    out.on("error", (error) => {
      record.status = 502;
      log(record);
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "fault proxy: upstream " + error.message }));
    });
    out.end(body);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write("listening " + server.address().port + "\n"));
process.on("SIGTERM", () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

/**
 * An HTTP proxy on 127.0.0.1 in front of `target` (a base URL; null for a
 * proxy that never passes through), in a child process, recording every request.
 */
export async function startFaultProxy(target: string | null, initial: ProxyMode = { kind: "pass" }): Promise<FaultProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), "zero-models-proxy-"));
  const modeFile = path.join(dir, "mode.json");
  const logFile = path.join(dir, "requests.jsonl");
  writeFileSync(modeFile, JSON.stringify(initial));
  writeFileSync(logFile, "");
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ["-e", PROXY_SOURCE, target ?? "", modeFile, logFile], { env, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let output = "";
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fault proxy did not start within 10 s:\n${output}`)), 10_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`fault proxy exited during start-up:\n${output}`));
    });
  });
  // A drip or body answer is logged when it starts and again, by id, when its connection closes.
  const read = (): ProxyRequest[] => {
    const records = new Map<number, ProxyRequest>();
    for (const line of readFileSync(logFile, "utf8").split("\n").filter(Boolean)) {
      const r = JSON.parse(line) as (Omit<ProxyRequest, "body"> & { id: number; body: string }) | { id: number; closedAt: number };
      const known = records.get(r.id);
      if (!("method" in r)) {
        if (known) known.closedAt = r.closedAt;
        continue;
      }
      const { id: _, ...rest } = r;
      records.set(r.id, { ...rest, body: Buffer.from(r.body, "base64") });
    }
    return [...records.values()];
  };
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setMode: (mode) => writeFileSync(modeFile, JSON.stringify(mode)),
    get requests() {
      return read();
    },
    artifactRequests: (method) => read().filter((r) => /^\/v8\/artifacts\/[^/?]+(\?|$)/.test(r.url) && !r.url.startsWith("/v8/artifacts/status") && (!method || r.method === method)),
    clear: () => writeFileSync(logFile, ""),
    async whenClosed(ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const requests = read();
        if (requests.every((r) => r.closedAt !== null)) return requests;
        if (Date.now() > deadline) throw new Error(`fault proxy: connections still open after ${ms} ms: ${requests.filter((r) => r.closedAt === null).map((r) => r.url).join(", ")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exit;
        clearTimeout(killer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------- the artifact format

/** What zero-models stores for a table or for the shared files (as the spec lays it out). */
export interface Artifact {
  format: "zero-models-artifact";
  version: 1;
  kind: "table" | "shared";
  key: string;
  files: Record<string, { sha256: string; data: string } | null>;
}

export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The artifact id of a store entry: sha256 hex of `zero-models artifact v1\0<kind>\0<key>`. */
export function artifactId(kind: "table" | "shared", key: string): string {
  return sha256(`zero-models artifact v1\0${kind}\0${key}`);
}

/** x-artifact-tag: base64(HMAC-SHA256(key, id + team + body)). */
export function artifactTag(signatureKey: string, id: string, team: string, body: Buffer): string {
  return createHmac("sha256", signatureKey).update(Buffer.concat([Buffer.from(id + team), body])).digest("base64");
}

export function decodeArtifact(body: Buffer): Artifact {
  return JSON.parse(gunzipSync(body).toString("utf8")) as Artifact;
}

export function encodeArtifact(artifact: Artifact): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(artifact)));
}

/** The artifact files (not tags) stored for `team`, by id. */
export function storedArtifacts(server: RemoteServer, team: string): Map<string, Buffer> {
  const dir = path.join(server.storagePath, team);
  const out = new Map<string, Buffer>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) if (!name.endsWith(".tag")) out.set(name, readFileSync(path.join(dir, name)));
  return out;
}

/** The stored artifact of `team` whose files include `file`; throws when none or several do. */
export function storedArtifactWithFile(server: RemoteServer, team: string, file: string): { id: string; path: string; body: Buffer; artifact: Artifact } {
  const found = [...storedArtifacts(server, team)].flatMap(([id, body]) => {
    try {
      const artifact = decodeArtifact(body);
      return artifact.files && file in artifact.files ? [{ id, path: path.join(server.storagePath, team, id), body, artifact }] : [];
    } catch {
      return [];
    }
  });
  if (found.length !== 1) throw new Error(`expected one stored artifact of ${team} holding ${file}, found ${found.length}`);
  return found[0]!;
}

/** Replaces a stored artifact's bytes on the server's disk (its tag, if any, is left as it was). */
export function overwriteArtifact(server: RemoteServer, team: string, id: string, body: Buffer): void {
  writeFileSync(path.join(server.storagePath, team, id), body);
}

/**
 * A gzip body that inflates to about `inflatedBytes` of artifact JSON whose
 * one file's data is a run of "A": concatenated gzip members (one for the
 * start, one per MiB of "A", one for the end), so it is made at once and stays
 * about 1 KB per inflated MiB.
 */
export function artifactBomb(inflatedBytes: number): Buffer {
  const head = `{"format":"zero-models-artifact","version":1,"kind":"table","key":"${"0".repeat(64)}","files":{"bomb.ts":{"sha256":"${"0".repeat(64)}","data":"`;
  const tail = '"}}}';
  const mib = gzipSync(Buffer.alloc(1 << 20, "A"), { level: 9 });
  const rest = inflatedBytes - head.length - tail.length;
  const whole = Math.max(0, Math.floor(rest / (1 << 20)));
  const parts = [gzipSync(head), ...Array.from({ length: whole }, () => mib), gzipSync(Buffer.alloc(Math.max(0, rest - whole * (1 << 20)), "A")), gzipSync(tail)];
  return Buffer.concat(parts);
}
