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

export function blockComponent(table: SchemaTable, mode: Config["fingerprint"]): string {
  return mode === "declarations" ? table.declarations : sha256(table.source);
}

/** Model or concern file -> its component hash, and --debug lines for the files counted byte for byte. */
export async function declaredComponents(
  sources: Map<string, RubyFileFacts>,
  hashes: Record<string, string>,
  cache: ParseCache,
  text: (file: string) => string,
): Promise<{ components: Map<string, string>; notes: string[] }> {
  // Loaded here, not at the top: a run whose analysis is cached never needs the parser.
  const { declarationsOf, lastSegment } = await import("../ruby/declarations.js");
  const declarations = new Map<string, Declarations>();
  for (const file of sources.keys()) declarations.set(file, await cache.get("declarations", hashes[file]!, () => declarationsOf(text(file), file)));
  const extended = extendedModules(sources, declarations, lastSegment);
  const components = new Map<string, string>();
  const notes: string[] = [];
  for (const [file, d] of declarations) {
    const reached = d.stripped.filter((m) => extended.has(m));
    const why = d.fallback ?? (reached.length ? msg.methodsRunAtLoad(reached) : null);
    if (why !== null) notes.push(msg.countedByBytes(file, why));
    components.set(file, d.hash !== null && why === null ? d.hash : hashes[file]!);
  }
  return { components, notes };
}

/**
 * Classes and modules whose instance methods may run when a class loads:
 * those some file extends or instantiates, then what they include and
 * inherit from, transitively. Their method bodies stay inputs.
 */
function extendedModules(sources: Map<string, RubyFileFacts>, declarations: Map<string, Declarations>, lastSegment: (name: string) => string): Set<string> {
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
  return extended;
}
