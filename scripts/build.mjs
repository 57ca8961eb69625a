// Bundles the CLI into dist/cli.js: few files means Node resolves few modules
// at start-up, which is most of what a hook costs when nothing changed. Code
// reached only through import() (zod for config validation, the Ruby
// readers, the generate command) goes to chunks loaded when first needed.
import { build } from "esbuild";
import { readFileSync, rmSync, chmodSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ["src/bin.ts"],
  outdir: "dist",
  entryNames: "cli",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  // Loaded lazily and only when a Ruby file must be parsed (it ships a .wasm file next to its code).
  external: ["@ruby/prism", "cosmiconfig"],
  define: { __ZERO_CACHE_VERSION__: JSON.stringify(pkg.version) },
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
});
chmodSync(new URL("../dist/cli.js", import.meta.url), 0o755);
