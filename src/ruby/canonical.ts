/**
 * A Ruby AST as plain data with everything about layout left out: node kinds,
 * names, literal values and flags stay; byte offsets, comments, blank lines,
 * parentheses left optional, quote style and `do … end` versus braces go.
 * Two texts with the same canonical form are the same program to Ruby (up to
 * line numbers, which callers treat separately).
 */
import { kindOf, type Node } from "./prism.js";

/** Prism's flag shared by every node that starts a statement: it drives TracePoint line events, not meaning. */
const NEWLINE_FLAG = 1;

/**
 * Says how to write a child: return undefined to write it the ordinary way,
 * or a value to write instead (for a node left out, or one written under
 * other rules).
 */
export type Override = (parent: Node, field: string, child: unknown) => unknown;

/** The canonical form of `node`; `override` decides field by field where the default does not do. */
export function canonical(node: Node, override?: Override): unknown {
  const json = (node as unknown as { toJSON(): Record<string, unknown> }).toJSON();
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(json)) {
    if (field === "location" || field.endsWith("Loc") || isLocation(value)) continue;
    if (field === "flags" && typeof value === "number") {
      out.flags = value & ~NEWLINE_FLAG;
      continue;
    }
    const written = override?.(node, field, value);
    out[field] = written !== undefined ? written : canonicalValue(value, override);
  }
  return out;
}

/** A field's value in canonical form: nodes (also in arrays) written by {@link canonical}, other data as it is. */
export function canonicalValue(value: unknown, override?: Override): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value)) return value.map((v) => canonicalValue(v, override));
  if (value && typeof value === "object") {
    if (kindOf(value)) return canonical(value as Node, override);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonicalValue(v, override)]));
  }
  return value;
}

function isLocation(value: unknown): boolean {
  return typeof value === "object" && value !== null && !kindOf(value) && "startOffset" in value && "length" in value;
}

/** JSON text of a canonical form (bigints written as strings). */
export function canonicalText(form: unknown): string {
  return JSON.stringify(form);
}
