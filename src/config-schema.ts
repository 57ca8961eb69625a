import { z } from "zod";

/**
 * The typed config schema and its defaults. Defaults fit a standard Rails app
 * using the zero:active_models generator; .zerocacherc.example documents each
 * key and a unit test keeps the two in step.
 */

const globList = z.union([z.string().min(1), z.array(z.string().min(1))]);
/** argv as an array, or a string split like a shell would split it (no shell ever runs it). */
const argv = z.union([z.string().min(1), z.array(z.string()).min(1)]);

const RAILS = "bin/rails generate zero:active_models";

export const DEFAULTS = {
  schema: "db/schema.rb",
  models: "app/models/**/*.rb",
  concerns: "app/models/concerns/**/*.rb",
  migrations: "db/migrate/*.rb",
  templates: "lib/generators/zero/active_models/templates/**/*",
  inflections: "config/initializers/inflections.rb",
  globalInputs: ["lib/generators/zero/active_models/*.rb", "config/initializers/inflections.rb"],
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
  },
  beforeGenerate: [],
  cascade: "associations",
  lockfile: "zero-cache.lock",
  cacheDir: "tmp/zero-cache",
} as const;

export const configSchema = z
  .object({
    schema: z.string().min(1).default(DEFAULTS.schema),
    models: globList.default(DEFAULTS.models),
    concerns: globList.default(DEFAULTS.concerns),
    migrations: globList.default(DEFAULTS.migrations),
    templates: globList.default(DEFAULTS.templates),
    inflections: z.string().min(1).default(DEFAULTS.inflections),
    globalInputs: z.array(z.string().min(1)).default([...DEFAULTS.globalInputs]),
    excludeTables: z.array(z.string().min(1)).default([...DEFAULTS.excludeTables]),
    outputs: z
      .strictObject({
        perTable: z.array(z.string().min(1)).default([...DEFAULTS.outputs.perTable]),
        shared: z.array(z.string().min(1)).default([...DEFAULTS.outputs.shared]),
      })
      .default({ perTable: [...DEFAULTS.outputs.perTable], shared: [...DEFAULTS.outputs.shared] }),
    generator: z
      .strictObject({
        all: argv,
        table: argv.optional(),
        tables: argv.optional(),
        exclude: argv.optional(),
      })
      .default({ ...DEFAULTS.generator }),
    beforeGenerate: z
      .array(z.strictObject({ run: argv, when: globList }))
      .default([]),
    cascade: z.enum(["associations", "foreign-keys", "none"]).default(DEFAULTS.cascade),
    lockfile: z.string().min(1).default(DEFAULTS.lockfile),
    cacheDir: z.string().min(1).default(DEFAULTS.cacheDir),
  })
  .strict();

export type RawConfig = z.output<typeof configSchema>;
export const CONFIG_KEYS = Object.keys(configSchema.shape);
