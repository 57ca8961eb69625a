import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The tree is the architecture: each folder of src/ answers one question, and
 * may use only the folders below it. These tests read the imports (static,
 * dynamic and type-only) and fail on an edge the table does not allow, or on
 * an import cycle between files. What the hooks' fast path bundles is pinned
 * by test/e2e/bundle.test.ts (it needs the build).
 */

const SRC = path.resolve(import.meta.dirname, "../../src");

/** Which folders each folder may import from (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  common: [],
  git: ["common"],
  config: ["common", "git"],
  ruby: ["common"],
  rails: ["common", "ruby"],
  inputs: ["common", "git", "config"],
  staleness: ["common", "git", "config", "ruby", "rails", "inputs"],
  store: ["common", "config"],
  generate: ["common", "git", "config", "ruby", "rails", "inputs", "staleness", "store"],
  hooks: ["common", "git", "config"],
  setup: ["common", "git", "config", "inputs", "staleness", "store", "hooks"],
  output: ["common", "config", "inputs", "staleness", "store", "generate", "setup"],
  commands: ["common", "git", "config", "ruby", "rails", "inputs", "staleness", "store", "generate", "hooks", "setup", "output"],
  cli: ["common", "git", "config", "inputs", "staleness", "hooks", "output", "commands"],
};

/** src/ files and the src/ files each imports, both relative to src/. */
function importGraph(files: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const targets = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)"/g)].map((m) =>
      path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)).replace(/\.js$/, ".ts"),
    );
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every edge the table forbids, as "from -> to". */
function forbiddenEdges(graph: Map<string, string[]>): string[] {
  const bad: string[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    for (const target of targets) {
      const to = folderOf(target);
      const sameFolder = from === to;
      const allowed = sameFolder ? from !== "commands" : (MAY_IMPORT[from] ?? []).includes(to);
      if (!allowed) bad.push(`${file} -> ${target}`);
    }
  }
  return bad;
}

/** One import cycle between files, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === "done") return null;
    if (state.get(file) === "open") return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, "done");
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

const folderOf = (file: string) => (file.includes("/") ? file.split("/")[0]! : "");

function sources(dir = SRC): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) for (const [f, t] of sources(full)) out.set(f, t);
    else if (entry.endsWith(".ts")) out.set(path.relative(SRC, full).split(path.sep).join("/"), readFileSync(full, "utf8"));
  }
  return out;
}

describe("the source tree", () => {
  const files = sources();
  const graph = importGraph(files);

  it("keeps at most 3 files at the top of src/, and every folder is in the import table", () => {
    expect([...files.keys()].filter((f) => !f.includes("/")).length).toBeLessThanOrEqual(3);
    const folders = new Set([...files.keys()].map(folderOf).filter(Boolean));
    expect([...folders].sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it("imports only in the allowed directions, and commands never import one another", () => {
    expect(forbiddenEdges(graph)).toEqual([]);
  });

  it("has no import cycle between files", () => {
    expect(findCycle(graph)).toBeNull();
  });

  it("the checks themselves catch a forbidden edge, a command importing a command, and a cycle", () => {
    const tiny = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(forbiddenEdges(tiny({ "store/local.ts": ["common/hash.ts", "staleness/analyze.ts"] }))).toEqual(["store/local.ts -> staleness/analyze.ts"]);
    expect(forbiddenEdges(tiny({ "commands/hook.ts": ["commands/check.ts", "output/plan-report.ts"] }))).toEqual(["commands/hook.ts -> commands/check.ts"]);
    expect(findCycle(tiny({ "common/hash.ts": ["common/log.ts"], "common/log.ts": ["common/hash.ts"] }))).toEqual(["common/hash.ts", "common/log.ts", "common/hash.ts"]);
    expect(findCycle(tiny({ "common/hash.ts": ["common/log.ts"], "common/log.ts": [] }))).toBeNull();
  });
});
