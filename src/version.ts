declare const __ZERO_CACHE_VERSION__: string | undefined;

/** Set at build time from package.json (esbuild `define`); "dev" when running from source. */
/**
 * Bumped whenever the way fingerprints are computed changes, so every lock
 * written by an older zero-cache counts as stale instead of silently matching.
 */
export const FINGERPRINT_VERSION = 1;

export const VERSION: string = typeof __ZERO_CACHE_VERSION__ === "string" ? __ZERO_CACHE_VERSION__ : "dev";
