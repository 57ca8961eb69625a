import { existsSync, lstatSync, readdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeAtomic } from "../common/atomic.js";
import { EXIT } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import * as msg from "../common/messages.js";
import { findConfigFile, MODULE_NAME } from "../config/file.js";
import { loadConfig } from "../config/load.js";
import { configValue, repoDirs, unsetConfigValue } from "../git/repo.js";
import { huskyHooksPath, relativeDir, withoutAttribute, withoutHookLine, withoutIgnored, withoutPrepare, withoutPrepareStep } from "../hooks/install-edits.js";
import { removeDriver } from "../hooks/merge-driver.js";
import { readTreeFile, writeTreeFile } from "../common/tree-files.js";
import { findPackageDir } from "../hooks/package-dir.js";
import { HOOKS } from "../hooks/scope.js";

export interface UninstallOptions {
  cwd: string;
  packageDir?: string;
  /** Also the config, the lock file, the local cache and init's .gitignore lines. */
  purge: boolean;
}

/**
 * `zero-models uninstall`: takes back what `init` added (the hook lines, the
 * husky and merge-driver steps of `prepare`, husky's set-up when init made
 * it, the .gitattributes line and the driver in git config), and with
 * --purge the files zero-models keeps. What the team wrote stays.
 */
export async function uninstall(options: UninstallOptions, log: Logger): Promise<number> {
  const { root } = await repoDirs(options.cwd);
  const done: string[] = [];
  const pkgDir = options.packageDir ? path.resolve(options.cwd, options.packageDir) : findPackageDir(options.cwd, root);
  const packageFromRoot = relativeDir(root, pkgDir);
  // Read before anything is removed: --purge needs the config to find the lock and the cache.
  const config = options.purge && findConfigFile(options.cwd, root) ? await loadConfig(options.cwd, root) : null;

  for (const name of HOOKS) {
    const file = path.join(pkgDir, ".husky", name);
    if (!existsSync(file)) continue;
    const next = withoutHookLine(await readFile(file, "utf8"), name);
    if (next === null) continue;
    if (next.trim() === "") rmSync(file);
    else await writeAtomic(file, next);
    done.push(msg.uninstallHookLine(relativeDir(root, file), next.trim() === ""));
  }

  const pkgFile = path.join(pkgDir, "package.json");
  const pkgText = existsSync(pkgFile) ? await readFile(pkgFile, "utf8") : null;
  const withoutStep = pkgText === null ? null : withoutPrepareStep(pkgText);
  const prepare = pkgText === null ? null : withoutPrepare(withoutStep ?? pkgText, packageFromRoot);
  if (withoutStep !== null || prepare !== null) {
    await writeAtomic(pkgFile, prepare ?? withoutStep!);
    if (withoutStep !== null) done.push(msg.uninstallPrepareStep(relativeDir(root, pkgFile)));
  }
  if (prepare !== null) {
    done.push(msg.uninstallPrepare(relativeDir(root, pkgFile)));
    if (await removeHuskySetUp(root, pkgDir, packageFromRoot)) done.push(msg.uninstallHusky(relativeDir(root, path.join(pkgDir, ".husky"))));
  }

  const attributes = await readTreeFile(root, ".gitattributes");
  const kept = attributes === null ? null : withoutAttribute(attributes.toString("utf8"));
  if (kept !== null) {
    if (kept.trim() === "") rmSync(path.join(root, ".gitattributes"));
    else await writeTreeFile(root, ".gitattributes", kept);
    done.push(msg.uninstallAttribute(kept.trim() === ""));
  }
  if (await removeDriver(root)) done.push(msg.uninstallDriver);

  if (config) {
    if (config.file) {
      await removeConfig(config.file);
      done.push(msg.uninstallRemoved(relativeDir(root, config.file), "the config"));
    }
    const lock = path.join(root, config.lockfile);
    if (existsSync(lock)) {
      rmSync(lock);
      done.push(msg.uninstallRemoved(config.lockfile, "the lock file"));
    }
    if (isFolder(config.cacheDir)) {
      rmSync(config.cacheDir, { recursive: true });
      done.push(msg.uninstallRemoved(relativeDir(root, config.cacheDir), "the local cache"));
    }
    const ignore = path.join(root, ".gitignore");
    const cacheFromRoot = relativeDir(root, config.cacheDir);
    const ignored = existsSync(ignore) ? withoutIgnored(await readFile(ignore, "utf8"), cacheFromRoot) : null;
    if (ignored !== null) {
      if (ignored === "") rmSync(ignore);
      else await writeAtomic(ignore, ignored);
      done.push(msg.uninstallIgnoreLine(cacheFromRoot));
    }
  }
  if (done.length === 0) {
    log.info(msg.uninstallDone([msg.uninstallNothing]));
    return EXIT.ok;
  }
  if (!options.purge && findConfigFile(options.cwd, root)) done.push(msg.uninstallKeptConfig);
  log.info(msg.uninstallDone([...done, msg.uninstallThen]));
  return EXIT.ok;
}

/**
 * Husky ran only because init put it in `prepare`: its folder of generated
 * scripts (.husky/_) and core.hooksPath go, and .husky/ itself when nothing of
 * the team's is left in it. True when there was something to remove.
 */
async function removeHuskySetUp(root: string, pkgDir: string, packageFromRoot: string): Promise<boolean> {
  const dir = path.join(pkgDir, ".husky");
  const hooksPath = huskyHooksPath(packageFromRoot);
  const active = (await configValue(root, "core.hooksPath")) === hooksPath;
  if (active) await unsetConfigValue(root, "core.hooksPath");
  const generated = isFolder(path.join(dir, "_"));
  if (generated) rmSync(path.join(dir, "_"), { recursive: true });
  if (isFolder(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  return active || generated;
}

/** The config file, or its key when it lives in package.json. */
async function removeConfig(file: string): Promise<void> {
  if (path.basename(file) !== "package.json") {
    rmSync(file);
    return;
  }
  const text = await readFile(file, "utf8");
  const pkg = JSON.parse(text) as Record<string, unknown>;
  delete pkg[MODULE_NAME];
  const indent = /^[ \t]*(?=")/m.exec(text.split("\n")[1] ?? "")?.[0] || "  ";
  await writeAtomic(file, `${JSON.stringify(pkg, null, indent)}\n`);
}

/** A real folder, not a symlink to one (never removed through). */
function isFolder(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}
