#!/usr/bin/env node
// `npm run bench`: zero-models' speed, measured side by side with its floors on
// synthesized Rails-shaped apps (real git repositories) of 10, 100, 500 and
// 2,000 tables. Prints one markdown table, writes it to bench/results.md and
// says which of the targets of issue 5 hold. A benchmark, not a test: it exits
// 0 when targets fail, and non-zero only when it could not measure (a command
// misbehaved, e.g. a fresh app that `check` calls stale).
//
// Usage: npm run bench [-- options]
//   --sizes 10,100       table counts (default 10,100,500,2000)
//   --runs N             runs of each start-up figure (check, hooks), median reported (default 9; 2 for --quick)
//   --gen-runs N         runs of each figure that runs the generator or parses (default 3; 1 for --quick)
//   --boot-ms N          emulated Rails boot of the stand-in generator (default 1000; 0 for --quick)
//   --quick              smoke run: --sizes 10 --runs 2 --gen-runs 1 --boot-ms 0
//   --out FILE           results file (default bench/results.md)
//   --keep               keep the synthesized repositories (their paths are printed)
//
// The generator is examples/rails-app's Node stand-in for `bin/rails generate
// zero:active_models`; ZERO_EXAMPLE_BOOT_MS makes it sleep to EMULATE Rails
// boot (it does no work), so per-run costs are visible. Each figure is the
// median of its runs, measured interleaved with its baseline in the same loop.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { synthesizeApp } from "./bench/synth.mjs";

const project = path.resolve(fileURLToPath(import.meta.url), "../..");
const cli = path.join(project, "dist/cli.cjs");
const example = path.join(project, "examples/rails-app");
const rssPreload = path.join(project, "scripts/bench/maxrss.cjs");

// ---- options -------------------------------------------------------------------

function parseOptions(argv) {
  const o = { sizes: [10, 100, 500, 2000], runs: 9, genRuns: 3, bootMs: 1000, out: path.join(project, "bench/results.md"), keep: false, quick: false };
  let runsSet = false;
  let genRunsSet = false;
  let bootSet = false;
  let sizesSet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    const name = arg.split("=")[0];
    if (name === "--sizes") {
      o.sizes = value().split(",").map((s) => Number.parseInt(s, 10));
      if (o.sizes.some((n) => !Number.isInteger(n) || n < 3 || n > 2002)) usage("--sizes: table counts from 3 to 2002");
      sizesSet = true;
    } else if (name === "--runs") {
      o.runs = Number.parseInt(value(), 10);
      if (!(o.runs >= 1)) usage("--runs: a positive number");
      runsSet = true;
    } else if (name === "--gen-runs") {
      o.genRuns = Number.parseInt(value(), 10);
      if (!(o.genRuns >= 1)) usage("--gen-runs: a positive number");
      genRunsSet = true;
    } else if (name === "--boot-ms") {
      o.bootMs = Number.parseInt(value(), 10);
      if (!(o.bootMs >= 0)) usage("--boot-ms: milliseconds, 0 or more");
      bootSet = true;
    } else if (name === "--out") o.out = path.resolve(value());
    else if (arg === "--keep") o.keep = true;
    else if (arg === "--quick") o.quick = true;
    else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown option ${arg}`);
  }
  if (o.quick) {
    if (!sizesSet) o.sizes = [10];
    if (!runsSet) o.runs = 2;
    if (!genRunsSet) o.genRuns = 1;
    if (!bootSet) o.bootMs = 0;
  }
  return o;
}

function usage(error) {
  const lines = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
  const first = lines.findIndex((l) => l.startsWith("// Usage:"));
  const text = lines.slice(first, first + 9).map((l) => l.slice(3)).join("\n");
  (error ? process.stderr : process.stdout).write(`${error ? `bench: ${error}\n\n` : ""}${text}\n`);
  process.exit(error ? 2 : 0);
}

const options = parseOptions(process.argv.slice(2));

// ---- processes and timing --------------------------------------------------------

const baseEnv = { ...process.env };
for (const k of ["ZERO_MODELS_SKIP", "HUSKY", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"]) delete baseEnv[k];
const env = {
  ...baseEnv,
  NO_COLOR: "1",
  CI: "false",
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  ZERO_EXAMPLE_BOOT_MS: String(options.bootMs),
};

class BenchError extends Error {}

/** Runs a command to completion; returns its wall time in ms and its output. */
function timed(cwd, command, args, { input, expect = [0], extraEnv = {} } = {}) {
  const start = performance.now();
  const r = spawnSync(command, args, { cwd, env: { ...env, ...extraEnv }, encoding: "utf8", input: input ?? "", maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.error) throw new BenchError(`${command} ${args.join(" ")}: ${r.error.message}`);
  if (expect && !expect.includes(r.status)) {
    throw new BenchError(`${[command, ...args].join(" ").slice(0, 200)} in ${cwd} exited ${r.status} (expected ${expect.join(" or ")}):\n${r.stdout.slice(-3000)}${r.stderr.slice(-3000)}`);
  }
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const node0 = (cwd) => timed(cwd, process.execPath, ["-e", "0"]).ms;
const zc = (cwd, args, opts) => timed(cwd, process.execPath, [cli, ...args], opts);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function progress(line) {
  process.stderr.write(`bench: ${line}\n`);
}

// ---- one synthesized repository ---------------------------------------------------

function makeRepo(n) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `zero-models-bench-${n}-`));
  const app = synthesizeApp(dir, n, { example });
  symlinkSync(path.join(project, "node_modules"), path.join(dir, "node_modules"));
  const git = (...args) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", `synthetic app, ${n} tables`);
  // The first full run, with the emulated boot: it is also the `generate --all` figure of the large sizes.
  const full = zc(dir, ["generate", "--all", "-q"]);
  git("add", "-A");
  git("commit", "-q", "-m", "generated models and zero-models.lock");
  const c0 = git("rev-parse", "HEAD").trim();
  // A commit that touches no watched file: what the hooks' fast paths see.
  writeFileSync(path.join(dir, "README.md"), `${readFileSync(path.join(dir, "README.md"), "utf8")}\nDocs only.\n`);
  git("commit", "-q", "-am", "docs only");
  const c1 = git("rev-parse", "HEAD").trim();
  git("update-ref", "ORIG_HEAD", c0);
  const reset = () => {
    git("reset", "-q", "--hard", "HEAD");
    git("clean", "-q", "-fd");
  };
  return { dir, app, git, reset, c0, c1, fullMs: full.ms, lockBytes: statSync(path.join(dir, "zero-models.lock")).size };
}

/** The lock `generate` writes for examples/rails-app itself (issue 21's small app). */
function exampleLock() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "zero-models-bench-example-"));
  try {
    cpSync(example, dir, { recursive: true });
    symlinkSync(path.join(project, "node_modules"), path.join(dir, "node_modules"));
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir, env });
    zc(dir, ["generate", "--all", "-q"]);
    const lock = JSON.parse(readFileSync(path.join(dir, "zero-models.lock"), "utf8"));
    return { name: "examples/rails-app", n: Object.keys(lock.tables).length, bytes: statSync(path.join(dir, "zero-models.lock")).size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function edit(file, change) {
  const before = readFileSync(file, "utf8");
  const after = change(before);
  if (after === before) throw new BenchError(`edit of ${file} changed nothing`);
  writeFileSync(file, after);
}

/** A `generate --json` run: its wall time, how many tables it regenerated, and zero-models' own share (wall time minus the generator's runs). */
function generateJson(dir) {
  const r = zc(dir, ["generate", "--json"]);
  const body = JSON.parse(r.stdout);
  return { ms: r.ms, regenerated: body.regenerated.length, own: r.ms - body.generatorMs };
}

// ---- measurements of one size ---------------------------------------------------

function benchSize(n) {
  // Each generator figure costs seconds: 3 runs of each keep the whole bench within five minutes.
  const { runs, genRuns } = options;
  progress(`${n} tables: synthesizing and running the first generate --all`);
  const t0 = performance.now();
  const repo = makeRepo(n);
  const { dir, app, git, reset } = repo;
  progress(`${n} tables: ready in ${((performance.now() - t0) / 1000).toFixed(1)}s at ${dir} (${app.files.models} model files, ${app.files.migrations} migrations, ${app.associations} associations)`);
  const rows = {};
  let phase = performance.now();
  const record = (id, values, baselines, extra = {}) => {
    rows[id] = { median: median(values), baseline: baselines ? median(baselines) : null, runs: values.length, ...extra };
    progress(`${n} tables: ${id}: ${fmtMs(rows[id].median)} (${((performance.now() - phase) / 1000).toFixed(1)}s)`);
    phase = performance.now();
  };

  try {
    // The synthesized app must be fresh, or every figure below is wrong.
    zc(dir, ["check", "-q"], { expect: [0] });

    // -- no-op check and the hooks' fast paths, each paired with node -e 0.
    mkdirSync(path.join(dir, "docs"), { recursive: true });
    writeFileSync(path.join(dir, "docs/notes.md"), "staged, not watched\n");
    git("add", "docs/notes.md");
    // (pull: ORIG_HEAD..HEAD changed only README.md; checkout: between the same two commits; commit: docs/notes.md staged)
    const quiet = {
      "check (nothing changed)": (...o) => zc(dir, [...o, "check"], { expect: [0] }),
      "hook post-merge (fast path)": (...o) => zc(dir, [...o, "hook", "post-merge", "0"]),
      "hook post-checkout (fast path)": (...o) => zc(dir, [...o, "hook", "post-checkout", repo.c0, repo.c1, "1"]),
      "hook post-rewrite (fast path)": (...o) => zc(dir, [...o, "hook", "post-rewrite", "rebase"], { input: `${repo.c0} ${repo.c1}\n` }),
      "hook pre-commit (fast path)": (...o) => zc(dir, [...o, "hook", "pre-commit"]),
      "generate (nothing stale)": (...o) => zc(dir, [...o, "generate"], { expect: [0] }),
    };
    // The first generate with nothing stale stores every table's files and notes it; the next ones answer from git's listing.
    zc(dir, ["generate", "-q"], { expect: [0] });
    for (const [id, run] of Object.entries(quiet)) {
      // Warm-up; with --debug, which shows that each hook ended on the fast path
      // (its own debug lines, none of the full CLI's "+Nms" ones) and found nothing watched.
      const r = run("--debug");
      if (id.startsWith("generate") && !/nothing changed since the last fresh verdict/.test(r.stderr)) throw new BenchError(`${id} did not take the fast path:\n${r.stdout}${r.stderr}`);
      if (id.startsWith("hook") && (r.stdout.trim() || !/zero-models:debug \d+ changed path\(s\), 0 watched/.test(r.stderr) || /zero-models:debug \+\d+ms/.test(r.stderr))) {
        throw new BenchError(`${id} did not take the fast path:\n${r.stdout}${r.stderr}`);
      }
    }
    const samples = Object.fromEntries(Object.keys(quiet).map((id) => [id, { v: [], b: [] }]));
    // One node -e 0 per round, the baseline of every figure of that round.
    for (let i = 0; i < runs; i++) {
      const base = node0(dir);
      for (const [id, run] of Object.entries(quiet)) {
        samples[id].b.push(base);
        samples[id].v.push(run().ms);
      }
    }
    for (const [id, s] of Object.entries(samples)) record(id, s.v, s.b);
    reset();

    // -- check --staged with one model staged (a new edit each run: the parse cache misses, as for a real edit).
    {
      const v = [];
      const b = [];
      const model = path.join(dir, app.stagedModel);
      for (let i = 0; i < genRuns; i++) {
        edit(model, (s) => s.replace(/\nend\n$/, `\n\n  validates :name, length: { maximum: ${200 + i} }\nend\n`));
        git("add", app.stagedModel);
        b.push(node0(dir));
        v.push(zc(dir, ["check", "--staged"], { expect: [1] }).ms);
        reset();
      }
      record("check --staged (one model staged)", v, b);
    }

    // -- one column added to one table: generate vs one per-table generator run (its floor) vs generate --all.
    {
      const v = [];
      const floor = [];
      const counts = [];
      const own = [];
      const schema = path.join(dir, "db/schema.rb");
      const header = `create_table "${app.leaf.table}", force: :cascade do |t|\n`;
      const base0 = [];
      for (let i = 0; i < genRuns; i++) {
        edit(schema, (s) => s.replace(header, `${header}    t.string "bench_column_${i}"\n`));
        base0.push(node0(dir));
        const r = generateJson(dir);
        reset();
        floor.push(timed(dir, path.join(dir, "bin/rails"), ["generate", "zero:active_models", `--table=${app.leaf.table}`]).ms);
        reset();
        v.push(r.ms);
        counts.push(r.regenerated);
        own.push(r.own);
      }
      record("per-table generator run (bin/rails … --table=X)", floor, null);
      record("generate, one column changed", v, floor, { regenerated: median(counts), own: median(own), node0: median(base0) });
      // A full run costs minutes at 2,000 tables (Prettier over every file): the figure is the setup's first run.
      record("generate --all", [repo.fullMs], null, { note: "the setup's first run (cold parse cache, writes every file)" });
    }

    // -- the post-merge path: a pull brought a commit that added one column; generate (what the hook runs) after it.
    {
      const v = [];
      const b = [];
      const counts = [];
      const own = [];
      const schema = path.join(dir, "db/schema.rb");
      const header = `create_table "${app.leaf.table}", force: :cascade do |t|\n`;
      const base = git("rev-parse", "HEAD").trim();
      for (let i = 0; i < genRuns; i++) {
        edit(schema, (s) => s.replace(header, `${header}    t.string "pulled_column_${i}"\n`));
        git("commit", "-q", "-am", `pulled column ${i}`);
        const pulled = git("rev-parse", "HEAD").trim();
        git("reset", "-q", "--hard", base);
        git("merge", "-q", "--ff-only", pulled);
        b.push(node0(dir));
        const r = generateJson(dir);
        git("reset", "-q", "--hard", base);
        git("clean", "-q", "-fd");
        v.push(r.ms);
        counts.push(r.regenerated);
        own.push(r.own);
      }
      rows["generate after a pull that changed one column"] = { median: median(own), baseline: median(b), runs: v.length, regenerated: median(counts), own: median(own), ownRow: true };
      progress(`${n} tables: generate after a pull that changed one column: own ${fmtMs(median(own))}`);
    }

    // -- cascade: a model that 20 others reference changed.
    {
      const v = [];
      const counts = [];
      const own = [];
      const model = path.join(dir, app.hub.model);
      for (let i = 0; i < genRuns; i++) {
        edit(model, (s) => s.replace(/\nend\n$/, `\n  validates :plan, length: { maximum: ${50 + i} }\nend\n`));
        const r = generateJson(dir);
        reset();
        v.push(r.ms);
        counts.push(r.regenerated);
        own.push(r.own);
      }
      record(`generate, model referenced by ${app.hub.referencedBy} changed`, v, rows["per-table generator run (bin/rails … --table=X)"] ? [rows["per-table generator run (bin/rails … --table=X)"].median] : null, { regenerated: median(counts), own: median(own) });
    }

    // -- peak memory of the no-op check (the process's own getrusage, via a preload).
    {
      const rss = [];
      const base = [];
      const file = path.join(dir, "tmp", "bench-maxrss");
      mkdirSync(path.dirname(file), { recursive: true });
      const peak = (args) => {
        rmSync(file, { force: true });
        timed(dir, process.execPath, ["--require", rssPreload, ...args], { extraEnv: { ZERO_MODELS_BENCH_RSS_FILE: file } });
        return Number(readFileSync(file, "utf8")) / 1024;
      };
      for (let i = 0; i < Math.min(runs, options.quick ? 1 : 3); i++) {
        base.push(peak(["-e", "0"]));
        rss.push(peak([cli, "check", "-q"]));
      }
      rows["check peak RSS"] = { median: Math.max(...rss), baseline: Math.max(...base), runs: rss.length, unit: "MB" };
    }
  } finally {
    if (options.keep) progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return { n, rows, app, fullMs: repo.fullMs, lockBytes: repo.lockBytes };
}

// ---- report -------------------------------------------------------------------------

const fmtMs = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/** The targets of issue 22 (which keeps those of issue 5 it does not replace). */
function targetsFor(results, locks) {
  const targets = [];
  const at = (n) => results.find((r) => r.n === n);
  const ratio = (row) => row.median / row.baseline;
  const r10 = at(10);
  const r100 = at(100);
  const r2000 = at(2000);
  const atMost = (name, value, limit, detail = "") => targets.push({ name, value: `${value.toFixed(2)} ×${detail}`, ok: value <= limit });
  for (const [r, limit] of [[r10, 2.5], [r2000, 4]]) {
    if (!r) continue;
    const row = r.rows["generate, one column changed"];
    atMost(`zero-models' own time for a one-column change ≤ ${limit} × node -e 0 at ${r.n} tables`, row.own / row.node0, limit, ` (${fmtMs(row.own)} vs ${fmtMs(row.node0)}; ${row.regenerated} table(s) regenerated)`);
    const staged = r.rows["check --staged (one model staged)"];
    atMost(`check --staged with one model staged ≤ ${limit} × node -e 0 at ${r.n} tables`, ratio(staged), limit, ` (${fmtMs(staged.median)})`);
  }
  for (const r of results) {
    const gen = r.rows["generate (nothing stale)"];
    const check = r.rows["check (nothing changed)"];
    atMost(`generate with nothing stale ≤ 1.1 × no-op check at ${r.n} tables`, gen.median / check.median, 1.1, ` (${fmtMs(gen.median)} vs ${fmtMs(check.median)})`);
  }
  if (r100) atMost("no-op check at 100 tables ≤ 1.5 × node -e 0", ratio(r100.rows["check (nothing changed)"]), 1.5);
  if (r2000) atMost("no-op check at 2,000 tables ≤ 1.7 × node -e 0", ratio(r2000.rows["check (nothing changed)"]), 1.7);
  for (const r of results) {
    const hooks = Object.entries(r.rows).filter(([id]) => id.startsWith("hook "));
    const worst = Math.max(...hooks.map(([, row]) => ratio(row)));
    const which = hooks.find(([, row]) => ratio(row) === worst)[0].replace(/ \(fast path\)/, "");
    targets.push({ name: `hook fast paths ≤ 1.3 × node -e 0 at ${r.n} tables`, value: `worst ${worst.toFixed(2)} × (${which})`, ok: worst <= 1.3 });
  }
  if (r100 && r2000) {
    const inc = (r) => r.rows["check (nothing changed)"].median - r.rows["check (nothing changed)"].baseline;
    const i100 = inc(r100);
    const i2000 = inc(r2000);
    targets.push({
      name: "check grows linearly: (check − node) at 2,000 ≤ 25 × (check − node) at 100",
      value: `${Math.round(i2000)} ms vs 25 × ${Math.round(i100)} ms = ${Math.round(25 * i100)} ms`,
      ok: i2000 <= 25 * Math.max(i100, 0),
    });
  }
  for (const l of locks.filter((l) => l.name === "examples/rails-app" || l.n === 2000)) {
    targets.push({ name: `zero-models.lock ≤ 600 bytes per table (${l.name}, ${l.n} tables)`, value: `${Math.round(l.bytes / l.n)} bytes per table`, ok: l.bytes / l.n <= 600 });
  }
  if (r2000) {
    const row = r2000.rows["check peak RSS"];
    targets.push({ name: "peak RSS of check at 2,000 tables ≤ 150 MB", value: `${row.median.toFixed(0)} MB`, ok: row.median <= 150 });
  }
  return targets;
}

function table(results) {
  const lines = ["| tables | measurement | median | baseline | ratio | runs |", "| ---: | --- | ---: | --- | ---: | ---: |"];
  for (const { n, rows } of results) {
    for (const [id, row] of Object.entries(rows)) {
      let median = row.unit === "MB" ? `${row.median.toFixed(1)} MB` : fmtMs(row.median);
      let baseline = "";
      let ratio = "";
      if (row.unit === "MB") {
        baseline = `${row.baseline.toFixed(1)} MB (node -e 0)`;
        ratio = `${(row.median / row.baseline).toFixed(2)} ×`;
      } else if (row.ownRow) {
        median = `${fmtMs(row.median)} zero-models' own (${row.regenerated} regenerated)`;
        baseline = `${fmtMs(row.baseline)} (node -e 0)`;
        ratio = `${(row.median / row.baseline).toFixed(2)} ×`;
      } else if (id.startsWith("generate, ")) {
        baseline = `${fmtMs(row.baseline)} (one per-table run)`;
        const d = row.median - row.baseline;
        ratio = `${d >= 0 ? "+" : "−"}${fmtMs(Math.abs(d))}`;
        const all = rows["generate --all"];
        if (all && all.median) ratio += `; ${((row.median / all.median) * 100).toFixed(0)}% of --all`;
        if (Number.isFinite(row.regenerated)) median += ` (${row.regenerated} regenerated${Number.isFinite(row.own) ? `, ${fmtMs(row.own)} zero-models' own` : ""})`;
      } else if (row.baseline !== null) {
        baseline = `${fmtMs(row.baseline)} (node -e 0)`;
        ratio = `${(row.median / row.baseline).toFixed(2)} ×`;
      } else if (row.note) {
        baseline = row.note;
      }
      lines.push(`| ${n} | ${id} | ${median} | ${baseline} | ${ratio} | ${row.runs} |`);
    }
  }
  return lines.join("\n");
}

// ---- main ----------------------------------------------------------------------------

const started = performance.now();
const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(", ");
progress("building the CLI (node scripts/build.mjs)");
execFileSync(process.execPath, [path.join(project, "scripts/build.mjs")], { cwd: project, stdio: "inherit" });
if (!existsSync(cli)) throw new Error(`no ${cli} after the build`);

const results = [];
const locks = [];
try {
  progress("examples/rails-app: the lock generate writes");
  locks.push(exampleLock());
  for (const n of options.sizes) results.push(benchSize(n));
} catch (error) {
  if (!(error instanceof BenchError)) throw error;
  process.stderr.write(`bench: could not measure: ${error.message}\n`);
  process.exit(1);
}

const cpus = os.cpus();
const totalS = (performance.now() - started) / 1000;
for (const r of results) locks.push({ name: "synthesized", n: r.n, bytes: r.lockBytes });
const targets = targetsFor(results, locks);
const command = `node scripts/bench.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
const md = [
  "# zero-models benchmark",
  "",
  `- date: ${new Date().toISOString()}`,
  `- machine: ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, ${os.platform()} ${os.release()}, load average before the run ${loadBefore}`,
  `- node ${process.version}, git ${execFileSync("git", ["--version"], { encoding: "utf8" }).trim().replace(/^git version /, "")}`,
  `- command: \`${command}\` (${totalS.toFixed(0)} s in all)`,
  `- generator: examples/rails-app's Node stand-in for \`bin/rails generate zero:active_models\`, with ZERO_EXAMPLE_BOOT_MS=${options.bootMs}: an EMULATED Rails boot (a sleep of ${options.bootMs} ms per generator run, no work), then real reading, rendering and Prettier`,
  `- apps: synthesized per size (scripts/bench/synth.mjs): schema.rb with foreign keys and indexes, one model per table with ~2 associations, 4 concerns, ~1.5 migrations per table; "accounts" is referenced by 20 models (the cascade row)`,
  `- each figure is the median of its runs, measured interleaved with its baseline in the same loop (the start-up figures in rounds of one \`node -e 0\` and one run of each, after one warm-up run each); timings are wall-clock, from spawning the process to its exit; generator figures edit the app anew for each run (the parse cache misses, as for a real edit) and \`git reset --hard\` after it; "zero-models' own" is the wall time of \`generate --json\` minus its \`generatorMs\` (the generator runs), so it includes Node's own start-up`,
  "",
  table(results),
  "",
  "## Lock size (issue 21)",
  "",
  "| app | tables | zero-models.lock | per table |",
  "| --- | ---: | ---: | ---: |",
  ...locks.map((l) => `| ${l.name} | ${l.n} | ${l.bytes.toLocaleString("en")} bytes | ${Math.round(l.bytes / l.n)} bytes |`),
  "",
  "## Targets (issues 21 and 22, and those of issue 5 they keep)",
  "",
  ...targets.map((t) => `- ${t.ok ? "PASS" : "FAIL"} ${t.name}: ${t.value}`),
  "",
].join("\n");

process.stdout.write(`\n${md}\n`);
mkdirSync(path.dirname(options.out), { recursive: true });
writeFileSync(options.out, md);
const failed = targets.filter((t) => !t.ok).length;
process.stdout.write(`${targets.length - failed} of ${targets.length} targets met${failed ? `, ${failed} FAILED` : ""}. Results written to ${path.relative(process.cwd(), options.out) || options.out}.\n`);
