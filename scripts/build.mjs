// Bundles the CLI. dist/cli.cjs is the entry and holds, in one CommonJS file, only the
// hooks' fast path (few files means Node resolves few modules, which is most
// of what a hook costs when nothing changed). Everything else is dist/main.js
// and chunks loaded when first needed (zod for config validation, the Ruby
// readers, each command).
import { build } from "esbuild";
import { readFileSync, renameSync, rmSync, chmodSync, writeFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
// Built next to dist/ and swapped in at the end, so a run of the CLI (a test,
// a hook) during a rebuild never finds dist/ half written.
const out = `dist.${process.pid}.tmp`;
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  // Loaded lazily and only when a Ruby file must be parsed (it ships a .wasm file next to its code).
  external: ["@ruby/prism", "cosmiconfig"],
  define: { __ZERO_MODELS_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies bundled into ESM expect require/__filename/__dirname.
  banner: {
    js: [
      "import { createRequire as __zcCreateRequire } from 'node:module';",
      "import { fileURLToPath as __zcFileURLToPath } from 'node:url';",
      "const require = __zcCreateRequire(import.meta.url);",
      "const __filename = __zcFileURLToPath(import.meta.url);",
      "const __dirname = __zcFileURLToPath(new URL('.', import.meta.url));",
    ].join(" "),
  },
  legalComments: "none",
  logLevel: "warning",
};
await build({ ...common, entryPoints: ["src/cli/program.ts"], outdir: out, entryNames: "main", chunkNames: "chunks/[name]-[hash]", splitting: true });
const fast = await build({
  ...common,
  metafile: true,
  format: "cjs",
  banner: {},
  entryPoints: ["src/cli/bin.ts"],
  outfile: `${out}/cli.cjs`,
  // yaml (YAML configs only) and picomatch (only when a changed path is under a watched folder) load from node_modules when needed.
  external: [...common.external, "yaml", "picomatch"],
  plugins: [{ name: "main", setup: (b) => b.onResolve({ filter: /^\.\/program\.js$/ }, () => ({ path: "./main.js", external: true })) }],
});
chmodSync(`${out}/cli.cjs`, 0o755);
// What the fast path bundles, for the test that pins it (not published: see "files" in package.json).
writeFileSync(`${out}/cli.meta.json`, JSON.stringify(fast.metafile, null, 1));
// Two renames, then the removal: dist/ is missing only between the renames, not while
// the old tree is deleted (tests and the demo may be running the CLI meanwhile).
const old = `dist.${process.pid}.old`;
try {
  renameSync("dist", old);
} catch {
  // no dist yet
}
renameSync(out, "dist");
rmSync(old, { recursive: true, force: true });
