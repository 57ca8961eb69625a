// Applies config/initializers/inflections.rb to the `inflected` inflector
// (a port of ActiveSupport::Inflector). Part of the zero:active_models stand-in.
import * as Inflector from "inflected";
import { parseValue, splitTopLevel, stripComment } from "./ruby_text.mjs";

/** Convert a Ruby regexp literal (`/^(ox)$/i`) to a JS RegExp. */
function rubyRegexp(literal) {
  const m = /^\/(.*)\/([imx]*)$/s.exec(literal.trim());
  if (!m) return null;
  const flags = m[2].includes("i") ? "i" : "";
  return new RegExp(m[1].replace(/\\A/g, "^").replace(/\\[zZ]/g, "$"), flags);
}

/** Ruby replacement string ("\\1en") to a JS one ("$1en"). */
function rubyReplacement(value) {
  return value.replace(/\\\\?(\d)/g, "$$$1");
}

function words(args) {
  const out = [];
  for (const part of splitTopLevel(args)) {
    const v = parseValue(part);
    if (Array.isArray(v)) out.push(...v);
    else if (typeof v === "string") out.push(v);
  }
  return out;
}

export function applyInflections(text) {
  const applied = [];
  Inflector.inflections("en", (inflect) => {
    for (const rawLine of text.split(/\r?\n/)) {
      const line = stripComment(rawLine).trim();
      const m = /^\w+\.(irregular|uncountable|plural|singular|acronym|human)(?:\((.*)\)|\s+(.*))$/.exec(line);
      if (!m) continue;
      const method = m[1];
      const args = m[2] ?? m[3];
      if (method === "irregular") {
        const [singular, plural] = words(args);
        inflect.irregular(singular, plural);
      } else if (method === "uncountable") {
        inflect.uncountable(...words(args));
      } else if (method === "acronym") {
        for (const w of words(args)) inflect.acronym(w);
      } else {
        const [ruleRaw, replacementRaw] = splitTopLevel(args);
        const rule = rubyRegexp(ruleRaw) ?? parseValue(ruleRaw);
        const replacement = rubyReplacement(String(parseValue(replacementRaw)));
        inflect[method](rule, replacement);
      }
      applied.push(line);
    }
  });
  return applied;
}

export const { pluralize, singularize, camelize, classify } = Inflector;

/** ActiveSupport's underscore, including "Admin::AuditLog" -> "admin/audit_log". */
export function underscore(name) {
  return Inflector.underscore(name.replace(/::/g, "/"));
}

export function demodulize(name) {
  return name.split("::").pop();
}
