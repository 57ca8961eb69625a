import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  artifactId,
  artifactTag,
  closedPortUrl,
  decodeArtifact,
  encodeArtifact,
  overwriteArtifact,
  sha256,
  startFaultProxy,
  startRemoteServer,
  storedArtifacts,
  storedArtifactWithFile,
  type Artifact,
  type FaultProxy,
  type ProxyRequest,
  type RemoteServer,
} from "../helpers/remote-server.js";
import {
  all,
  configure,
  fileHashes,
  gitTimed,
  ignoredOutputsTeam,
  json,
  OUTPUT_DIR,
  perTableFiles,
  readLock,
  regenLines,
  remoteWarnings,
  removeStore,
  restoredLines,
  spyGenerator,
  storeEntries,
  zcTimed,
  type BuiltTeam,
  type TimedResult,
} from "../helpers/store-team.js";
import type { Repo } from "../helpers/repo.js";
import { addColumn, copyTeam, type Team } from "../helpers/team.js";

/**
 * The shared store (issue 7) against the REAL self-hosted Turborepo remote
 * cache server (turborepo-remote-cache, local disk), with a fault proxy in
 * front of it. The team's generated files are git-ignored, so a clone has
 * none and gets them from `zero-models restore`, the hooks or `generate`.
 * bin/rails is replaced by a spy (test/helpers/store-team.ts) that records
 * each run, or fails, to prove the generator never ran.
 *
 * One team is built for the file (and alice's generate --all uploads its
 * artifacts once, to team_zc on the plain server and, signed, to team_signed
 * on a server with a signature key); each test works on a copy of it and
 * on a team of its own on the server (a copy of the uploaded artifacts when it
 * needs them), so tests cannot see each other's uploads.
 */

const TEAM = "team_zc";
const SIGNED_TEAM = "team_signed";
const KEY = "zero-models team signing key";
const CACTUS = perTableFiles("cactus");
const MODELS = ["ActivityEvent", "Admin::AuditLog", "Cactus", "Client", "Equipment", "Job", "JobAssignment", "Note", "Person", "Tag", "Tagging"].sort();

let plain: RemoteServer;
let signing: RemoteServer;
let proxy: FaultProxy;
let template: BuiltTeam;
/** The generated files of main: template alice's generate --all, a full run. */
let mainHashes: Map<string, string>;
let tables: string[];
let upload: TimedResult;
let uploadRequests: ProxyRequest[] = [];
let signedUpload: TimedResult;

const tokenEnv = (server: RemoteServer, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ZERO_MODELS_REMOTE_TOKEN: server.token, ...extra });

beforeAll(async () => {
  [plain, signing] = await Promise.all([startRemoteServer({ token: "plain-token" }), startRemoteServer({ token: "signing-token", signatureKey: "server-side key" })]);
  proxy = await startFaultProxy(plain.url);
  template = ignoredOutputsTeam();
  mainHashes = fileHashes(template.alice);
  tables = Object.keys(readLock(template.alice).tables).sort();
  // Alice's generation, uploaded through the proxy (recorded).
  configure(template.alice, { remote: { url: proxy.url, team: TEAM } });
  upload = zcTimed(template.alice, ["generate", "--all"], tokenEnv(plain));
  uploadRequests = [...proxy.requests];
  proxy.clear();
  // The same, signed, to the server that keeps tags; from a copy with an empty local store.
  const [copy, dispose] = copyTeam(template);
  try {
    removeStore(copy.alice);
    configure(copy.alice, { remote: { url: signing.url, team: SIGNED_TEAM } });
    signedUpload = zcTimed(copy.alice, ["generate", "--all"], tokenEnv(signing, { ZERO_MODELS_REMOTE_SIGNATURE_KEY: KEY }));
  } finally {
    dispose();
  }
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([plain?.stop(), signing?.stop()]);
  if (template) rmSync(template.top, { recursive: true, force: true });
});

let seq = 0;

interface Setup extends Team {
  team: string;
}

/**
 * A copy of the team whose clones use `url` (default: the proxy, passing
 * through to the plain server) and a team of their own on the server, holding
 * a copy of `from`'s artifacts when given.
 */
function setup(options: { url?: string; server?: RemoteServer; from?: string; team?: string; remote?: Record<string, unknown> } = {}): Setup {
  proxy.setMode({ kind: "pass" });
  proxy.clear();
  onTestFinished(() => proxy.setMode({ kind: "pass" }));
  const [copy, dispose] = copyTeam(template);
  onTestFinished(dispose);
  const team = options.team ?? `team_t${++seq}`;
  const server = options.server ?? plain;
  if (options.from) cpSync(path.join(server.storagePath, options.from), path.join(server.storagePath, team), { recursive: true });
  const remote = { url: options.url ?? proxy.url, team, ...options.remote };
  configure(copy.alice, { remote });
  configure(copy.bob, { remote });
  return { ...copy, team };
}

interface RestoreJson {
  restored: Array<{ table: string; model: string; from: string }>;
  missing?: string[];
}
interface GenerateJson {
  ok: boolean;
  regenerated: Array<{ table: string } | string>;
  restored: Array<{ table: string; model: string; from: string }>;
}
const names = (list: Array<{ table: string } | string>) => list.map((r) => (typeof r === "string" ? r : r.table)).sort();

function expectOk(r: TimedResult, what: string): TimedResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Every generated file of the repo, as text, for "this text was never written" checks. */
function outputsText(repo: Team["bob"]): string {
  return [...fileHashes(repo).keys()].map((f) => readFileSync(path.join(repo.dir, f), "utf8")).join("\n");
}

describe("sharing generated files through the remote cache", () => {
  it("uploads each table's and the shared files after a generation, in the Turborepo artifact format", () => {
    expectOk(upload, "alice's generate --all with the remote configured");
    expect(remoteWarnings(all(upload))).toEqual([]);
    const stored = storedArtifacts(plain, TEAM);
    const lock = readLock(template.alice);
    expect(stored.size).toBe(tables.length + 1);
    for (const [table, entry] of Object.entries(lock.tables)) {
      const id = artifactId("table", entry.fingerprint);
      expect(stored.has(id), `artifact of ${table} (id ${id})`).toBe(true);
      const artifact = decodeArtifact(stored.get(id)!);
      expect(artifact).toMatchObject({ format: "zero-models-artifact", version: 1, kind: "table", key: entry.fingerprint });
      expect(Object.keys(artifact.files).sort()).toEqual(Object.keys(entry.outputs).sort());
      for (const [file, content] of Object.entries(artifact.files)) {
        expect(content, file).not.toBeNull();
        expect(content!.sha256).toBe(mainHashes.get(file));
        expect(sha256(Buffer.from(content!.data, "base64"))).toBe(mainHashes.get(file));
      }
    }
    const shared = [...stored].map(([id, body]) => ({ id, artifact: decodeArtifact(body) })).filter((a) => a.artifact.kind === "shared");
    expect(shared).toHaveLength(1);
    expect(shared[0]!.id).toBe(artifactId("shared", shared[0]!.artifact.key));
    expect(shared[0]!.artifact.key).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(shared[0]!.artifact.files).sort()).toEqual(Object.keys(lock.shared).sort());
    for (const [file, content] of Object.entries(shared[0]!.artifact.files)) expect(content?.sha256).toBe(mainHashes.get(file));

    // The requests: PUT /v8/artifacts/<id>?teamId=team_zc with the Bearer token from the environment.
    const puts = uploadRequests.filter((r) => r.method === "PUT");
    expect(puts.length).toBe(tables.length + 1);
    for (const put of puts) {
      const url = new URL(put.url, "http://x");
      expect(url.pathname).toMatch(/^\/v8\/artifacts\/[0-9a-f]{64}$/);
      expect(url.searchParams.get("teamId")).toBe(TEAM);
      expect(url.searchParams.has("slug")).toBe(false);
      expect(put.headers.authorization).toBe(`Bearer ${plain.token}`);
      expect(put.status).toBe(200);
    }
  });

  it("restores every table in a teammate's fresh clone from the remote, without a generator, byte for byte", () => {
    const { bob, team } = setup({ from: TEAM });
    const spy = spyGenerator(bob, { fail: true });
    expect(fileHashes(bob).size).toBe(0);

    const text = expectOk(zcTimed(bob, ["restore"], tokenEnv(plain)), "restore");
    expect(restoredLines(text.stdout)).toEqual(MODELS.map((m) => [m, "remote cache"]));
    expect(remoteWarnings(all(text))).toEqual([]);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(bob)).toEqual(mainHashes);
    expect(zcTimed(bob, ["check"], tokenEnv(plain)).code).toBe(0);
    // GET /v8/artifacts/<id>?teamId=… with the token.
    const gets = proxy.artifactRequests("GET");
    expect(gets.length).toBeGreaterThanOrEqual(tables.length + 1);
    for (const get of gets) {
      expect(new URL(get.url, "http://x").searchParams.get("teamId")).toBe(team);
      expect(get.headers.authorization).toBe(`Bearer ${plain.token}`);
    }

    // Again with --json, from an empty work tree and an empty local store.
    rmSync(path.join(bob.dir, OUTPUT_DIR), { recursive: true, force: true });
    removeStore(bob);
    const r = expectOk(zcTimed(bob, ["restore", "--json"], tokenEnv(plain)), "restore --json");
    const report = json<RestoreJson>(r);
    expect(report.restored.map((x) => x.table).sort()).toEqual(tables);
    expect(report.restored.every((x) => x.from === "remote")).toBe(true);
    expect(report.restored.map((x) => x.model).sort()).toEqual(MODELS);
    expect(report.missing ?? []).toEqual([]);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(bob)).toEqual(mainHashes);
    expect(zcTimed(bob, ["check"], tokenEnv(plain)).code).toBe(0);
  });

  it("a pull fetches the tables a teammate regenerated from the remote (post-merge), not the generator", () => {
    const { alice, bob, team } = setup({ from: TEAM });
    const spy = spyGenerator(bob, { fail: true });
    expectOk(zcTimed(bob, ["restore"], tokenEnv(plain)), "bob's first restore");

    addColumn(alice, "cacti", 't.integer "spines"');
    const gen = expectOk(zcTimed(alice, ["generate"], tokenEnv(plain)), "alice's generate");
    const expected = regenLines(gen.stdout);
    expect(expected).toContain("Cactus");
    expect(storedArtifacts(plain, team).size).toBeGreaterThan(tables.length + 1);
    expectOk(gitTimed(alice, {}, ["add", "db/schema.rb", "zero-models.lock"]), "git add");
    expectOk(gitTimed(alice, {}, ["commit", "-q", "--no-verify", "-m", "spines"]), "commit");
    expectOk(gitTimed(alice, {}, ["push", "-q"]), "push");

    const pull = expectOk(gitTimed(bob, tokenEnv(plain), ["pull", "--no-rebase"]), "bob's git pull");
    const out = all(pull);
    expect(restoredLines(out)).toEqual(expected.map((m) => [m, "remote cache"]));
    expect(regenLines(out)).toEqual([]);
    expect(out).toMatch(new RegExp(`\\b${expected.length} restored\\b`));
    expect(remoteWarnings(out)).toEqual([]);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(bob)).toEqual(fileHashes(alice));
    expect(bob.read(CACTUS[2]!)).toContain("spines");
    expect(zcTimed(bob, ["check"], tokenEnv(plain)).code).toBe(0);
  });
});

describe("a remote that is down, slow or refusing degrades to local behaviour with one warning", () => {
  it("server down (connection refused): generate runs the generator, restore names what it could not get", async () => {
    const { bob } = setup({ url: await closedPortUrl() });
    const spy = spyGenerator(bob);
    const gen = zcTimed(bob, ["generate"], tokenEnv(plain));
    expectOk(gen, "generate with the server down");
    expect(remoteWarnings(gen.stderr)).toHaveLength(1);
    expect(remoteWarnings(all(gen))).toHaveLength(1);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(bob)).toEqual(mainHashes);
    expect(zcTimed(bob, ["check"], tokenEnv(plain)).code).toBe(0);
    expect(gen.ms).toBeLessThan(45_000);

    rmSync(path.join(bob.dir, OUTPUT_DIR), { recursive: true, force: true });
    removeStore(bob);
    spy.reset();
    const restore = zcTimed(bob, ["restore"], tokenEnv(plain));
    expect(restore.code).toBe(1);
    expect(all(restore)).toContain("no stored artifact for");
    for (const table of ["cacti", "people"]) expect(all(restore)).toContain(table);
    expect(remoteWarnings(restore.stderr)).toHaveLength(1);
    expect(spy.runs()).toEqual([]);
  });

  it("server that never answers (timeoutMs 500): generate and the post-merge hook succeed with one warning each", () => {
    const { alice, bob } = setup({ from: TEAM, remote: { timeoutMs: 500 } });
    proxy.setMode({ kind: "hang" });
    const spy = spyGenerator(bob);
    const gen = zcTimed(bob, ["generate"], tokenEnv(plain));
    expectOk(gen, "generate with a hanging server");
    expect(remoteWarnings(gen.stderr)).toHaveLength(1);
    expect(remoteWarnings(all(gen))).toHaveLength(1);
    expect(restoredLines(gen.stdout)).toEqual([]);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(bob)).toEqual(mainHashes);
    expect(gen.ms).toBeLessThan(45_000);

    // Alice (remote off) pushes a schema change; bob's pull must not be held up by the dead server.
    configure(alice, { remote: { url: null } });
    addColumn(alice, "cacti", 't.integer "spines"');
    expectOk(zcTimed(alice, ["generate"]), "alice's generate");
    expectOk(gitTimed(alice, {}, ["add", "db/schema.rb", "zero-models.lock"]), "git add");
    expectOk(gitTimed(alice, {}, ["commit", "-q", "--no-verify", "-m", "spines"]), "commit");
    expectOk(gitTimed(alice, {}, ["push", "-q"]), "push");
    spy.reset();
    const pull = gitTimed(bob, tokenEnv(plain), ["pull", "--no-rebase"]);
    expectOk(pull, "git pull with a hanging server");
    expect(remoteWarnings(pull.stderr)).toHaveLength(1);
    expect(remoteWarnings(all(pull))).toHaveLength(1);
    expect(regenLines(all(pull))).toContain("Cactus");
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(pull.ms).toBeLessThan(45_000);
    expect(fileHashes(bob)).toEqual(fileHashes(alice));
    expect(zcTimed(bob, ["check"], tokenEnv(plain)).code).toBe(0);
  });

  it.each([
    { name: "401 from the real server (wrong token)", status: null, token: "not-the-token" },
    { name: "403", status: 403, token: null },
    { name: "412", status: 412, token: null },
    { name: "500", status: 500, token: null },
  ])("server answering $name: generate runs the generator, one warning", ({ status, token }) => {
    const { bob } = setup({ from: TEAM });
    if (status) proxy.setMode({ kind: "status", status });
    const spy = spyGenerator(bob);
    const gen = zcTimed(bob, ["generate"], { ZERO_MODELS_REMOTE_TOKEN: token ?? plain.token });
    expectOk(gen, `generate against a server answering ${status ?? 401}`);
    expect(remoteWarnings(gen.stderr)).toHaveLength(1);
    expect(remoteWarnings(all(gen))).toHaveLength(1);
    expect(restoredLines(gen.stdout)).toEqual([]);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(bob)).toEqual(mainHashes);
    expect(zcTimed(bob, ["check"], tokenEnv(plain)).code).toBe(0);
    // The server was asked (and answered with the fault), it was not simply skipped.
    expect(proxy.artifactRequests().some((r) => r.status === (status ?? 401))).toBe(true);
  });
});

describe("tampered artifacts", () => {
  it("a garbage, truncated or inconsistent artifact is a miss: never written; restore exits 1 naming the table, generate regenerates it", () => {
    const { bob, team } = setup({ from: TEAM });
    const forged = "export const forged = 'not what the generator wrote';\n";
    const tamper = (kebab: string, body: (a: { artifact: Artifact }) => Buffer) => {
      const target = storedArtifactWithFile(plain, team, perTableFiles(kebab)[0]!);
      overwriteArtifact(plain, team, target.id, body(target));
    };
    // cacti: not gzip at all.
    tamper("cactus", () => Buffer.from("this is not a gzip artifact\n"));
    // people: gzip of truncated JSON.
    tamper("person", () => gzipSync(Buffer.from('{"format":"zero-models-artifact","version":1,"kind":"table","files":{')));
    // tags: well-formed, but a file's data does not match its declared sha256 (no signature key: only the hash can tell).
    tamper("tag", ({ artifact }) => {
      const copy = structuredClone(artifact);
      const file = perTableFiles("tag")[0]!;
      copy.files[file] = { sha256: copy.files[file]!.sha256, data: Buffer.from(forged).toString("base64") };
      return encodeArtifact(copy);
    });
    const tampered = ["cacti", "people", "tags"];
    const failing = spyGenerator(bob, { fail: true });

    const r = zcTimed(bob, ["restore", "--json"], tokenEnv(plain));
    expect(r.code).toBe(1);
    const report = json<RestoreJson>(r);
    expect([...(report.missing ?? [])].sort()).toEqual(tampered);
    expect(report.restored.map((x) => x.table).sort()).toEqual(tables.filter((t) => !tampered.includes(t)));
    for (const file of [...perTableFiles("cactus"), ...perTableFiles("person"), ...perTableFiles("tag")]) expect(bob.exists(file), file).toBe(false);
    expect(outputsText(bob)).not.toContain("forged");
    expect(failing.runs()).toEqual([]);

    const text = zcTimed(bob, ["restore"], tokenEnv(plain));
    expect(text.code).toBe(1);
    expect(all(text)).toContain("no stored artifact for");
    for (const t of tampered) expect(all(text)).toContain(t);

    const spy = spyGenerator(bob);
    const gen = expectOk(zcTimed(bob, ["generate", "--json"], tokenEnv(plain)), "generate");
    expect(names(json<GenerateJson>(gen).regenerated)).toEqual(tampered);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(bob)).toEqual(mainHashes);
    expect(zcTimed(bob, ["check"], tokenEnv(plain)).code).toBe(0);
  });
});

/** restore refused every artifact: exit 1 naming every table and the shared files, a warning, nothing written, no generator. */
function expectRejectedRestore(r: { code: number | null; stdout: string; stderr: string }, bob: Repo, spy: { runs(): unknown[] }): void {
  expect(r.code).toBe(1);
  const report = json<RestoreJson>(r);
  expect([...(report.missing ?? [])].sort()).toEqual([...tables, "shared"].sort());
  expect(report.restored).toEqual([]);
  expect(r.stderr).toMatch(/^zero-models: remote cache/m);
  expect(fileHashes(bob).size).toBe(0);
  expect(spy.runs()).toEqual([]);
}

describe("signed artifacts (ZERO_MODELS_REMOTE_SIGNATURE_KEY)", () => {
  const signed = (key = KEY) => tokenEnv(signing, { ZERO_MODELS_REMOTE_SIGNATURE_KEY: key });

  it("uploads carry x-artifact-tag = base64(HMAC-SHA256(key, id + team + body)); a teammate with the key restores them", () => {
    expectOk(signedUpload, "signed generate --all");
    const stored = storedArtifacts(signing, SIGNED_TEAM);
    expect(stored.size).toBe(tables.length + 1);
    for (const [id, body] of stored) {
      const tagFile = path.join(signing.storagePath, SIGNED_TEAM, `${id}.tag`);
      expect(existsSync(tagFile), `tag of ${id}`).toBe(true);
      expect(readFileSync(tagFile, "utf8")).toBe(artifactTag(KEY, id, SIGNED_TEAM, body));
    }
    // Read-only use of the uploaded team (tags are made for its name).
    const { bob } = setup({ server: signing, url: signing.url, team: SIGNED_TEAM });
    const spy = spyGenerator(bob, { fail: true });
    const r = expectOk(zcTimed(bob, ["restore", "--json"], signed()), "restore with the signing key");
    const report = json<RestoreJson>(r);
    expect(report.restored.map((x) => x.table).sort()).toEqual(tables);
    expect(report.restored.every((x) => x.from === "remote")).toBe(true);
    expect(spy.runs()).toEqual([]);
    expect(fileHashes(bob)).toEqual(mainHashes);
  });

  it("a forged artifact (consistent hashes, old tag) is rejected with a warning: nothing written, the generator runs", () => {
    // Artifacts and tags copied to the test's team, re-signed by the test for that team.
    const team = `team_f${++seq}`;
    const { bob } = setup({ server: signing, url: signing.url, from: SIGNED_TEAM, team });
    for (const [id, body] of storedArtifacts(signing, team)) {
      overwriteArtifact(signing, team, `${id}.tag`, Buffer.from(artifactTag(KEY, id, team, body)));
    }
    const target = storedArtifactWithFile(signing, team, CACTUS[0]!);
    const forgery = structuredClone(target.artifact);
    const forgedText = "export const forged = true;\n";
    forgery.files[CACTUS[0]!] = { sha256: sha256(forgedText), data: Buffer.from(forgedText).toString("base64") };
    overwriteArtifact(signing, team, target.id, encodeArtifact(forgery));

    spyGenerator(bob, { fail: true });
    const r = zcTimed(bob, ["restore", "--json"], signed());
    expect(r.code).toBe(1);
    const report = json<RestoreJson>(r);
    expect(report.missing).toEqual(["cacti"]);
    expect(report.restored.map((x) => x.table).sort()).toEqual(tables.filter((t) => t !== "cacti"));
    expect(r.stderr).toMatch(/^zero-models: remote cache/m);
    for (const file of CACTUS) expect(bob.exists(file), file).toBe(false);
    expect(outputsText(bob)).not.toContain("forged");

    const spy = spyGenerator(bob);
    const gen = expectOk(zcTimed(bob, ["generate", "--json"], signed()), "generate");
    expect(names(json<GenerateJson>(gen).regenerated)).toEqual(["cacti"]);
    expect(gen.stderr).toMatch(/^zero-models: remote cache/m);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(fileHashes(bob)).toEqual(mainHashes);
  });

  it("artifacts signed with another key are rejected with a warning: restore exits 1 naming every table and the shared files", () => {
    const { bob } = setup({ server: signing, url: signing.url, team: SIGNED_TEAM });
    const spy = spyGenerator(bob, { fail: true });
    const r = zcTimed(bob, ["restore", "--json"], signed("some other key"));
    expectRejectedRestore(r, bob, spy);
  });

  it("unsigned artifacts (a server that returns no tag) are rejected with a warning when a key is set", () => {
    // team_zc's artifacts were uploaded without a key to the plain server, which keeps no tags.
    const { bob } = setup({ from: TEAM });
    const spy = spyGenerator(bob, { fail: true });
    const r = zcTimed(bob, ["restore", "--json"], tokenEnv(plain, { ZERO_MODELS_REMOTE_SIGNATURE_KEY: KEY }));
    expectRejectedRestore(r, bob, spy);
    // The artifacts were there and were downloaded: rejected, not missed.
    expect(proxy.artifactRequests("GET").filter((g) => g.status === 200).length).toBeGreaterThan(0);
  });
});

describe("remote.read / remote.write", () => {
  it("write: false uploads nothing (the local store still gets the generation)", () => {
    const { alice, team } = setup({ remote: { write: false } });
    removeStore(alice);
    const gen = expectOk(zcTimed(alice, ["generate", "--all"], tokenEnv(plain)), "generate --all");
    expect(remoteWarnings(all(gen))).toEqual([]);
    expect(proxy.artifactRequests("PUT")).toEqual([]);
    expect(storedArtifacts(plain, team).size).toBe(0);
    expect(storeEntries(alice).size).toBe(tables.length + 1);
  });

  it("read: false downloads nothing; a team slug (no team_ prefix) is sent as ?slug=", () => {
    const team = "zc-slug";
    const { alice, bob } = setup({ team });
    rmSync(path.join(plain.storagePath, team), { recursive: true, force: true });
    removeStore(alice);
    expectOk(zcTimed(alice, ["generate", "--all"], tokenEnv(plain)), "alice's generate --all");
    const puts = proxy.artifactRequests("PUT");
    expect(puts.length).toBe(tables.length + 1);
    for (const put of puts) {
      const url = new URL(put.url, "http://x");
      expect(url.searchParams.get("slug")).toBe(team);
      expect(url.searchParams.has("teamId")).toBe(false);
    }
    expect(storedArtifacts(plain, team).size).toBe(tables.length + 1);

    configure(bob, { remote: { read: false } });
    proxy.clear();
    const failing = spyGenerator(bob, { fail: true });
    const restore = zcTimed(bob, ["restore", "--json"], tokenEnv(plain));
    expect(restore.code).toBe(1);
    expect([...(json<RestoreJson>(restore).missing ?? [])].sort()).toEqual([...tables, "shared"].sort());
    expect(failing.runs()).toEqual([]);
    expect(fileHashes(bob).size).toBe(0);

    const spy = spyGenerator(bob);
    const gen = expectOk(zcTimed(bob, ["generate"], tokenEnv(plain)), "bob's generate");
    expect(restoredLines(gen.stdout)).toEqual([]);
    expect(spy.runs().length).toBeGreaterThan(0);
    expect(proxy.artifactRequests("GET")).toEqual([]);
    expect(fileHashes(bob)).toEqual(mainHashes);
  });
});
