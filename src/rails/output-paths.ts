import path from "node:path";
import { InputError } from "../common/errors.js";
import type { Inflector } from "../ruby/inflector.js";
import { unsafePath } from "../common/path-guard.js";
import * as msg from "../common/messages.js";

/** The output-path placeholders for one table, e.g. Admin::AuditLog -> AdminAuditLog / admin_audit_log / admin-audit-log. */
function placeholders(table: string, model: string, inflector: Inflector): Record<string, string> {
  const snake = inflector.underscore(model).replace(/\//g, "_");
  return {
    "{table}": table,
    "{model}": model.replace(/::/g, ""),
    "{model_snake}": snake,
    "{model_kebab}": snake.replace(/_/g, "-"),
  };
}

const PLACEHOLDER = /\{(?:table|model|model_snake|model_kebab)\}/g;
const NOT_NORMAL = /(?:^|\/)\.{1,2}(?:\/|$)|\/\/|^\/|\/$/;

/** Expands outputs.perTable for one table; refuses names that would write outside the pattern's folder. */
export function outputPaths(patterns: string[], table: string, model: string, inflector: Inflector, schemaFile: string, line: number): string[] {
  const values = placeholders(table, model, inflector);
  for (const value of Object.values(values)) {
    if (!/^[A-Za-z0-9_.$-]+$/.test(value) || value === "." || value === "..") {
      throw new InputError(msg.unsafeTableName(schemaFile, line, table), schemaFile, line);
    }
    // Generator commands are argv lists: a leading "-" would be read as an option, not a table.
    if (value.startsWith("-")) throw new InputError(msg.unsafeTableOption(schemaFile, line, table), schemaFile, line);
  }
  return patterns.map((pattern) => {
    const out = pattern.replace(PLACEHOLDER, (key) => values[key]!);
    // Values hold no "/" (checked above), so only a pattern written that way needs normalising.
    const file = NOT_NORMAL.test(out) ? path.posix.normalize(out) : out;
    // A pattern is checked without its table; a table named ".git" (or "git" in ".{table}") only shows here.
    const why = unsafePath(file);
    if (why) throw new InputError(msg.unsafeTableOutput(schemaFile, line, table, file, why), schemaFile, line);
    return file;
  });
}
