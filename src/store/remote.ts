import { createHmac, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzipSync } from "node:zlib";
import type { Config } from "../config/load.js";
import { sha256 } from "../common/hash.js";
import type { Debug } from "../common/log.js";
import type { Artifact, ArtifactKind } from "./local.js";
import * as msg from "../common/messages.js";

/**
 * The shared store: a server speaking the Turborepo remote-cache API
 * (GET/PUT /v8/artifacts/{hash}, Bearer token, team as ?teamId= or ?slug=):
 * the self-hosted turborepo-remote-cache, Vercel's, or another. An artifact is
 * gzipped JSON holding each file with its SHA-256, checked on the way in.
 * With a signature key, artifacts carry an HMAC-SHA256 tag (x-artifact-tag,
 * over hash + team + body, as Turborepo signs) and untagged or mis-tagged ones
 * are refused. The server only ever saves work: the first timeout, refusal,
 * server error or artifact over remote.maxBodyBytes / maxInflatedBytes turns
 * it off for the rest of the run with one warning, and cuts the requests
 * still in flight. remote.url comes with `git pull`, so the token only ever
 * travels encrypted or stays on this machine, and the host is named the first
 * time a run uses it.
 */

type Settings = NonNullable<Config["remote"]>;

/** Where the remote's lines go: the host line is quiet under --quiet, warnings are not. */
export interface RemoteReport {
  warn(text: string): void;
  notice(text: string): void;
  debug: Debug;
}

const FORMAT = "zero-models-artifact";
const inflate = promisify(gunzip);

export class RemoteCache {
  private off = false;
  private readonly rejected = new Set<string>();
  /** Cut when the remote is switched off, so a run pays one timeout, not one per wave of requests. */
  private readonly inFlight = new Set<AbortController>();
  /** Inflation, one artifact at a time: each may take maxInflatedBytes. */
  private inflating: Promise<unknown> = Promise.resolve();
  private started = false;
  /** remote.url without user name or password (the config refuses them; this never sends nor prints them either way). */
  private readonly url: URL;
  /** Identifies this server and team in the local store's record of uploads. */
  readonly id: string;

  constructor(
    private readonly settings: Settings,
    private readonly secrets: { token?: string; signatureKey?: string },
    private readonly report: RemoteReport,
  ) {
    this.id = sha256(`${settings.url}\0${settings.team ?? ""}`).slice(0, 16);
    this.url = new URL(settings.url);
    this.url.username = "";
    this.url.password = "";
  }

  get canRead(): boolean {
    return this.settings.read && !this.off;
  }

  /** Switched off for the rest of the run by a timeout, a refusal or a server error. */
  get wentOff(): boolean {
    return this.off;
  }

  get canWrite(): boolean {
    return this.settings.write && !this.off;
  }

  /** The artifact stored for `key`, checked; null when the server has none, refuses it, or is unusable. */
  async get(kind: ArtifactKind, key: string): Promise<Artifact | null> {
    if (!this.canRead || !this.start()) return null;
    const hash = artifactHash(kind, key);
    const response = await this.request("GET", hash);
    if (!response || response.status === 404) return null;
    // Checked before inflating: with a key, a bomb from someone without it is never unzipped.
    const decoded = this.signatureProblem(hash, response.body, response.tag) ?? (await this.unpack(response.body, kind, key));
    if (decoded === null) return null;
    if (typeof decoded === "string") {
      // Once per kind of problem: a wrong key rejects every artifact alike.
      if (!this.rejected.has(decoded)) this.report.warn(msg.remoteArtifactRejected(kind, key, decoded));
      else this.report.debug(`remote: ${kind} ${key.slice(0, 12)} rejected too: ${decoded}`);
      this.rejected.add(decoded);
      return null;
    }
    return decoded;
  }

  async put(artifact: Artifact): Promise<boolean> {
    if (!this.canWrite || !this.start()) return false;
    const hash = artifactHash(artifact.kind, artifact.key);
    const body = encode(artifact);
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (this.secrets.signatureKey) headers["x-artifact-tag"] = this.tag(hash, body);
    const response = await this.request("PUT", hash, body, headers);
    return response !== null;
  }

  /**
   * Whether requests may go out, decided on the first one: then the host is
   * named (a remote.url changed by a pull shows), or, when the token would
   * cross the network in clear, the remote is off for the run instead. Not
   * sending it would only trade the leak for a 401 from a server that needs it.
   */
  private start(): boolean {
    if (this.started) return !this.off;
    this.started = true;
    if (this.secrets.token && !tokenMayGoTo(this.url)) {
      this.disable(msg.remoteTokenWithheld(this.url.host));
      return false;
    }
    this.report.notice(msg.remoteUsing(this.url.host));
    return true;
  }

  private tag(hash: string, body: Buffer): string {
    return createHmac("sha256", this.secrets.signatureKey!).update(hash).update(this.settings.team ?? "").update(body).digest("base64");
  }

  private signatureProblem(hash: string, body: Buffer, tag: string | null): string | null {
    if (!this.secrets.signatureKey) return null;
    if (!tag) return msg.remoteUnsigned;
    const want = Buffer.from(this.tag(hash, body));
    const got = Buffer.from(tag);
    return want.length === got.length && timingSafeEqual(want, got) ? null : msg.remoteBadSignature;
  }

  /**
   * The status and, for a GET that found something, the body (at most
   * maxBodyBytes) and its tag; null after turning the remote off (with its
   * one warning) when the server cannot be used. timeoutMs covers the whole
   * exchange, body included: a server that drips is as slow as a silent one.
   */
  private async request(method: "GET" | "PUT", hash: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; tag: string | null } | null> {
    const { team, timeoutMs, maxBodyBytes } = this.settings;
    const url = this.where;
    const query = team ? `?${team.startsWith("team_") ? "teamId" : "slug"}=${encodeURIComponent(team)}` : "";
    if (this.secrets.token) headers.authorization = `Bearer ${this.secrets.token}`;
    const started = performance.now();
    // A timer of our own: Node 20 lets AbortSignal.any() drop an AbortSignal.timeout() that
    // nothing else holds once the garbage collector runs, and the timeout then never fires.
    const cut = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      cut.abort();
    }, timeoutMs);
    this.inFlight.add(cut);
    try {
      const response = await fetch(`${url}/v8/artifacts/${hash}${query}`, { method, body: body ? new Uint8Array(body) : undefined, headers, signal: cut.signal });
      this.report.debug(`remote: ${method} ${hash.slice(0, 12)} ${response.status} in ${Math.round(performance.now() - started)} ms`);
      if (!response.ok && !(method === "GET" && response.status === 404)) {
        await response.body?.cancel().catch(() => {});
        this.disable(response.status === 401 || response.status === 403 ? msg.remoteRefused(url, response.status) : msg.remoteFailed(url, `it answered ${response.status} ${response.statusText}`.trim()));
        return null;
      }
      if (method !== "GET" || response.status === 404) {
        await response.body?.cancel().catch(() => {});
        return { status: response.status, body: Buffer.alloc(0), tag: null };
      }
      // A declared length over the cap is refused unread; an undeclared or false one is caught while reading.
      const declared = Number(response.headers.get("content-length") ?? 0);
      const bytes = declared > maxBodyBytes ? null : await readAtMost(response.body, maxBodyBytes);
      if (!bytes) {
        await response.body?.cancel().catch(() => {});
        this.disable(msg.remoteFailed(url, msg.remoteBodyTooLarge(maxBodyBytes)));
        return null;
      }
      this.report.debug(`remote: ${hash.slice(0, 12)} ${bytes.length} bytes in ${Math.round(performance.now() - started)} ms`);
      return { status: response.status, body: bytes, tag: response.headers.get("x-artifact-tag") };
    } catch (error) {
      // Cut because the remote was switched off meanwhile: its warning is out already.
      if (this.off) return null;
      this.disable(msg.remoteFailed(url, timedOut ? msg.remoteNoAnswer(timeoutMs) : describe(error)));
      return null;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(cut);
    }
  }

  /**
   * The artifact in `body`, or what is wrong with it; null when it inflates
   * past maxInflatedBytes (the remote is then off) or the remote went off
   * while it waited. Inflating runs off the event loop, so timers still fire.
   */
  private unpack(body: Buffer, kind: ArtifactKind, key: string): Promise<Artifact | string | null> {
    const { maxInflatedBytes } = this.settings;
    const url = this.where;
    const turn = this.inflating.then(async () => {
      if (this.off) return null;
      let json: Buffer;
      try {
        json = await inflate(body, { maxOutputLength: maxInflatedBytes });
      } catch (error) {
        if ((error as { code?: string }).code !== "ERR_BUFFER_TOO_LARGE") return msg.remoteNotArtifact;
        this.disable(msg.remoteFailed(url, msg.remoteInflatedTooLarge(maxInflatedBytes)));
        return null;
      }
      return decode(json, kind, key);
    });
    this.inflating = turn.catch(() => {});
    return turn;
  }

  /** remote.url as requests use it and messages show it, without a trailing slash. */
  private get where(): string {
    return this.url.href.replace(/\/+$/, "");
  }

  private disable(warning: string): void {
    if (this.off) return;
    this.off = true;
    this.report.warn(warning);
    for (const cut of this.inFlight) cut.abort();
  }
}

/**
 * Whether the Bearer token may be sent to `url`: over https, or over plain
 * http only to this machine (127.0.0.0/8, ::1, localhost), where nobody on
 * the network sees it.
 */
export function tokenMayGoTo(url: URL): boolean {
  if (url.protocol === "https:") return true;
  if (url.protocol !== "http:") return false;
  // URL has already normalised the host: lower case, IPv4 in dotted decimal, IPv6 compressed.
  return url.hostname === "localhost" || url.hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

/** The whole body, or null as soon as it passes `max` bytes (reading stops there). */
async function readAtMost(body: ReadableStream<Uint8Array> | null, max: number): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
}

/** The hash an artifact is stored under: what it is for, so other tools' artifacts never collide with ours. */
function artifactHash(kind: ArtifactKind, key: string): string {
  return sha256(`zero-models artifact v1\0${kind}\0${key}`);
}

function encode(artifact: Artifact): Buffer {
  const files: Record<string, { sha256: string; data: string } | null> = {};
  for (const [p, bytes] of artifact.files) files[p] = bytes === null ? null : { sha256: sha256(bytes), data: bytes.toString("base64") };
  return gzipSync(JSON.stringify({ format: FORMAT, version: 1, kind: artifact.kind, key: artifact.key, files }));
}

/** The artifact in the inflated JSON, or what is wrong with it. */
function decode(json: Buffer, kind: ArtifactKind, key: string): Artifact | string {
  let data: { format?: unknown; version?: unknown; kind?: unknown; key?: unknown; files?: unknown };
  try {
    data = JSON.parse(json.toString("utf8"));
  } catch {
    return msg.remoteNotArtifact;
  }
  if (data?.format !== FORMAT || data.version !== 1) return msg.remoteNotArtifact;
  if (data.kind !== kind || data.key !== key) return msg.remoteWrongKey;
  if (typeof data.files !== "object" || data.files === null) return msg.remoteNotArtifact;
  const files = new Map<string, Buffer | null>();
  for (const [p, f] of Object.entries(data.files as Record<string, unknown>)) {
    if (f === null) {
      files.set(p, null);
      continue;
    }
    const file = f as { sha256?: unknown; data?: unknown };
    if (typeof file.data !== "string" || typeof file.sha256 !== "string") return msg.remoteNotArtifact;
    const bytes = Buffer.from(file.data, "base64");
    if (sha256(bytes) !== file.sha256) return msg.remoteHashMismatch(p);
    files.set(p, bytes);
  }
  return { kind, key, files };
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
