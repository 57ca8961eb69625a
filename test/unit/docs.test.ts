import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT } from "../helpers/repo.js";

/** The README is the front page and docs/ holds the depth: these keep the split honest. */
const pages = ["README.md", ...readdirSync(join(PROJECT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

function relativeLinks(page: string): string[] {
  const text = readFileSync(join(PROJECT, page), "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l) && !l.startsWith("#"));
}

describe("the documentation", () => {
  it("README stays a front page: about 200 lines, linking every docs/ page", () => {
    const readme = readFileSync(join(PROJECT, "README.md"), "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(220);
    for (const page of pages.filter((p) => p.startsWith("docs/"))) expect(readme, `README links ${page}`).toContain(`](${page})`);
  });

  it.each(pages)("every relative link in %s names a file that exists", (page) => {
    for (const link of relativeLinks(page)) {
      const target = join(PROJECT, dirname(page), link.split("#")[0]!);
      expect(existsSync(target), `${page} links ${link}`).toBe(true);
    }
  });
});
