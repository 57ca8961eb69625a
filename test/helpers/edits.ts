/**
 * Edits of model and concern files that every fingerprint mode sees. A
 * comment, a blank line or a method body is not an input under the default
 * `fingerprint: declarations`, so a test that needs a model to change uses a
 * class-level statement: a constant, which the example generator ignores.
 */

/** A class-level line (`n` tells apart several edits of one file). */
export const visibleLine = (n = 1) => `  VISIBLE_EDIT_${n} = true`;

/** `text` with a visible line right after its first `class` or `module` line. */
export function visibleEdit(text: string, n = 1): string {
  const next = text.replace(/^((?:class|module) [^\n]*\n)/m, `$1${visibleLine(n)}\n`);
  if (next === text) throw new Error("visibleEdit: no class or module line to add a statement under");
  return next;
}
