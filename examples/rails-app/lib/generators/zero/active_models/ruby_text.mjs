// Small helpers for reading Ruby source the way the Rails generators write it.
// This is part of a STAND-IN for the `zero:active_models` Rails generator: it
// does not parse Ruby, it reads ordinary, conventionally formatted code.

/** Split `text` at top-level occurrences of `sep` (outside quotes/brackets). */
export function splitTopLevel(text, sep = ",") {
  const parts = [];
  let depth = 0;
  let quote = null;
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      current += c;
      if (c === "\\") {
        current += text[++i] ?? "";
      } else if (c === quote) {
        quote = null;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      current += c;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    if (c === ")" || c === "]" || c === "}") depth--;
    if (c === sep && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  if (current.trim() !== "") parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/** Remove a trailing `# comment` that is outside string literals. */
export function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "#") return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** Parse a Ruby literal as written by the schema dumper / in model options. */
export function parseValue(raw) {
  const v = raw.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(v)) return JSON.parse(v.replace(/\\#/g, "#"));
  if (/^'(?:[^'\\]|\\.)*'$/.test(v)) return v.slice(1, -1).replace(/\\'/g, "'");
  if (/^:"[^"]*"$/.test(v)) return v.slice(2, -1);
  if (/^:\w+[?!]?$/.test(v)) return v.slice(1);
  if (v === "true") return true;
  if (v === "false") return false;
  if (v === "nil") return null;
  if (/^-?\d[\d_]*$/.test(v)) return Number(v.replace(/_/g, ""));
  if (/^-?\d[\d_]*\.\d+$/.test(v)) return Number(v.replace(/_/g, ""));
  if (/^\[.*\]$/.test(v)) {
    return splitTopLevel(v.slice(1, -1)).map(parseValue);
  }
  if (/^%[wi][\[(]/.test(v)) {
    return v.slice(3, -1).trim().split(/\s+/).filter(Boolean);
  }
  // Hashes, lambdas, constants, expressions: keep the source text.
  return { raw: v };
}

/**
 * Parse `key: value, key2: value2` (also `"key" => value`) into an object.
 * Positional arguments (e.g. a scope lambda) are returned in `positional`.
 */
export function parseOptions(text) {
  const options = {};
  const positional = [];
  for (const part of splitTopLevel(text ?? "")) {
    let m = /^(\w+[?!]?):\s*(.*)$/s.exec(part);
    if (!m) m = /^:(\w+)\s*=>\s*(.*)$/s.exec(part);
    if (!m) m = /^"(\w+)"\s*=>\s*(.*)$/s.exec(part);
    if (m && !part.startsWith("->")) {
      options[m[1]] = parseValue(m[2]);
    } else {
      positional.push(part);
    }
  }
  return { options, positional };
}

/** Split a source line into statements at top-level `;`. */
export function splitStatements(line) {
  return splitTopLevel(stripComment(line), ";");
}
