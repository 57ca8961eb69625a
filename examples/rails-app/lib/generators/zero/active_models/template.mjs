// A tiny Mustache-like renderer for the generator templates:
//   {{name}} / {{a.b}} / {{.}}        value (inserted as is, no escaping)
//   {{#list}} ... {{/list}}           repeated for each item (or once if truthy)
//   {{^list}} ... {{/list}}           rendered when empty / falsy
//   {{! comment }}                    dropped
// A section tag alone on its line takes the whole line with it.

export function renderTemplate(source, view, templateName = "template") {
  const text = source.replace(/^[ \t]*(\{\{[#^/!][^}]*\}\})[ \t]*\r?\n/gm, "$1");
  const tokens = [];
  const re = /\{\{\s*([#^/!]?)\s*([^}]*?)\s*\}\}/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) tokens.push({ type: "text", value: text.slice(last, m.index) });
    tokens.push({ type: m[1] || "var", name: m[2] });
    last = re.lastIndex;
  }
  if (last < text.length) tokens.push({ type: "text", value: text.slice(last) });

  const tree = nest(tokens, templateName);
  return renderNodes(tree, [view], templateName);
}

function nest(tokens, templateName) {
  const root = [];
  const stack = [{ children: root }];
  for (const t of tokens) {
    const parent = stack[stack.length - 1];
    if (t.type === "#" || t.type === "^") {
      const node = { type: t.type, name: t.name, children: [] };
      parent.children.push(node);
      stack.push(node);
    } else if (t.type === "/") {
      if (stack.length === 1 || parent.name !== t.name) {
        throw new Error(`${templateName}: unexpected {{/${t.name}}}`);
      }
      stack.pop();
    } else if (t.type !== "!") {
      parent.children.push(t);
    }
  }
  if (stack.length !== 1) throw new Error(`${templateName}: unclosed {{#${stack[stack.length - 1].name}}}`);
  return root;
}

function lookup(contexts, name, templateName) {
  if (name === ".") return contexts[contexts.length - 1];
  const [head, ...rest] = name.split(".");
  for (let i = contexts.length - 1; i >= 0; i--) {
    const ctx = contexts[i];
    if (ctx !== null && typeof ctx === "object" && head in ctx) {
      let value = ctx[head];
      for (const key of rest) value = value?.[key];
      return value;
    }
  }
  throw new Error(`${templateName}: unknown variable {{${name}}}`);
}

function renderNodes(nodes, contexts, templateName) {
  let out = "";
  for (const node of nodes) {
    if (node.type === "text") {
      out += node.value;
    } else if (node.type === "var") {
      const value = lookup(contexts, node.name, templateName);
      out += value === null || value === undefined ? "" : String(value);
    } else {
      const value = lookup(contexts, node.name, templateName);
      const empty = value === null || value === undefined || value === false || (Array.isArray(value) && value.length === 0) || value === "";
      if (node.type === "^") {
        if (empty) out += renderNodes(node.children, contexts, templateName);
      } else if (!empty) {
        const items = Array.isArray(value) ? value : [value];
        for (const item of items) out += renderNodes(node.children, [...contexts, item], templateName);
      }
    }
  }
  return out;
}
