#!/usr/bin/env node
// `npm run demo`: the core flow on a real git repository made from examples/rails-app.
// It checks its own claims and exits non-zero if any step did not behave as described.
// Usage: npm run demo [-- --clean]   (--clean removes the folders earlier demos left)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const project = path.resolve(fileURLToPath(import.meta.url), "../..");
const cli = path.join(project, "dist/cli.cjs");
const PREFIX = "zero-cache-demo-";

if (process.argv.includes("--clean")) {
  const olds = readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX));
  for (const n of olds) rmSync(path.join(tmpdir(), n), { recursive: true, force: true });
  console.log(`removed ${olds.length} demo folder(s)`);
  process.exit(0);
}

const bold = (s) => (process.env.NO_COLOR || !process.stdout.isTTY ? s : `\x1b[1m${s}\x1b[0m`);
const failures = [];
const claim = (ok, text) => {
  console.log(`${ok ? "  ok  " : "  FAIL"} ${text}`);
  if (!ok) failures.push(text);
};

execFileSync(process.execPath, [path.join(project, "scripts/build.mjs")], { stdio: "inherit" });
const dir = mkdtempSync(path.join(tmpdir(), PREFIX));
cpSync(path.join(project, "examples/rails-app"), dir, { recursive: true });
symlinkSync(path.join(project, "node_modules"), path.join(dir, "node_modules"));
const env = { ...process.env, GIT_AUTHOR_NAME: "Demo", GIT_AUTHOR_EMAIL: "demo@example.com", GIT_COMMITTER_NAME: "Demo", GIT_COMMITTER_EMAIL: "demo@example.com" };
const git = (...args) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" });
const zc = (...args) => {
  console.log(bold(`\n$ zero-cache ${args.join(" ")}`));
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, env, encoding: "utf8" });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return { ...r, seconds: (performance.now() - start) / 1000 };
};

git("init", "-q", "-b", "main");
git("add", "-A");
git("commit", "-q", "-m", "example app");
console.log(bold(`Demo repository: ${dir}`));

console.log(bold("\n1. First full generation"));
const full = zc("generate", "--all");
claim(full.status === 0, `full generation succeeded (${full.seconds.toFixed(1)}s)`);
claim(zc("check").status === 0, "check says every table is fresh");
git("add", "-A");
git("commit", "-q", "-m", "generated models");

console.log(bold("\n2. One column added to one table (people)"));
const schema = path.join(dir, "db/schema.rb");
writeFileSync(schema, readFileSync(schema, "utf8").replace('create_table "people", force: :cascade do |t|\n', 'create_table "people", force: :cascade do |t|\n    t.datetime "due_at"\n'));
const stale = zc("check");
claim(stale.status === 1 && /people \(Person\): schema people changed/.test(stale.stdout), "check exits 1 and names people and what changed");
const inc = zc("generate");
claim(inc.status === 0 && /\[REGEN\] Person/.test(inc.stdout) && /\[CACHED\] Cactus/.test(inc.stdout), `only people and its neighbours were regenerated (${inc.seconds.toFixed(1)}s)`);

console.log(bold("\n3. Nothing relevant changed"));
writeFileSync(path.join(dir, "README.md"), "docs only\n");
const noop = zc("generate");
claim(noop.status === 0 && /the generator did not run/.test(noop.stdout), `nothing was regenerated (${noop.seconds.toFixed(2)}s)`);
const check = zc("check");
claim(check.status === 0, `check is fresh (${check.seconds.toFixed(2)}s)`);

console.log(bold("\nFull regeneration vs incremental"));
console.log(`  full generate --all      ${full.seconds.toFixed(2)}s`);
console.log(`  one table changed        ${inc.seconds.toFixed(2)}s`);
console.log(`  nothing changed          ${noop.seconds.toFixed(2)}s`);
console.log(`  check                    ${check.seconds.toFixed(2)}s`);
console.log(`\nThe demo repository is left at ${dir} to look around; \`npm run demo -- --clean\` removes it.`);
if (!existsSync(path.join(dir, "zero-cache.lock"))) failures.push("no lock file written");
if (failures.length) {
  console.error(`\n${failures.length} claim(s) failed.`);
  process.exit(1);
}
