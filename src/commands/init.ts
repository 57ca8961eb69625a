import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../common/atomic.js";
import { loadConfig } from "../config/load.js";
import { findConfigFile } from "../config/file.js";
import { installedExample } from "../config/example.js";
import { ConfigError, EXIT, ZeroModelsError } from "../common/errors.js";
import { configValue, isIgnored, repoDirs } from "../git/repo.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { HOOKS } from "../hooks/scope.js";
import {
  attributeLine,
  driverCommand,
  hasHusky,
  hookLine,
  huskyHooksPath,
  prepareStep,
  relativeDir,
  withAttribute,
  withHookLine,
  withIgnored,
  withPrepare,
  withPrepareStep,
} from "../hooks/install-edits.js";
import { installDriver } from "../hooks/merge-driver.js";
import { readTreeFile, writeTreeFile } from "../common/tree-files.js";
import { findPackageDir, nearest } from "../hooks/package-dir.js";

export interface InitOptions {
  cwd: string;
  packageDir?: string;
}

/**
 * `zero-models init`: config, .gitignore, husky hook files, the prepare
 * script and the lock's merge driver (.gitattributes and git config), each
 * only when missing, so running it again changes nothing (and an app set up
 * by an earlier version gets what is new).
 * Run it in the Rails app (where the config lives or will live).
 */
export async function init(options: InitOptions, log: Logger): Promise<number> {
  const { root } = await repoDirs(options.cwd);
  const done: string[] = [];
  const pkgDir = options.packageDir ? path.resolve(options.cwd, options.packageDir) : findPackageDir(options.cwd, root);
  const appDir = await ensureConfig(options.cwd, root, pkgDir, done);
  const config = await loadConfig(appDir, root);
  await ensureIgnored(root, relativeDir(root, config.cacheDir), done);

  const pkgFile = path.join(pkgDir, "package.json");
  const pkgText = await readFile(pkgFile, "utf8");
  if (!hasHusky(pkgText)) throw new ConfigError(msg.initNoHusky(pkgFile), pkgFile);
  const packageFromRoot = relativeDir(root, pkgDir);
  const withHusky = withPrepare(pkgText, packageFromRoot);
  const withStep = withPrepareStep(withHusky ?? pkgText, prepareStep(relativeDir(pkgDir, appDir)));
  if (withHusky || withStep) {
    await writeAtomic(pkgFile, withStep ?? withHusky!);
    if (withHusky) done.push(`package.json: prepare script runs husky (${relativeDir(root, pkgFile)})`);
    if (withStep) done.push(msg.initPrepareStep(relativeDir(root, pkgFile)));
  }
  for (const name of HOOKS) {
    const file = path.join(pkgDir, ".husky", name);
    const existing = existsSync(file) ? await readFile(file, "utf8") : "";
    const next = withHookLine(existing, name, hookLine(name, packageFromRoot, relativeDir(pkgDir, appDir)));
    if (next === null) continue;
    await writeAtomic(file, next);
    // Husky 9 runs hook files with sh, so the mode matters only to a reader; a team's file keeps its own (git tracks it).
    if (!existing) await chmod(file, 0o755);
    done.push(`${relativeDir(root, file)}: ${existing ? "added" : "created with"} the zero-models line`);
  }
  const hooksPath = huskyHooksPath(packageFromRoot);
  if ((await configValue(root, "core.hooksPath")) !== hooksPath || !existsSync(path.join(root, hooksPath, "h"))) {
    installHusky(root, pkgDir, packageFromRoot, done);
  }
  await ensureMergeDriver(root, config.lockfile, driverCommand(packageFromRoot, relativeDir(root, appDir)), done);
  log.info(msg.initDone(done.length ? done : ["everything was already set up"]));
  return EXIT.ok;
}

/**
 * A new config sets no key: every default fits the app init cannot tell
 * apart from a standard one, and a copy of the defaults would hide which
 * values the team chose. It points at the documented example instead.
 */
async function ensureConfig(cwd: string, root: string, pkgDir: string, done: string[]): Promise<string> {
  const existing = findConfigFile(cwd, root);
  if (existing) return path.dirname(existing);
  const target = path.join(cwd, ".zeromodelsrc");
  const example = installedExample(cwd, pkgDir);
  await writeAtomic(target, msg.initConfigHeader(example));
  done.push(msg.initConfigCreated(relativeDir(root, target), example));
  return cwd;
}

async function ensureIgnored(root: string, cacheFromRoot: string, done: string[]): Promise<void> {
  if (await isIgnored(root, `${cacheFromRoot}/parsed.json`)) return;
  const file = path.join(root, ".gitignore");
  await writeAtomic(file, withIgnored(existsSync(file) ? await readFile(file, "utf8") : "", cacheFromRoot));
  done.push(`.gitignore: ignores /${cacheFromRoot}/`);
}

/**
 * The lock's merge driver: the .gitattributes line (committed, so every
 * clone merges the lock with it) and this clone's git config (each clone's
 * `npm install` sets its own, through the prepare step).
 */
async function ensureMergeDriver(root: string, lockfile: string, command: string, done: string[]): Promise<void> {
  const line = attributeLine(lockfile);
  const existing = await readTreeFile(root, ".gitattributes");
  const next = withAttribute(existing?.toString("utf8") ?? "", line);
  if (next !== null) {
    await writeTreeFile(root, ".gitattributes", next);
    done.push(msg.initAttribute(line, existing === null));
  }
  if (await installDriver(root, command)) done.push(msg.initDriver(command));
}

/** Runs the project's own husky so the hooks work now, not only after the next npm install. */
function installHusky(root: string, pkgDir: string, packageFromRoot: string, done: string[]): void {
  const bin = nearest(pkgDir, root, "node_modules/husky/bin.js");
  if (!bin) {
    done.push("husky is not installed yet: run npm install to activate the hooks");
    return;
  }
  const result = spawnSync(process.execPath, [bin, packageFromRoot ? `${packageFromRoot}/.husky` : ".husky"], { cwd: root, encoding: "utf8" });
  const out = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  if (result.status !== 0 || out) throw new ZeroModelsError(msg.initHuskyFailed(out || String(result.error)), EXIT.failed);
  done.push(`git hooks active (core.hooksPath=${packageFromRoot ? `${packageFromRoot}/` : ""}.husky/_)`);
}
