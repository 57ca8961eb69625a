import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * dist/cli.cjs is what every git pull, checkout and commit starts: its
 * modules are pinned from esbuild's metafile (scripts/build.mjs writes
 * dist/cli.meta.json, which is not published), so a new import into the fast
 * path is a decision, not an accident.
 */

describe("the hooks' fast path bundle (dist/cli.cjs)", () => {
  it("holds exactly these modules: a new import here costs every git pull, checkout and commit", () => {
    const meta = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../dist/cli.meta.json"), "utf8")) as { inputs: Record<string, unknown> };
    const modules = Object.keys(meta.inputs)
      .map((p) => (p.startsWith("node_modules/") ? p.split("/").slice(0, p.startsWith("node_modules/@") ? 3 : 2).join("/") : p))
      .filter((p, i, all) => all.indexOf(p) === i)
      .sort();
    expect(modules).toEqual([
      "node_modules/signal-exit",
      "node_modules/write-file-atomic",
      "src/cli/bin.ts",
      "src/cli/fast-check.ts",
      "src/cli/fast-hook.ts",
      "src/cli/global-options.ts",
      "src/common/atomic.ts",
      "src/common/errors.ts",
      "src/common/hash.ts",
      "src/common/messages.ts",
      "src/common/path-guard.ts",
      "src/common/tree-files.ts",
      "src/common/version.ts",
      "src/config/defaults.ts",
      "src/config/file.ts",
      "src/git/changes.ts",
      "src/git/exec.ts",
      "src/git/listing.ts",
      "src/git/objects.ts",
      "src/git/repo.ts",
      "src/hooks/scope.ts",
      "src/inputs/snapshot.ts",
      "src/staleness/fresh-record.ts",
    ]);
  });
});

describe("the commands' chunks (dist/chunks)", () => {
  const dir = path.resolve(import.meta.dirname, "../../dist/chunks");
  const files = readdirSync(dir);
  /** Every chunk a chunk loads before it runs (static imports, not import()). */
  const closure = (start: string) => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(path.join(dir, file), "utf8").matchAll(/^import (?:[^"'()]*? from )?"\.\/([^"]+)";?$/gm)) visit(m[1]!);
    };
    visit(start);
    return seen;
  };

  it.each(["check", "generate", "hook", "restore"])("%s loads zod only to validate a config anew (its validation is cached per content)", (command) => {
    const entry = files.find((f) => f.startsWith(`${command}-`) && f.endsWith(".js"))!;
    const zod = files.filter((f) => readFileSync(path.join(dir, f), "utf8").includes("node_modules/zod/"));
    expect(entry).toBeDefined();
    expect(zod.length).toBeGreaterThan(0);
    expect([...closure(entry)].filter((f) => zod.includes(f))).toEqual([]);
  });
});
