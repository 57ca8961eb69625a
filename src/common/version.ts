declare const __ZERO_MODELS_VERSION__: string | undefined;

/**
 * Bumped whenever the way fingerprints are computed changes, so every lock
 * written by an older zero-models counts as stale instead of silently matching.
 * 2: files of models whose table is not in the schema count for the tables their associations name.
 * 3: the config component covers only generator.all, outputs.perTable and cascade.
 * 4: models, concerns and schema blocks enter by their declarations (`fingerprint`), which the config component covers too.
 */
export const FINGERPRINT_VERSION = 4;

/** Set at build time from package.json (esbuild `define`); "dev" when running from source. */
export const VERSION: string = typeof __ZERO_MODELS_VERSION__ === "string" ? __ZERO_MODELS_VERSION__ : "dev";
