import path from "node:path";
import * as msg from "../common/messages.js";

/**
 * The file edits `zero-models init` makes, and `zero-models uninstall`
 * reverts, as pure functions of the current content so each is idempotent:
 * running init twice changes nothing the second time, nothing a team already
 * wrote is removed or duplicated, and uninstall removes exactly what init added.
 */

const posix = (p: string) => p.split(path.sep).join("/");

/** `a/b` relative to `from`, POSIX, "" when equal. */
export function relativeDir(from: string, to: string): string {
  return posix(path.relative(from, to));
}

/** A word as a POSIX shell reads it back unchanged: bare when safe, single-quoted otherwise. */
export function shellWord(word: string): string {
  return /^[\w./@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The line husky runs for one hook. Git runs hooks at the repo top level and
 * husky puts the relative `node_modules/.bin` on PATH, so a package.json in a
 * subfolder means cd-ing there first; `-C` then points back at the folder of
 * the zero-models config. When it cannot run, it says why and lets the git
 * command go on: node not on PATH (GUI git clients) and zero-models listed in
 * package.json but not installed, each time; zero-models gone from
 * package.json (npm uninstall without `zero-models uninstall`), once, with a
 * marker in the git folder, since repeating it on every commit helps no one.
 */
export function hookLine(name: string, packageFromRoot: string, appFromPackage: string): string {
  const cd = packageFromRoot ? `cd ${shellWord(packageFromRoot)} && ` : "";
  const dir = appFromPackage ? `-C ${shellWord(appFromPackage)} ` : "";
  const say = (text: string) => `echo ${shellWord(text)} >&2`;
  const once = `m="$(git rev-parse --git-path ${REMOVED_MARKER} 2>/dev/null)" || m=""; [ -z "$m" ] || [ -e "$m" ] || { ${say(msg.hookPackageRemoved(name))}; : >"$m" 2>/dev/null || true; }`;
  return (
    `(${cd}if command -v node >/dev/null 2>&1 && command -v zero-models >/dev/null 2>&1; then zero-models ${dir}hook ${name} "$@"; ` +
    `elif ! command -v node >/dev/null 2>&1; then ${say(msg.hookNodeMissing(name))}; ` +
    `elif grep -q '"zero-models"' package.json 2>/dev/null; then ${say(msg.hookNotInstalled(name))}; ` +
    `else ${once}; fi)`
  );
}

/** In the git folder: zero-models' hook lines already said once that the package is gone. */
export const REMOVED_MARKER = "zero-models-removed";

/** Whether a hook file's line is one of ours (any version) for hook `name`. */
export function isOurHookLine(line: string, name: string): boolean {
  return line.includes("zero-models") && line.includes(`hook ${name}`);
}

/** A hook file's content with our line added once; an existing zero-models line (any version) is kept as it is. */
export function withHookLine(existing: string, name: string, line: string): string | null {
  if (existing.split("\n").some((l) => isOurHookLine(l, name))) return null;
  const base = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return `${base}${line}\n`;
}

/**
 * A hook file's content without our lines, or null when it has none. An empty
 * result means init created the file: the caller deletes it. A final newline
 * init had to add after a team's last line stays.
 */
export function withoutHookLine(existing: string, name: string): string | null {
  const lines = existing.split("\n");
  const kept = lines.filter((l) => !isOurHookLine(l, name));
  return kept.length === lines.length ? null : kept.join("\n");
}

/** package.json's `prepare` script with husky's install added (husky must run at the repo top level, where .git is). */
export function withPrepare(pkgText: string, packageFromRoot: string): string | null {
  const pkg = JSON.parse(pkgText) as { scripts?: Record<string, string> };
  const prepare = pkg.scripts?.prepare ?? "";
  if (/\bhusky\b/.test(prepare)) return null;
  const install = huskyInstall(packageFromRoot);
  pkg.scripts = { ...pkg.scripts, prepare: prepare ? `${prepare} && ${install}` : install };
  return serialize(pkg, pkgText);
}

/**
 * package.json without the husky install init added to `prepare`, or null
 * when `prepare` holds no such step (the team's own husky set-up is theirs).
 */
export function withoutPrepare(pkgText: string, packageFromRoot: string): string | null {
  const pkg = JSON.parse(pkgText) as { scripts?: Record<string, string> };
  const prepare = pkg.scripts?.prepare;
  const install = huskyInstall(packageFromRoot);
  if (prepare === undefined || !(prepare === install || prepare.endsWith(` && ${install}`))) return null;
  return withScript(pkg, pkgText, prepare === install ? "" : prepare.slice(0, -` && ${install}`.length));
}

/** package.json with `prepare` set to `prepare`, or without it (and without `scripts` if that empties it) when "". */
function withScript(pkg: { scripts?: Record<string, string> }, like: string, prepare: string): string {
  const scripts: Record<string, string> = { ...pkg.scripts };
  if (prepare === "") delete scripts.prepare;
  else scripts.prepare = prepare;
  const next: Record<string, unknown> = { ...pkg, scripts };
  if (Object.keys(scripts).length === 0) delete next.scripts;
  return serialize(next, like);
}

/**
 * The step init puts first in `prepare`, so every clone's `npm install` sets
 * up the lock's merge driver in its own git config (git config is not
 * committed). First, because npm starts the script in the package's folder
 * and a husky step for a package in a subfolder cds away from it; -C points
 * at the app folder, as in the hook lines.
 */
export function prepareStep(appFromPackage: string): string {
  return `zero-models ${appFromPackage ? `-C ${shellWord(appFromPackage)} ` : ""}hook prepare`;
}

/** prepareStep as written by any version, with its ` && `; anchored at the start of the script, where init puts it. */
const PREPARE_STEP = /^zero-models (?:-C (?:[^\s'\\]|\\'|'[^']*')+ )?hook prepare(?: && |$)/;

/** package.json with prepareStep first in `prepare`, or null when a zero-models prepare step is already there. */
export function withPrepareStep(pkgText: string, step: string): string | null {
  const pkg = JSON.parse(pkgText) as { scripts?: Record<string, string> };
  const prepare = pkg.scripts?.prepare ?? "";
  if (/\bzero-models\b[^&|;]*\bhook prepare\b/.test(prepare)) return null;
  pkg.scripts = { ...pkg.scripts, prepare: prepare ? `${step} && ${prepare}` : step };
  return serialize(pkg, pkgText);
}

/** package.json without the step withPrepareStep added, or null when `prepare` does not start with one. */
export function withoutPrepareStep(pkgText: string): string | null {
  const pkg = JSON.parse(pkgText) as { scripts?: Record<string, string> };
  const prepare = pkg.scripts?.prepare;
  const step = prepare === undefined ? null : PREPARE_STEP.exec(prepare);
  if (!step) return null;
  return withScript(pkg, pkgText, prepare!.slice(step[0].length));
}

/** core.hooksPath as husky sets it for the .husky folder of the package at `packageFromRoot`. */
export function huskyHooksPath(packageFromRoot: string): string {
  return `${packageFromRoot ? `${packageFromRoot}/` : ""}.husky/_`;
}

/**
 * The husky step init adds. At the top level it names the folder husky would
 * take anyway: husky's own set-up writes a bare `husky`, so uninstall can
 * tell init's step from a team's and never removes theirs.
 */
function huskyInstall(packageFromRoot: string): string {
  return packageFromRoot ? `cd ${packageFromRoot.split("/").map(() => "..").join("/")} && husky ${shellWord(`${packageFromRoot}/.husky`)}` : "husky .husky";
}

/** JSON in the indentation `like` uses. */
function serialize(value: unknown, like: string): string {
  const indent = /^[ \t]*(?=")/m.exec(like.split("\n")[1] ?? "")?.[0] || "  ";
  return `${JSON.stringify(value, null, indent)}\n`;
}

/** .gitignore with the cache folder added (called only when git does not already ignore it). */
export function withIgnored(existing: string, cacheFromRoot: string): string {
  const base = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return `${base}${ignoredBlock(cacheFromRoot)}`;
}

/** .gitignore without the lines withIgnored added, or null when they are not there. */
export function withoutIgnored(existing: string, cacheFromRoot: string): string | null {
  const block = ignoredBlock(cacheFromRoot);
  return existing.includes(block) ? existing.replace(block, "") : null;
}

const ignoredBlock = (cacheFromRoot: string) => `\n# zero-models' local cache\n/${cacheFromRoot}/\n`;

export function hasHusky(pkgText: string): boolean {
  const pkg = JSON.parse(pkgText) as { dependencies?: object; devDependencies?: object };
  return Boolean((pkg.devDependencies && "husky" in pkg.devDependencies) || (pkg.dependencies && "husky" in pkg.dependencies));
}

/** The name of the lock's merge driver in .gitattributes (`merge=zero-models`) and git config (`merge.zero-models.*`). */
export const MERGE_DRIVER = "zero-models";

/**
 * The command git runs to merge the lock (`merge.zero-models.driver`): the
 * package's own copy, by its path from the repository's top level (where git
 * runs merge drivers), with node, as the hook lines need node too; not npx,
 * which could fetch and run another version. -C names the app folder, where
 * the config is found; git quotes %O %A %B itself.
 */
export function driverCommand(packageFromRoot: string, appFromRoot: string): string {
  const cli = shellWord(path.posix.join(packageFromRoot, DRIVER_CLI));
  return `node ${cli} ${appFromRoot ? `-C ${shellWord(appFromRoot)} ` : ""}merge-lock %O %A %B`;
}

/** The built CLI, inside the package's folder. */
export const DRIVER_CLI = "node_modules/zero-models/dist/cli.cjs";

/**
 * The .gitattributes line (at the top level) that gives the lock to the
 * driver: its path from the top level, glob characters escaped, and quoted
 * when it holds a space (git reads C-style quoted patterns).
 */
export function attributeLine(lockFromRoot: string): string {
  const glob = lockFromRoot.replace(/[*?[\\]/g, "\\$&").replace(/^[#!]/, "\\$&");
  const pattern = /[\s"]/.test(glob) ? `"${glob.replace(/["\\]/g, "\\$&")}"` : glob;
  return `${pattern} merge=${MERGE_DRIVER}`;
}

const OUR_ATTRIBUTE = new RegExp(`\\smerge=${MERGE_DRIVER}\\r?$`);

/** .gitattributes with `line` added once, or null when it is there. */
export function withAttribute(existing: string, line: string): string | null {
  if (existing.split(/\r?\n/).some((l) => l.trim() === line)) return null;
  const base = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return `${base}${line}\n`;
}

/**
 * .gitattributes without the lines withAttribute adds (for any lock path), or
 * null when it has none. An empty result means init created the file: the
 * caller deletes it.
 */
export function withoutAttribute(existing: string): string | null {
  const lines = existing.split("\n");
  const kept = lines.filter((l) => !OUR_ATTRIBUTE.test(l));
  return kept.length === lines.length ? null : kept.join("\n");
}
