import path from "node:path";

/**
 * The file edits `zero-models init` makes, as pure functions of the current
 * content so each is idempotent: running init twice changes nothing the
 * second time, and nothing a team already wrote is removed or duplicated.
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
 * the zero-models config. Without node or zero-models on PATH (GUI git clients,
 * a checkout before npm install) it says so and lets the git command go on.
 */
export function hookLine(name: string, packageFromRoot: string, appFromPackage: string): string {
  const cd = packageFromRoot ? `cd ${shellWord(packageFromRoot)} && ` : "";
  const dir = appFromPackage ? `-C ${shellWord(appFromPackage)} ` : "";
  const run = `zero-models ${dir}hook ${name} "$@"`;
  const missing = `echo "zero-models: node or zero-models is not on PATH; ${name} hook skipped. Run npm install, or see README: hooks in GUI git clients." >&2`;
  return `(${cd}if command -v node >/dev/null 2>&1 && command -v zero-models >/dev/null 2>&1; then ${run}; else ${missing}; fi)`;
}

/** A hook file's content with our line added once; an existing zero-models line (any version) is kept as it is. */
export function withHookLine(existing: string, name: string, line: string): string | null {
  if (existing.includes(`hook ${name}`) && existing.includes("zero-models")) return null;
  const base = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return `${base}${line}\n`;
}

/** package.json's `prepare` script with husky's install added (husky must run at the repo top level, where .git is). */
export function withPrepare(pkgText: string, packageFromRoot: string): string | null {
  const pkg = JSON.parse(pkgText) as { scripts?: Record<string, string> };
  const prepare = pkg.scripts?.prepare ?? "";
  if (/\bhusky\b/.test(prepare)) return null;
  const install = packageFromRoot ? `cd ${packageFromRoot.split("/").map(() => "..").join("/")} && husky ${shellWord(`${packageFromRoot}/.husky`)}` : "husky";
  pkg.scripts = { ...pkg.scripts, prepare: prepare ? `${prepare} && ${install}` : install };
  const indent = /^[ \t]*(?=")/m.exec(pkgText.split("\n")[1] ?? "")?.[0] || "  ";
  return `${JSON.stringify(pkg, null, indent)}\n`;
}

/** .gitignore with the cache folder added (called only when git does not already ignore it). */
export function withIgnored(existing: string, cacheFromRoot: string): string {
  const base = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return `${base}\n# zero-models' local cache\n/${cacheFromRoot}/\n`;
}

export function hasHusky(pkgText: string): boolean {
  const pkg = JSON.parse(pkgText) as { dependencies?: object; devDependencies?: object };
  return Boolean((pkg.devDependencies && "husky" in pkg.devDependencies) || (pkg.dependencies && "husky" in pkg.dependencies));
}
