/**
 * Defaults of every config key, for a standard Rails app using the
 * zero:active_models generator. Kept apart from the zod schema so reading them
 * does not load zod; .zeromodelsrc.example documents each and a test keeps the
 * two in step.
 */
const RAILS = "bin/rails generate zero:active_models";

export const DEFAULTS = {
  schema: "db/schema.rb",
  models: "app/models/**/*.rb",
  concerns: "app/models/concerns/**/*.rb",
  migrations: "db/migrate/*.rb",
  templates: "lib/generators/zero/active_models/templates/**/*",
  inflections: "config/initializers/inflections.rb",
  // The generator's source, inflection rules and Prettier's config all change
  // every generated file. Gemfile.lock / package-lock.json would too (generator
  // or Prettier upgrades) but change too often to be defaults.
  globalInputs: [
    "lib/generators/zero/active_models/*.rb",
    "config/initializers/inflections.rb",
    ".prettierrc*",
    "prettier.config.*",
    "frontend/.prettierrc*",
    "frontend/prettier.config.*",
  ],
  excludeTables: [
    "schema_migrations",
    "ar_internal_metadata",
    "solid_queue_*",
    "solid_cache_*",
    "solid_cable_*",
  ],
  outputs: {
    perTable: [
      "frontend/src/lib/models/{model_kebab}.ts",
      "frontend/src/lib/models/reactive-{model_kebab}.ts",
      "frontend/src/lib/models/types/{model_kebab}-data.ts",
    ],
    shared: ["frontend/src/lib/models/index.ts"],
  },
  generator: {
    all: RAILS,
    table: `${RAILS} --table={table}`,
    exclude: `${RAILS} --exclude-tables {excluded}`,
    // Seconds. A full run of the real generator takes ~21 s and a Rails boot
    // on a large app a minute at worst, so ten minutes only ever stops a
    // generator that hangs (a database lock, a prompt, a stuck Spring) instead
    // of leaving a git pull waiting for ever.
    timeout: 600,
  },
  beforeGenerate: [],
  cascade: "associations",
  fingerprint: "declarations",
  preCommit: "check",
  postMerge: "generate",
  postCheckout: "generate",
  hooksInCI: false,
  lockTimeout: 60,
  lockfile: "zero-models.lock",
  cacheDir: "tmp/zero-models",
  store: { maxSizeMB: 200 },
  verify: { ignore: [], ignoreLines: [] },
  // What a server may send for one artifact, before and after gunzip: far above
  // any real artifact (a few KB a table), far below what would exhaust memory.
  remote: { url: null, team: null, read: true, write: true, timeoutMs: 3000, maxBodyBytes: 64 * 1024 * 1024, maxInflatedBytes: 256 * 1024 * 1024 },
} as const;
