declare const __ZERO_CACHE_VERSION__: string | undefined;

/** Set at build time from package.json (esbuild `define`); "dev" when running from source. */
export const VERSION: string = typeof __ZERO_CACHE_VERSION__ === "string" ? __ZERO_CACHE_VERSION__ : "dev";
