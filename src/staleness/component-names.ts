import type { Analysis } from "./analyze.js";
import { formatComponent } from "./components.js";
import { componentTag, hashTag, tagsOf, type Lock } from "./lock.js";
import * as msg from "../common/messages.js";

/**
 * The lock records a table's components by tag (see componentTag), not by
 * name; reasons and --explain name them. A tag is found among the table's
 * current components first, then among every name the app has now or the
 * lock's inputs and tables had; the universe is built only when a component
 * was removed, which is rare.
 */
export class ComponentNames {
  private universe: Map<string, string> | null = null;
  /** Per table: a verdict, its reason and --explain all ask, and each costs a hash per component. */
  private readonly recordedOf = new Map<string, Record<string, string>>();

  constructor(
    private readonly analysis: Analysis,
    private readonly lock: Lock,
  ) {}

  /** The lock's record of a table's components: name -> hash tag. */
  recorded(table: string): Record<string, string> {
    let out = this.recordedOf.get(table);
    if (!out) this.recordedOf.set(table, (out = this.resolve(table)));
    return out;
  }

  private resolve(table: string): Record<string, string> {
    const entry = this.lock.tables[table];
    if (!entry) return {};
    const here = new Map(Object.keys(this.analysis.tables[table]?.components ?? {}).map((n) => [componentTag(n), n]));
    const out: Record<string, string> = {};
    for (const [tag, hash] of Object.entries(tagsOf(entry.components))) out[here.get(tag) ?? this.find(tag)] = hash;
    return out;
  }

  /** A table's components now, as the lock would record them: name -> hash tag. */
  current(table: string): Record<string, string> {
    return byName(this.analysis.tables[table]?.components ?? {});
  }

  private find(tag: string): string {
    this.universe ??= this.everyName();
    return this.universe.get(tag) ?? msg.unknownComponent(tag);
  }

  private everyName(): Map<string, string> {
    const names = new Set<string>();
    for (const t of Object.values(this.analysis.tables)) for (const n of Object.keys(t.components)) names.add(n);
    const own = (kind: "model" | "schema" | "enum", name: string) => {
      names.add(formatComponent({ scope: "own", kind, name }));
      names.add(formatComponent({ scope: "neighbour", kind, name }));
    };
    for (const file of [...Object.keys(this.lock.inputs), ...Object.keys(this.analysis.models)]) if (file.endsWith(".rb")) own("model", file);
    for (const table of [...Object.keys(this.lock.tables), ...Object.keys(this.analysis.tables)]) own("schema", table);
    return new Map([...names].map((n) => [componentTag(n), n]));
  }
}

/** Components (name -> SHA-256) by name with their hash tags. */
export function byName(components: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, hash] of Object.entries(components)) out[name] = hashTag(hash);
  return out;
}
