import { closest } from "../common/closest.js";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "../common/errors.js";
import { DEFAULTS } from "./defaults.js";
import { exampleFrom } from "./example.js";
import * as msg from "../common/messages.js";

/**
 * The typed config schema. Loaded only when a config has to be validated (zod
 * costs more to load than a whole fresh check): config.ts caches the result
 * for each config content.
 */

const globList = z.union([z.string().min(1), z.array(z.string().min(1))]);
/** argv as an array, or a string split like a shell would split it (no shell ever runs it). */
const argv = z.union([z.string().min(1), z.array(z.string()).min(1)]);

const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

const isRegExp = (source: string) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

const configSchema = z
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
        // null: no limit, for a generator that legitimately runs for hours; 0 would read as "no time at all".
        timeout: z.number().int().min(1).max(86_400).nullable().default(DEFAULTS.generator.timeout),
      })
      .default({ ...DEFAULTS.generator }),
    beforeGenerate: z
      .array(z.strictObject({ run: argv, when: globList }))
      .default([]),
    cascade: z.enum(["associations", "foreign-keys", "none"]).default(DEFAULTS.cascade),
    fingerprint: z.enum(["declarations", "bytes"]).default(DEFAULTS.fingerprint),
    preCommit: z.enum(["check", "fix"]).default(DEFAULTS.preCommit),
    postMerge: z.enum(["generate", "warn", "off"]).default(DEFAULTS.postMerge),
    postCheckout: z.enum(["generate", "warn", "off"]).default(DEFAULTS.postCheckout),
    hooksInCI: z.boolean().default(DEFAULTS.hooksInCI),
    lockTimeout: z.number().int().min(0).max(3600).default(DEFAULTS.lockTimeout),
    lockfile: z.string().min(1).default(DEFAULTS.lockfile),
    cacheDir: z.string().min(1).default(DEFAULTS.cacheDir),
    store: z
      .strictObject({ maxSizeMB: z.number().min(0).default(DEFAULTS.store.maxSizeMB) })
      .default({ ...DEFAULTS.store }),
    verify: z
      .strictObject({
        ignore: z.array(z.string().min(1)).default([]),
        ignoreLines: z.array(z.string().min(1).refine(isRegExp, { message: "a JavaScript regular expression" })).default([]),
      })
      .default({ ignore: [], ignoreLines: [] }),
    remote: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/ })
          .refine((url) => !hasCredentials(url), { message: msg.configUrlCredentials })
          .nullable()
          .default(DEFAULTS.remote.url),
        team: z.string().min(1).nullable().default(DEFAULTS.remote.team),
        read: z.boolean().default(DEFAULTS.remote.read),
        write: z.boolean().default(DEFAULTS.remote.write),
        timeoutMs: z.number().int().min(1).max(60_000).default(DEFAULTS.remote.timeoutMs),
        // An inflated artifact is parsed as one string, and V8's strings end near 512 MiB.
        maxBodyBytes: z.number().int().min(1).max(MAX_ARTIFACT_BYTES).default(DEFAULTS.remote.maxBodyBytes),
        maxInflatedBytes: z.number().int().min(1).max(MAX_ARTIFACT_BYTES).default(DEFAULTS.remote.maxInflatedBytes),
      })
      .default({ ...DEFAULTS.remote }),
  })
  .strict();

/** Number keys where null means "no limit": their range errors say so. */
const NO_LIMIT = new Set(["generator.timeout"]);

export type RawConfig = z.output<typeof configSchema>;
const CONFIG_KEYS = Object.keys(configSchema.shape);

export function validateConfig(data: unknown, file: string | null): RawConfig {
  const where = file ?? "defaults";
  const example = () => exampleFrom(file ? path.dirname(file) : process.cwd());
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError(msg.configNotObject(where, describe(data), example()), file ?? undefined);
  }
  const result = configSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => formatIssue(issue));
  throw new ConfigError(msg.configInvalid(where, lines, example()), file ?? undefined);
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${String(p)}` : String(p))).join("") : "(top level)";
  if ((issue.code === "too_small" || issue.code === "too_big") && issue.origin === "number") {
    const range = issue.code === "too_small" ? msg.configAtLeast(Number(issue.minimum), NO_LIMIT.has(key)) : msg.configAtMost(Number(issue.maximum), NO_LIMIT.has(key));
    return msg.configWrongType(key, describe(issue.input), range);
  }
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys
        .map((k) => msg.configUnknownKey(issue.path.length ? `${key}.${k}` : k, closest(k, keysAt(issue.path))))
        .join("\n");
    case "invalid_type":
      return msg.configWrongType(key, describe(issue.input), issue.expected === "array" ? "a list of strings" : issue.expected === "int" ? "a whole number" : issue.expected, issue.message);
    case "invalid_union":
      return msg.configWrongType(key, describe(issue.input), "a string or a list of strings");
    case "invalid_value":
      return msg.configWrongType(key, describe(issue.input), `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`);
    case "too_small":
      return msg.configWrongType(key, describe(issue.input), "a non-empty value");
    case "custom":
      // Our own checks: the message says it all, and the value may hold what must not be printed.
      return `\`${key}\`: ${issue.message}`;
    default:
      return msg.configWrongType(key, describe(issue.input), issue.message);
  }
}

function keysAt(at: PropertyKey[]): string[] {
  if (at.length === 0) return CONFIG_KEYS;
  if (at[0] === "outputs") return ["perTable", "shared"];
  if (at[0] === "generator") return ["all", "table", "tables", "exclude", "timeout"];
  if (at[0] === "beforeGenerate") return ["run", "when"];
  if (at[0] === "store") return ["maxSizeMB"];
  if (at[0] === "verify") return ["ignore", "ignoreLines"];
  if (at[0] === "remote") return ["url", "team", "read", "write", "timeoutMs", "maxBodyBytes", "maxInflatedBytes"];
  return [];
}

/** Closest known key by edit distance, for "did you mean" in unknown-key errors. */
function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false; // not a URL: z.url() says so
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  // A URL that is wrong for another reason may still carry user:password@: never echoed.
  if (typeof value === "string") value = value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1…@");
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
