declare const __ZERO_MODELS_VERSION__: string | undefined;

/**
 * Bumped whenever the way fingerprints are computed changes, so every lock
 * written by an older zero-models counts as stale instead of silently matching.
 * 2: files of models whose table is not in the schema count for the tables their associations name.
 * 3: the config component covers only generator.all, outputs.perTable and cascade.
 */
export const FINGERPRINT_VERSION = 3;

/** Set at build time from package.json (esbuild `define`); "dev" when running from source. */
export const VERSION: string = typeof __ZERO_MODELS_VERSION__ === "string" ? __ZERO_MODELS_VERSION__ : "dev";
