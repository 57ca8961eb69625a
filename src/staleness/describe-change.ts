import { readAtRevisions } from "../git/objects.js";
import { sha256 } from "../common/hash.js";
import type { Config } from "../config/load.js";
import { blockComponent, blockKey } from "./declared.js";
import { hashTag } from "./lock.js";
import type { ParseCache } from "../inputs/parse-cache.js";
import type { ParsedSchema } from "../ruby/types.js";
import { decodeUtf8 } from "../common/utf8.js";

/**
 * Turns "the schema block of people changed" into what changed
 * ("+ column due_at"), for reasons people read. Only wording: staleness is
 * decided by hashes before this runs, and a block whose earlier version
 * cannot be found is still reported, just without the detail.
 */

/** One line of a create_table block, keyed so that the same column or index on both sides compares. */
interface BlockEntry {
  key: string;
  label: string;
  type?: string;
  text: string;
}

const MAX_SHOWN = 4;

export function describeBlockChange(before: string, after: string): string[] {
  const was = entries(before);
  const now = entries(after);
  const changes: string[] = [];
  for (const [key, e] of now) {
    const old = was.get(key);
    if (!old) changes.push(`+ ${e.label}`);
    else if (old.text !== e.text) changes.push(`~ ${e.label}${old.type && e.type && old.type !== e.type ? ` (${old.type} → ${e.type})` : ""}`);
  }
  for (const [key, e] of was) if (!now.has(key)) changes.push(`- ${e.label}`);
  if (changes.length === 0) {
    const order = (m: Map<string, BlockEntry>) => [...m.keys()].join("\n");
    changes.push(order(was) !== order(now) ? "columns reordered" : "formatting");
  }
  return changes.length > MAX_SHOWN ? [...changes.slice(0, MAX_SHOWN), `${changes.length - MAX_SHOWN} more`] : changes;
}

function entries(source: string): Map<string, BlockEntry> {
  const out = new Map<string, BlockEntry>();
  for (const raw of source.split("\n")) {
    const text = raw.trim().replace(/\s+/g, " ");
    if (!text || text === "end" || text.startsWith("#")) continue;
    const e = entry(text);
    // Two lines with one key (a repeated statement): keep both, distinguished by text.
    out.set(out.has(e.key) ? `${e.key}\0${text}` : e.key, e);
  }
  return out;
}

function entry(text: string): BlockEntry {
  let m = /^create_table\s/.exec(text);
  if (m) return { key: "create_table", label: "table options", text };
  m = /^t\.index\s.*\bname:\s*"([^"]+)"/.exec(text);
  if (m) return { key: `index ${m[1]}`, label: `index ${m[1]}`, text };
  m = /^t\.index\s+(.*?)(,|$)/.exec(text);
  if (m) return { key: `index ${m[1]}`, label: `index on ${m[1]}`, text };
  m = /^t\.(\w+)\s+"([^"]+)"/.exec(text);
  if (m) return { key: `column ${m[2]}`, label: `column ${m[2]}`, type: m[1], text };
  m = /^add_foreign_key\s+"[^"]+",\s*"([^"]+)"(.*)$/.exec(text);
  if (m) return { key: `fk ${m[1]}${m[2]}`, label: `foreign key to ${m[1]}`, text };
  return { key: text, label: `line \`${text.length > 40 ? `${text.slice(0, 40)}…` : text}\``, text };
}

/**
 * Earlier versions of schema blocks, by blockKey (table and the hash tag the lock recorded): first from
 * blocks analysed before (the parse cache), then from the schema file at
 * ORIG_HEAD and HEAD, which after a pull, merge or checkout usually hold the
 * version the lock was made from.
 */
export async function findEarlierBlocks(
  wanted: Set<string>,
  cache: ParseCache,
  root: string,
  schemaFile: string,
  mode: Config["fingerprint"],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const search = (schema: ParsedSchema) => {
    for (const t of schema.tables) {
      const key = blockKey(t.name, hashTag(blockComponent(t, mode)));
      if (wanted.has(key)) found.set(key, t.source);
    }
  };
  for (const h of wanted) {
    const source = await cache.peek<string>("block", h);
    if (source !== undefined) found.set(h, source);
  }
  if (found.size === wanted.size) return found;
  const files = await readAtRevisions(root, ["ORIG_HEAD", "HEAD"].map((rev) => `${rev}:${schemaFile}`));
  for (const bytes of files.values()) {
    try {
      search(await parsedSchema(cache, sha256(bytes), async () => bytes, schemaFile));
    } catch {
      // An old schema that does not parse only costs the detail.
    }
  }
  return found;
}

/** The parsed schema of a content hash, from the cache or by parsing what `read` returns (called only then). */
export async function parsedSchema(cache: ParseCache, hash: string, read: () => Promise<Buffer | undefined>, file: string): Promise<ParsedSchema> {
  return cache.get("schema", hash, async () => {
    const bytes = await read();
    if (!bytes) throw new Error(`${file}: no content to parse`);
    const { parseSchema } = await import("../ruby/schema.js");
    return parseSchema(decodeUtf8(bytes, file), file, cache);
  });
}
