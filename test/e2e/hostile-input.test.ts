import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleRepo } from "../helpers/repo.js";

/**
 * Security, issue 16, the smaller items: input a teammate commits (file and
 * table names, Ruby, the config) or that sits beside it (a second config
 * file, a submodule) can neither reach the terminal raw, nor make zero-models
 * write into .git, nor pass for fresh when zero-models cannot see it, nor
 * crash or hang the parser. Each ends as exit 2 naming the file, not exit 3.
 */

const withOutputs = (change: (outputs: { perTable: string[]; shared: string[] }) => void) => (c: Record<string, unknown>) => {
  const outputs = structuredClone(c.outputs) as { perTable: string[]; shared: string[] };
  change(outputs);
  return { ...c, outputs };
};

describe("outputs inside .git", () => {
  it("outputs.shared naming .git/hooks/post-checkout is a config error (exit 2) naming the key; nothing is written there", () => {
    const repo = exampleRepo({ config: withOutputs((o) => o.shared.push(".git/hooks/post-checkout")) });
    for (const args of [["check"], ["generate"]]) {
      const r = repo.zc(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('`outputs.shared[2]` is ".git/hooks/post-checkout", where zero-models never writes: it is inside .git');
    }
    expect(existsSync(path.join(repo.dir, ".git/hooks/post-checkout"))).toBe(false);
  });

  it("outputs.perTable reaching .git through .. and another case (.GIT) is refused the same way", () => {
    const repo = exampleRepo({ config: withOutputs((o) => o.perTable.push("frontend/../.GIT/{table}.ts")) });
    const r = repo.zc(["generate"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('`outputs.perTable[3]` is "frontend/../.GIT/{table}.ts", where zero-models never writes: it is inside .git');
  });
});

describe("a second config file", () => {
  it("beside the first is refused (exit 2) naming both, even when check's fast path last saw everything fresh", () => {
    const repo = exampleRepo();
    expect(repo.zc(["generate", "-q"]).code).toBe(0);
    expect(repo.zc(["check"]).code).toBe(0);
    // cosmiconfig reads package.json first, then .zeromodelsrc: this one would silently win.
    repo.write("package.json", JSON.stringify({ name: "app", zeromodels: { outputs: { perTable: ["elsewhere/{table}.ts"], shared: [] } } }));
    for (const args of [["check"], ["generate"], ["check", "--staged"]]) {
      const r = repo.zc(args);
      expect(r.code, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`2 zero-models config files in one folder: ${path.join(repo.dir, "package.json")}, ${path.join(repo.dir, ".zeromodelsrc.json")}.`);
      expect(r.stderr).toContain("name one with --config");
    }
    expect(repo.exists("elsewhere")).toBe(false);
    expect(repo.zc(["check", "--config", ".zeromodelsrc.json"]).code).toBe(0);
  });
});
