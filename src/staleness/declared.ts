import { sha256 } from "../common/hash.js";
import * as msg from "../common/messages.js";
import type { Config } from "../config/load.js";
import type { ParseCache } from "../inputs/parse-cache.js";
import type { Declarations } from "../ruby/declarations.js";
import type { RubyFileFacts, SchemaTable } from "../ruby/types.js";

/**
 * The hashes model files, concerns and schema blocks enter fingerprints with
 * under `fingerprint: declarations`: what class-level introspection can see
 * (ruby/declarations.ts, ruby/canonical.ts), or the bytes where that cannot
 * be told with confidence.
 */

/**
 * Where the parse cache keeps a schema block's source, so a later run can say
 * what changed in it ("+ column due_at"): by table and the hash tag the lock
 * records for the block (see lock.ts).
 */
export function blockKey(table: string, tag: string): string {
  return `${table} ${tag}`;
}

export function blockComponent(table: SchemaTable, mode: Config["fingerprint"]): string {
  return mode === "declarations" ? table.declarations : sha256(table.source);
}

/** A model or concern file's component hash, and the --debug line when it counts byte for byte. */
export function declaredComponent(file: string, d: Declarations, extended: Set<string>, bytes: string): { component: string; note: string | null } {
  const reached = d.stripped.filter((m) => extended.has(m));
  const why = d.fallback ?? (reached.length ? msg.methodsRunAtLoad(reached) : null);
  return { component: d.hash !== null && why === null ? d.hash : bytes, note: why === null ? null : msg.countedByBytes(file, why) };
}

/**
 * Classes and modules whose instance methods may run when a class loads:
 * those some file extends or instantiates, then what they include and
 * inherit from, transitively. Their method bodies stay inputs.
 */
export async function extendedModules(sources: Map<string, RubyFileFacts>, declarationsOf: (file: string) => Promise<Declarations>): Promise<string[]> {
  // Loaded here, not at the top: a run whose analysis is cached never needs the parser.
  const { lastSegment } = await import("../ruby/declarations.js");
  const declarations = new Map<string, Declarations>();
  for (const file of sources.keys()) declarations.set(file, await declarationsOf(file));
  const includes = new Map<string, string[]>();
  const add = (name: string, more: string[]) => includes.set(lastSegment(name), [...(includes.get(lastSegment(name)) ?? []), ...more.map(lastSegment)]);
  for (const facts of sources.values()) {
    for (const m of facts.modules) add(m.name, m.includes);
    for (const c of facts.classes) add(c.name, [...c.includes, ...(c.superclass ? [c.superclass] : [])]);
  }
  const extended = new Set<string>();
  const queue = [...declarations.values()].flatMap((d) => [...d.extends, ...d.instantiates]);
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (extended.has(next)) continue;
    extended.add(next);
    queue.push(...(includes.get(next) ?? []));
  }
  return [...extended].sort();
}
