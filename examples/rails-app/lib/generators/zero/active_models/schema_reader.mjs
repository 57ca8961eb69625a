// Reads db/schema.rb as the Active Record schema dumper (Rails 8) writes it.
// Part of the zero:active_models STAND-IN; line based on purpose.
import { parseOptions, parseValue, stripComment } from "./ruby_text.mjs";
import { stderrWarner } from "./warnings.mjs";

const IGNORED_TABLES = new Set(["schema_migrations", "ar_internal_metadata"]);
const NON_COLUMN_METHODS = new Set([
  "index",
  "check_constraint",
  "exclusion_constraint",
  "unique_constraint",
  "timestamps",
]);

export function readSchema(text, warn = stderrWarner()) {
  const schema = { version: null, enums: new Map(), tables: new Map(), foreignKeys: [] };
  const lines = text.split(/\r?\n/);
  let table = null;
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]);
    if (line.trim() === "") continue;
    let m;
    if ((m = /define\(version:\s*([\d_]+)\)/.exec(line))) {
      schema.version = m[1].replace(/_/g, "");
      continue;
    }
    if (table) {
      if (/^\s*end\s*$/.test(line)) {
        if (!IGNORED_TABLES.has(table.name)) schema.tables.set(table.name, table);
        table = null;
        continue;
      }
      if ((m = /^\s*t\.(\w+)\s+(.*)$/.exec(line))) {
        const method = m[1];
        if (NON_COLUMN_METHODS.has(method)) {
          if (method === "index") table.indexes.push(m[2].trim());
          continue;
        }
        const column = splitFirst(m[2]);
        if (!column) {
          warn(`db/schema.rb:${i + 1}: cannot read the column definition ${m[2].trim()}; skipped`);
          continue;
        }
        const { options } = parseOptions(column[1]);
        table.columns.push({ name: parseValue(column[0]), type: method, options });
        continue;
      }
      warn(`db/schema.rb:${i + 1}: unrecognised line in create_table "${table.name}": ${line.trim()}; skipped`);
      continue;
    }
    if ((m = /^\s*create_table\s+"([^"]+)"(.*?)\s+do\s*\|\w+\|\s*$/.exec(line))) {
      const { options } = parseOptions(m[2].replace(/^\s*,/, ""));
      table = { name: m[1], options, columns: [], indexes: [] };
      continue;
    }
    if ((m = /^\s*create_enum\s+"([^"]+)",\s*(\[.*\])\s*$/.exec(line))) {
      const name = m[1].replace(/^public\./, "");
      schema.enums.set(name, parseValue(m[2]));
      continue;
    }
    if ((m = /^\s*add_foreign_key\s+(.*)$/.exec(line))) {
      const { options, positional } = parseOptions(m[1]);
      const [from, to] = positional.map(parseValue);
      schema.foreignKeys.push({ from, to, options });
      continue;
    }
  }
  if (table) {
    warn(`db/schema.rb: create_table "${table.name}" is not closed; read to the end of the file`);
    if (!IGNORED_TABLES.has(table.name)) schema.tables.set(table.name, table);
  }
  return schema;
}

/** A column line's quoted name and the options after it, or null. */
function splitFirst(text) {
  const m = /^("(?:[^"\\]|\\.)*")\s*(?:,\s*(.*))?$/.exec(text.trim());
  return m ? [m[1], m[2] ?? ""] : null;
}

/** Primary key column(s) of a table, from its create_table header. */
export function primaryKeyOf(table) {
  const { id, primary_key: pk } = table.options;
  if (Array.isArray(pk)) return pk;
  if (typeof pk === "string") return [pk];
  if (id === false) return [];
  return ["id"];
}

/** Type of the implicit primary key column (`id: :uuid`, default bigint). */
export function primaryKeyType(table) {
  const { id } = table.options;
  if (typeof id === "string") return id;
  return "bigint";
}
