import { accessSync, constants, existsSync, readFileSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as msg from "../common/messages.js";
import { exampleFrom } from "../config/example.js";
import { findConfigFile } from "../config/file.js";
import { loadConfig, type Config } from "../config/load.js";
import { attributeValue, configValue, gitVersion, isIgnored, topLevel } from "../git/repo.js";
import { attributeLine, driverCommand, DRIVER_CLI, hookLine, huskyHooksPath, isOurHookLine, MERGE_DRIVER, relativeDir } from "../hooks/install-edits.js";
import { configuredDriver } from "../hooks/merge-driver.js";
import { nearest } from "../hooks/package-dir.js";
import { HOOKS } from "../hooks/scope.js";
import { computePlan } from "../staleness/plan.js";
import { isFresh } from "../staleness/verdict.js";
import { RemoteCache } from "../store/remote.js";

/**
 * `zero-models doctor`'s checks: is this checkout set up so that the hooks,
 * `check` and `generate` work? Each check answers pass, warn (works, but
 * something needs doing: stale models, a pending migration, an unreachable
 * shared store, an old git), fail (something will not work until fixed) or
 * skip (it depends on one that failed, or does not apply), with one fix line.
 */

export type CheckStatus = "pass" | "warn" | "fail" | "skip";
export type CheckId = "node" | "git" | "config" | "package" | "hooks" | "merge" | "generator" | "lock" | "migrations" | "store" | "remote";

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  detail: string;
  fix: string | null;
}

export interface CheckOptions {
  cwd: string;
  configFile?: string;
  /** The folder of the app's package.json (init's --package); default: found from cwd, then from the Rails root. */
  packageDir?: string;
  env: NodeJS.ProcessEnv;
  nodeVersion: string;
}

/** Husky's core.hooksPath needs git 2.9; the tests run on 2.39. */
const MIN_GIT: Version = [2, 9, 0];
const TESTED_GIT: Version = [2, 39, 0];
/** package.json's engines. */
const MIN_NODE: Version = [20, 19, 0];
/** A reachability probe, not a transfer: a remote that needs longer is reported as slow by generate anyway. */
const PROBE_TIMEOUT_MS = 2000;

type Version = [number, number, number];

const result = (id: CheckId, status: CheckStatus, detail: string, fix: string | null = null): CheckResult => ({ id, status, detail, fix });

export async function runChecks(options: CheckOptions): Promise<CheckResult[]> {
  const results = [checkNode(options.nodeVersion), await checkGit(options.cwd)];
  let root: string;
  try {
    root = await topLevel(options.cwd);
  } catch (error) {
    return [...results, result("config", "fail", (error as Error).message, msg.doctorFixGitRepo)];
  }
  const loaded = await checkConfig(options, root);
  results.push(loaded.result);
  const config = loaded.config;
  if (!config) return [...results, ...(["package", "hooks", "merge", "generator", "lock", "migrations", "store", "remote"] as const).map((id) => result(id, "skip", msg.doctorNeedsConfig))];
  const pkg = checkPackage(config, options);
  results.push(pkg.result);
  results.push(pkg.dir ? await checkHooks(config, pkg.dir) : result("hooks", "skip", msg.doctorNeedsPackage));
  results.push(pkg.dir ? await checkMergeDriver(config, pkg.dir) : result("merge", "skip", msg.doctorNeedsPackage));
  results.push(checkGenerator(config, options.env));
  results.push(...(await checkLockAndMigrations(config)));
  results.push(await checkStore(config));
  results.push(await checkRemote(config, options.env));
  return results;
}

function checkNode(version: string): CheckResult {
  const ok = atLeast(parseVersion(version), MIN_NODE);
  return result("node", ok ? "pass" : "fail", msg.doctorNode(version, MIN_NODE.join(".")), ok ? null : msg.doctorFixNode(MIN_NODE.join(".")));
}

async function checkGit(cwd: string): Promise<CheckResult> {
  const text = await gitVersion(cwd);
  if (text === null) return result("git", "fail", msg.doctorGitMissing, msg.doctorFixGit(MIN_GIT.join(".")));
  const version = parseVersion(text);
  if (!atLeast(version, MIN_GIT)) return result("git", "fail", msg.doctorGit(text), msg.doctorFixGit(MIN_GIT.join(".")));
  if (!atLeast(version, TESTED_GIT)) return result("git", "warn", msg.doctorGitUntested(text, TESTED_GIT.join(".")), msg.doctorFixGit(TESTED_GIT.join(".")));
  return result("git", "pass", msg.doctorGit(text));
}

async function checkConfig(options: CheckOptions, root: string): Promise<{ result: CheckResult; config: Config | null }> {
  let config: Config;
  try {
    config = await loadConfig(options.cwd, root, options.configFile);
  } catch (error) {
    const file = options.configFile ?? findConfigFile(options.cwd, root) ?? "the config";
    return { result: result("config", "fail", (error as Error).message, msg.doctorFixConfig(file, exampleFrom(options.cwd))), config: null };
  }
  if (!config.file) return { result: result("config", "warn", msg.doctorNoConfig(root), msg.doctorFixInit), config };
  return { result: result("config", "pass", msg.doctorConfig(relativeDir(root, config.file))), config };
}

/**
 * The app's package.json (where npx runs, so from the working directory up,
 * else from the Rails root up) and the zero-models its node_modules/.bin runs:
 * what the hooks run.
 */
function checkPackage(config: Config, options: CheckOptions): { result: CheckResult; dir: string | null } {
  const pkgFile = options.packageDir
    ? path.join(path.resolve(options.cwd, options.packageDir), "package.json")
    : (nearest(path.resolve(options.cwd), config.root, "package.json") ?? nearest(config.projectDir, config.root, "package.json"));
  if (!pkgFile || !existsSync(pkgFile)) return { result: result("package", "fail", msg.doctorNoPackageJson, msg.doctorFixInit), dir: null };
  const dir = path.dirname(pkgFile);
  const bin = path.join(dir, "node_modules", ".bin", "zero-models");
  const where = relativeDir(config.root, bin);
  if (!existsSync(bin)) return { result: result("package", "fail", msg.doctorNotInstalled(where), msg.doctorFixInstall(relativeDir(config.root, dir))), dir };
  const owner = packageOf(realpathSync(bin));
  if (owner?.name !== "zero-models") return { result: result("package", "fail", msg.doctorBinCollision(where, owner?.name ?? "an unknown file"), msg.doctorFixBinCollision), dir };
  return { result: result("package", "pass", msg.doctorInstalled(where, owner.version)), dir };
}

/** Name and version of the package holding `file`. */
function packageOf(file: string): { name: string; version: string } | null {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (!existsSync(pkg)) continue;
    try {
      const data = JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown; version?: unknown };
      return { name: String(data.name), version: String(data.version) };
    } catch {
      return null;
    }
  }
  return null;
}

async function checkHooks(config: Config, pkgDir: string): Promise<CheckResult> {
  const packageFromRoot = relativeDir(config.root, pkgDir);
  const hooksPath = await configValue(config.root, "core.hooksPath");
  // The plain hooks/ scripts shipped with the package: no husky, no hook lines.
  if (hooksPath && /(^|\/)zero-models\/hooks\/?$/.test(hooksPath)) return result("hooks", "pass", msg.doctorPlainHooks(hooksPath));
  const missing: string[] = [];
  const outdated: string[] = [];
  for (const name of HOOKS) {
    const file = path.join(pkgDir, ".husky", name);
    const lines = existsSync(file) ? (await readFile(file, "utf8")).split("\n") : [];
    const ours = lines.filter((l) => isOurHookLine(l, name));
    if (ours.length === 0) missing.push(relativeDir(config.root, file));
    else if (!ours.includes(hookLine(name, packageFromRoot, relativeDir(pkgDir, config.projectDir)))) outdated.push(relativeDir(config.root, file));
  }
  if (missing.length) return result("hooks", "fail", msg.doctorHookLinesMissing(missing), msg.doctorFixInit);
  const wanted = huskyHooksPath(packageFromRoot);
  if (hooksPath !== wanted || !existsSync(path.join(config.root, wanted, "h"))) return result("hooks", "fail", msg.doctorHooksInactive(hooksPath, wanted), msg.doctorFixHusky);
  if (outdated.length) return result("hooks", "warn", msg.doctorHookLinesOutdated(outdated), msg.doctorFixReinit);
  return result("hooks", "pass", msg.doctorHooks(wanted));
}

/**
 * The lock's merge driver: .gitattributes gives the lock to it, and this
 * clone's git config runs the command init and `npm install` set, whose
 * file exists.
 */
async function checkMergeDriver(config: Config, pkgDir: string): Promise<CheckResult> {
  const attribute = await attributeValue(config.root, "merge", config.lockfile);
  if (attribute !== MERGE_DRIVER) return result("merge", "fail", msg.doctorNoMergeAttribute(config.lockfile, attribute), msg.doctorFixMergeAttribute(attributeLine(config.lockfile)));
  const driver = await configuredDriver(config.root);
  if (driver !== driverCommand(relativeDir(config.root, pkgDir), relativeDir(config.root, config.projectDir))) return result("merge", "fail", msg.doctorDriverNotSet(driver), msg.doctorFixDriver);
  const cli = path.join(pkgDir, DRIVER_CLI);
  if (!existsSync(cli)) return result("merge", "fail", msg.doctorDriverMissing(relativeDir(config.root, cli)), msg.doctorFixInstall(relativeDir(config.root, pkgDir)));
  return result("merge", "pass", msg.doctorMergeDriver(config.lockfile));
}

/** The generator's command as spawn will find it: a path from the Rails root, or a name on PATH. */
function checkGenerator(config: Config, env: NodeJS.ProcessEnv): CheckResult {
  const command = config.generator.all[0] ?? "";
  const found = command.includes("/") ? executable(path.resolve(config.projectDir, command)) : onPath(command, env.PATH ?? "");
  if (!found) return result("generator", "fail", msg.doctorGeneratorMissing(command, config.generator.all.join(" ")), msg.doctorFixGenerator(relativeDir(config.root, config.file ?? config.projectDir)));
  return result("generator", "pass", msg.doctorGenerator(config.generator.all.join(" ")));
}

function executable(file: string): string | null {
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return null;
  }
}

function onPath(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const file = executable(path.join(dir, name));
    if (file) return file;
  }
  return null;
}

async function checkLockAndMigrations(config: Config): Promise<CheckResult[]> {
  let plan;
  try {
    plan = await computePlan({ config, debug: () => {} }, "worktree");
  } catch (error) {
    return [result("lock", "fail", (error as Error).message, msg.doctorFixInput), result("migrations", "skip", msg.doctorNeedsLock)];
  }
  const migrations = plan.pendingMigrations.length
    ? result("migrations", "warn", msg.doctorPendingMigrations(plan.pendingMigrations), msg.doctorFixMigrate)
    : result("migrations", "pass", msg.doctorNoPendingMigrations);
  if (plan.lock.status === "missing") return [result("lock", "warn", msg.doctorLockMissing(config.lockfile), msg.doctorFixRebuildLock), migrations];
  if (plan.lock.status === "corrupt") return [result("lock", plan.lock.older ? "warn" : "fail", plan.lock.warning, msg.doctorFixRebuildLock), migrations];
  if (!isFresh(plan)) return [result("lock", "warn", msg.doctorStale(config.lockfile, plan.stale.length, plan.stale.length + plan.fresh.length), msg.doctorFixGenerate), migrations];
  return [result("lock", "pass", msg.doctorFresh(config.lockfile, plan.fresh.length)), migrations];
}

/** The local store and cache live in cacheDir: it must be writable and ignored by git. */
async function checkStore(config: Config): Promise<CheckResult> {
  const cache = relativeDir(config.root, config.cacheDir);
  if (!(await isIgnored(config.root, `${cache}/parsed.json`))) return result("store", "fail", msg.doctorCacheNotIgnored(cache), msg.doctorFixInit);
  let dir = config.cacheDir;
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return result("store", "fail", msg.doctorCacheNotWritable(relativeDir(config.root, dir)), msg.doctorFixPermissions(relativeDir(config.root, dir)));
  }
  return result("store", "pass", msg.doctorStore(cache, config.store.maxBytes));
}

/** One GET of an artifact no one stores: a 404 means the server answers and accepts the token. */
async function checkRemote(config: Config, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  if (!config.remote) return result("remote", "skip", msg.doctorNoRemote);
  const problems: string[] = [];
  const report = { warn: (text: string) => problems.push(text), notice: () => {}, debug: () => {} };
  const secrets = { token: env.ZERO_MODELS_REMOTE_TOKEN || undefined, signatureKey: env.ZERO_MODELS_REMOTE_SIGNATURE_KEY || undefined };
  const remote = new RemoteCache({ ...config.remote, read: true, timeoutMs: Math.min(config.remote.timeoutMs, PROBE_TIMEOUT_MS) }, secrets, report);
  await remote.get("shared", "zero-models doctor probe");
  const host = new URL(config.remote.url).host;
  if (problems.length) return result("remote", "warn", problems.join(" "), msg.doctorFixRemote);
  return result("remote", "pass", msg.doctorRemote(host));
}

function parseVersion(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = (/(\d+)\.(\d+)(?:\.(\d+))?/.exec(text) ?? []).slice(1).map((n) => Number(n ?? 0));
  return [major, minor, patch];
}

function atLeast(version: Version, min: Version): boolean {
  for (let i = 0; i < 3; i++) if (version[i] !== min[i]) return version[i]! > min[i]!;
  return true;
}
