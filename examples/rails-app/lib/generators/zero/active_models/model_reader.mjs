// Reads app/models/**/*.rb (classes, modules, concerns, associations).
// Part of the zero:active_models STAND-IN: it understands models written in
// ordinary Rails style (one association per line, options on the same line),
// counting `class`/`module`/`def`/`do` ... `end` to know where it is.
import { parseOptions, parseValue, splitStatements } from "./ruby_text.mjs";

const ASSOCIATION = /^(belongs_to|has_many|has_one|has_and_belongs_to_many)\s+:(\w+)\s*(?:,\s*(.*))?$/s;
const BLOCK_OPENER = /^(?:if|unless|case|while|until|begin|for)\b/;

export function readModels(files) {
  const classes = new Map();
  const modules = new Map();

  for (const { path, text } of files) {
    const stack = []; // frames: { kind: "class"|"module"|"def"|"block", name, record }
    const lines = text.split(/\r?\n/);
    for (let lineNo = 0; lineNo < lines.length; lineNo++) {
      for (const stmt of splitStatements(lines[lineNo])) {
        handle(stmt, { path, line: lineNo + 1 });
      }
    }

    function enclosingNamespace() {
      return stack.filter((f) => f.kind === "class" || f.kind === "module").map((f) => f.name);
    }

    function currentScope() {
      // The class/module whose body we are directly in (blocks like
      // `included do` count as the module's body; defs do not).
      for (let i = stack.length - 1; i >= 0; i--) {
        const f = stack[i];
        if (f.kind === "def") return null;
        if (f.kind === "class" || f.kind === "module") return { frame: f, inBlock: i !== stack.length - 1 };
      }
      return null;
    }

    function handle(stmt, where) {
      let m;
      if ((m = /^class\s+([A-Z][\w:]*)(?:\s*<\s*([A-Z][\w:]*))?\s*$/.exec(stmt))) {
        const name = [...enclosingNamespace(), m[1]].join("::");
        const record = classes.get(name) ?? {
          name,
          superclass: null,
          lexicalScope: enclosingNamespace(),
          files: [],
          tableName: null,
          abstract: false,
          includes: [],
          associations: [],
        };
        if (m[2]) record.superclass = m[2];
        if (!record.files.includes(where.path)) record.files.push(where.path);
        classes.set(name, record);
        stack.push({ kind: "class", name: m[1], record });
        return;
      }
      if (/^class\s*<</.test(stmt)) {
        stack.push({ kind: "block" });
        return;
      }
      if ((m = /^module\s+([A-Z][\w:]*)\s*$/.exec(stmt))) {
        const name = [...enclosingNamespace(), m[1]].join("::");
        const record = modules.get(name) ?? {
          name,
          files: [],
          tableNamePrefix: null,
          includes: [],
          associations: [],
          concern: false,
        };
        if (!record.files.includes(where.path)) record.files.push(where.path);
        modules.set(name, record);
        stack.push({ kind: "module", name: m[1], record });
        return;
      }
      if ((m = /^def\s+([\w.?!=]+)/.exec(stmt))) {
        if (/^def\s+[\w.?!]+(\([^)]*\))?\s*=[^=]/.test(stmt)) {
          // endless method: `def self.table_name_prefix = "admin_"`
          const endless = /^def\s+self\.table_name_prefix\s*=\s*(.+)$/.exec(stmt);
          const scope = currentScope();
          if (endless && scope?.frame.kind === "module") scope.frame.record.tableNamePrefix = parseValue(endless[1]);
          return;
        }
        stack.push({ kind: "def", name: m[1] });
        return;
      }
      if (/^end\b/.test(stmt)) {
        if (stack.length === 0) throw new Error(`${where.path}:${where.line}: unexpected "end"`);
        stack.pop();
        return;
      }
      const top = stack[stack.length - 1];
      if (top?.kind === "def") {
        if (top.name === "self.table_name_prefix") {
          const owner = stack[stack.length - 2];
          const value = parseValue(stmt);
          if (owner?.kind === "module" && typeof value === "string") owner.record.tableNamePrefix = value;
        }
        if (BLOCK_OPENER.test(stmt) || /\bdo(\s*\|[^|]*\|)?\s*$/.test(stmt)) stack.push({ kind: "block" });
        return;
      }
      const scope = currentScope();
      if (scope) {
        const record = scope.frame.record;
        if ((m = ASSOCIATION.exec(stmt))) {
          const { options, positional } = parseOptions(m[3] ?? "");
          record.associations.push({
            kind: m[1],
            name: m[2],
            options,
            hasScope: positional.some((p) => p.startsWith("->")),
            declaredIn: record.name,
            source: `${where.path}:${where.line}`,
          });
          if (scope.frame.kind === "module") record.concern = true;
        } else if ((m = /^include\s+(.+)$/.exec(stmt))) {
          for (const mod of m[1].split(",").map((s) => s.trim())) {
            record.includes.push(mod);
            // Keep the position so that concern associations keep declaration order.
            record.associations.push({ kind: "include", name: mod, declaredIn: record.name });
          }
        } else if (/^extend\s+ActiveSupport::Concern\b/.test(stmt) && scope.frame.kind === "module") {
          record.concern = true;
        } else if (scope.frame.kind === "class") {
          if ((m = /^self\.table_name\s*=\s*(.+)$/.exec(stmt))) record.tableName = parseValue(m[1]);
          else if (/^(self\.abstract_class\s*=\s*true|primary_abstract_class)\s*$/.test(stmt)) record.abstract = true;
          else if ((m = /^self\.inheritance_column\s*=\s*(.+)$/.exec(stmt))) record.inheritanceColumn = parseValue(m[1]);
        }
      }
      if (BLOCK_OPENER.test(stmt) || /\bdo(\s*\|[^|]*\|)?\s*$/.test(stmt)) stack.push({ kind: "block" });
    }

    if (stack.length !== 0) throw new Error(`${path}: missing "end" (unclosed ${stack[stack.length - 1].kind})`);
  }

  return { classes, modules };
}
