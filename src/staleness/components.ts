/**
 * A table's fingerprint is made of named components, each a SHA-256: its
 * own schema block, enums and model files, its neighbours' (tables linked by
 * an association or a foreign key), and the global ones every table shares.
 * The lock stores them by their formatted name ("neighbour model
 * app/models/x.rb", "global templates"); code builds and reads them only
 * through this type.
 */
export type ComponentKey =
  | { scope: "own" | "neighbour"; kind: "schema" | "enum" | "model"; name: string }
  | { scope: "global"; kind: string };

export function formatComponent(key: ComponentKey): string {
  if (key.scope === "global") return `global ${key.kind}`;
  return `${key.scope === "neighbour" ? "neighbour " : ""}${key.kind} ${key.name}`;
}

/** The key of a formatted name; a name no version of the tool wrote reads as an own component of kind "model". */
export function parseComponent(text: string): ComponentKey {
  if (text.startsWith("global ")) return { scope: "global", kind: text.slice("global ".length) };
  const neighbour = text.startsWith("neighbour ");
  const rest = neighbour ? text.slice("neighbour ".length) : text;
  const space = rest.indexOf(" ");
  const kind = rest.slice(0, space);
  const scope = neighbour ? "neighbour" : "own";
  if (space === -1 || (kind !== "schema" && kind !== "enum" && kind !== "model")) return { scope, kind: "model", name: rest };
  return { scope, kind, name: rest.slice(space + 1) };
}

/** The global components under their formatted names, as they enter each fingerprint. */
export function globalComponents(global: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(global).map(([kind, hash]) => [formatComponent({ scope: "global", kind }), hash]));
}
