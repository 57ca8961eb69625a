import { createHmac, timingSafeEqual } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
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
 * are refused. The server only ever saves work: the first timeout, refusal or
 * server error turns it off for the rest of the run with one warning.
 */

type Settings = NonNullable<Config["remote"]>;

const FORMAT = "zero-models-artifact";

export class RemoteCache {
  private off = false;
  private readonly rejected = new Set<string>();
  /** Identifies this server and team in the local store's record of uploads. */
  readonly id: string;

  constructor(
    private readonly settings: Settings,
    private readonly secrets: { token?: string; signatureKey?: string },
    private readonly warn: (text: string) => void,
    private readonly debug: Debug,
  ) {
    this.id = sha256(`${settings.url}\0${settings.team ?? ""}`).slice(0, 16);
  }

  get canRead(): boolean {
    return this.settings.read && !this.off;
  }

  get canWrite(): boolean {
    return this.settings.write && !this.off;
  }

  /** The artifact stored for `key`, checked; null when the server has none, refuses it, or is unusable. */
  async get(kind: ArtifactKind, key: string): Promise<Artifact | null> {
    if (!this.canRead) return null;
    const hash = artifactHash(kind, key);
    const response = await this.request("GET", hash);
    if (!response || response.status === 404) return null;
    const body = Buffer.from(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
    const problem = this.signatureProblem(hash, body, response.headers.get("x-artifact-tag"));
    const decoded = problem ?? decode(body, kind, key);
    if (typeof decoded === "string") {
      // Once per kind of problem: a wrong key rejects every artifact alike.
      if (!this.rejected.has(decoded)) this.warn(msg.remoteArtifactRejected(kind, key, decoded));
      else this.debug(`remote: ${kind} ${key.slice(0, 12)} rejected too: ${decoded}`);
      this.rejected.add(decoded);
      return null;
    }
    return decoded;
  }

  async put(artifact: Artifact): Promise<boolean> {
    if (!this.canWrite) return false;
    const hash = artifactHash(artifact.kind, artifact.key);
    const body = encode(artifact);
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (this.secrets.signatureKey) headers["x-artifact-tag"] = this.tag(hash, body);
    const response = await this.request("PUT", hash, body, headers);
    return response !== null;
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

  /** The response, or null after turning the remote off (with its one warning) when the server cannot be used. */
  private async request(method: "GET" | "PUT", hash: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Response | null> {
    const { url, team, timeoutMs } = this.settings;
    const query = team ? `?${team.startsWith("team_") ? "teamId" : "slug"}=${encodeURIComponent(team)}` : "";
    if (this.secrets.token) headers.authorization = `Bearer ${this.secrets.token}`;
    const started = performance.now();
    try {
      const response = await fetch(`${url}/v8/artifacts/${hash}${query}`, { method, body: body ? new Uint8Array(body) : undefined, headers, signal: AbortSignal.timeout(timeoutMs) });
      this.debug(`remote: ${method} ${hash.slice(0, 12)} ${response.status} in ${Math.round(performance.now() - started)} ms`);
      if (response.ok || (method === "GET" && response.status === 404)) return response;
      await response.arrayBuffer().catch(() => {});
      this.disable(response.status === 401 || response.status === 403 ? msg.remoteRefused(url, response.status) : msg.remoteFailed(url, `it answered ${response.status} ${response.statusText}`.trim()));
    } catch (error) {
      const name = (error as Error).name;
      const why = name === "TimeoutError" || name === "AbortError" ? `no answer within ${timeoutMs} ms` : describe(error);
      this.disable(msg.remoteFailed(url, why));
    }
    return null;
  }

  private disable(warning: string): void {
    if (this.off) return;
    this.off = true;
    this.warn(warning);
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

/** The artifact, or what is wrong with it. */
function decode(body: Buffer, kind: ArtifactKind, key: string): Artifact | string {
  let data: { format?: unknown; version?: unknown; kind?: unknown; key?: unknown; files?: unknown };
  try {
    data = JSON.parse(gunzipSync(body).toString("utf8"));
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
