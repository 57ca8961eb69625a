import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  attributeLine,
  driverCommand,
  hasHusky,
  hookLine,
  prepareStep,
  relativeDir,
  withAttribute,
  withHookLine,
  withIgnored,
  withoutAttribute,
  withoutHookLine,
  withoutIgnored,
  withoutPrepare,
  withoutPrepareStep,
  withPrepare,
  withPrepareStep,
} from "../../../src/hooks/install-edits.js";

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "zero-models-setup-")));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function executable(file: string, text: string): void {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/**
 * A repo top level plus a bin folder holding only the commands asked for: a
 * fake `node` and a fake `zero-models` that writes its cwd and argv (one per
 * line) to a log and exits with $ZC_EXIT. The PATH is that folder alone, so
 * no real zero-models can be found.
 */
function sandbox(commands: { node?: boolean; zeroModels?: boolean; tools?: string[] } = {}) {
  const dir = tempDir();
  const root = path.join(dir, "repo");
  const bin = path.join(dir, "bin");
  const log = path.join(dir, "zero-models.log");
  mkdirSync(root);
  mkdirSync(bin);
  if (commands.node ?? true) executable(path.join(bin, "node"), "#!/bin/sh\nexit 0\n");
  for (const tool of commands.tools ?? []) symlinkSync(spawnSync("/bin/sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim(), path.join(bin, tool));
  if (commands.zeroModels ?? true) {
    executable(
      path.join(bin, "zero-models"),
      `#!/bin/sh\n{ pwd -P; for a in "$@"; do printf '%s\\n' "$a"; done; } > "$ZC_LOG"\nexit "\${ZC_EXIT:-0}"\n`,
    );
  }
  const env = (exit = 0) => ({ PATH: bin, ZC_LOG: log, ZC_EXIT: String(exit) });
  return {
    root,
    /** Runs `line` as `sh -c` does, with the hook's arguments, at the repo top level (where git runs hooks). */
    run: (line: string, args: string[], exit = 0) => spawnSync("/bin/sh", ["-c", line, "sh", ...args], { cwd: root, env: env(exit), encoding: "utf8" }),
    /** Runs a hook file the way husky 9 does: `sh -e <file> <args>`. */
    runFile: (text: string, args: string[], exit = 0) => {
      const file = path.join(dir, "hook");
      writeFileSync(file, text);
      return spawnSync("/bin/sh", ["-e", file, ...args], { cwd: root, env: env(exit), encoding: "utf8" });
    },
    /** The fake zero-models' [cwd, ...argv], or null when it did not run. */
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(0, -1) : null),
  };
}

describe("hookLine", () => {
  it("runs zero-models hook <name> with the hook's arguments and no cd or -C at the top level", () => {
    const line = hookLine("pre-commit", "", "");
    expect(line).toContain('zero-models hook pre-commit "$@"');
    expect(line).not.toContain("cd ");
    expect(line).not.toContain("-C");
  });

  it("cds into the package folder and points -C at the app folder", () => {
    const line = hookLine("post-merge", "frontend", "..");
    expect(line).toContain("cd frontend && ");
    expect(line).toContain('zero-models -C .. hook post-merge "$@"');
  });

  it("quotes paths with spaces and quotes for the shell", () => {
    const line = hookLine("post-merge", "my app", "../rails app");
    expect(line).toContain("cd 'my app' && ");
    expect(line).toContain("-C '../rails app' hook post-merge");
    expect(hookLine("post-merge", "it's", "")).toContain(`cd 'it'\\''s' && `);
  });

  describe("run by /bin/sh", () => {
    it("passes the hook name and arguments through verbatim, at the repo top level", () => {
      const box = sandbox();
      const result = box.run(hookLine("post-checkout", "", ""), ["arg1", "arg 2"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(box.calls()).toEqual([box.root, "hook", "post-checkout", "arg1", "arg 2"]);
    });

    it("runs in the package folder and passes -C when package.json is in a subfolder", () => {
      const box = sandbox();
      mkdirSync(path.join(box.root, "frontend"));
      const result = box.run(hookLine("post-merge", "frontend", ".."), ["arg1", "arg 2"]);
      expect(result.status).toBe(0);
      expect(box.calls()).toEqual([path.join(box.root, "frontend"), "-C", "..", "hook", "post-merge", "arg1", "arg 2"]);
    });

    it("handles folders with spaces and quotes", () => {
      const box = sandbox();
      mkdirSync(path.join(box.root, "my app", "it's"), { recursive: true });
      const result = box.run(hookLine("post-rewrite", "my app/it's", "../rails app"), ["rebase"]);
      expect(result.status).toBe(0);
      expect(box.calls()).toEqual([path.join(box.root, "my app", "it's"), "-C", "../rails app", "hook", "post-rewrite", "rebase"]);
    });

    it("says run npm install, and exits 0, when package.json lists zero-models but it is not installed", () => {
      const box = sandbox({ zeroModels: false, tools: ["grep"] });
      writeFileSync(path.join(box.root, "package.json"), '{ "devDependencies": { "zero-models": "^0.1.0" } }\n');
      const result = box.run(hookLine("post-merge", "", ""), ["0"]);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("zero-models: zero-models is in package.json but not installed; post-merge hook skipped. Run npm install.");
    });

    it("says once, and exits 0, when zero-models is gone from package.json", () => {
      const box = sandbox({ zeroModels: false, tools: ["grep", "git"] });
      writeFileSync(path.join(box.root, "package.json"), '{ "name": "app" }\n');
      spawnSync("git", ["init", "-q"], { cwd: box.root });
      const first = box.run(hookLine("post-merge", "", ""), ["0"]);
      expect(first.status).toBe(0);
      expect(first.stderr).toContain("the package is no longer installed");
      const second = box.run(hookLine("post-merge", "", ""), ["0"]);
      expect(second).toMatchObject({ status: 0, stdout: "", stderr: "" });
    });

    it("skips the hook, without running zero-models, when node is missing", () => {
      const box = sandbox({ node: false });
      const result = box.run(hookLine("pre-commit", "", ""), []);
      expect(result.status).toBe(0);
      expect(result.stderr).toContain("not on PATH; pre-commit hook skipped");
      expect(box.calls()).toBeNull();
    });

    it("exits 1 when zero-models does, so pre-commit can refuse the commit", () => {
      const box = sandbox();
      const result = box.run(hookLine("pre-commit", "", ""), [], 1);
      expect(result.status).toBe(1);
      expect(box.calls()).toEqual([box.root, "hook", "pre-commit"]);
    });

    it("works appended to an existing husky hook run with sh -e", () => {
      const box = sandbox();
      mkdirSync(path.join(box.root, "frontend"));
      const hook = withHookLine("echo before", "pre-commit", hookLine("pre-commit", "frontend", ""))!;
      const ok = box.runFile(hook, ["a", "b c"]);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toBe("before\n");
      expect(box.calls()).toEqual([path.join(box.root, "frontend"), "hook", "pre-commit", "a", "b c"]);

      const refused = box.runFile(`${hook}echo after\n`, [], 1);
      expect(refused.status).toBe(1);
      expect(refused.stdout).toBe("before\n");
    });

    it("does not stop a sh -e hook when zero-models is missing", () => {
      const box = sandbox({ zeroModels: false });
      const result = box.runFile(`${hookLine("post-merge", "", "")}\necho after\n`, []);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe("after\n");
    });
  });
});

describe("withHookLine", () => {
  const line = hookLine("pre-commit", "", "");

  it("creates the hook content from nothing", () => {
    expect(withHookLine("", "pre-commit", line)).toBe(`${line}\n`);
  });

  it("keeps existing content verbatim and appends the line", () => {
    const existing = "#!/usr/bin/env sh\n# team hook\nnpx lint-staged\n";
    expect(withHookLine(existing, "pre-commit", line)).toBe(`${existing}${line}\n`);
  });

  it("adds the missing newline of a file without one", () => {
    expect(withHookLine("npx lint-staged", "pre-commit", line)).toBe(`npx lint-staged\n${line}\n`);
  });

  it("is idempotent: a second application changes nothing", () => {
    const once = withHookLine("npx lint-staged\n", "pre-commit", line)!;
    expect(withHookLine(once, "pre-commit", line)).toBeNull();
  });

  it("keeps a zero-models line written by another version", () => {
    expect(withHookLine("npx zero-models hook pre-commit\n", "pre-commit", line)).toBeNull();
  });

  it("adds the line when the file only runs zero-models for another hook", () => {
    const existing = "npx zero-models hook post-merge\n";
    expect(withHookLine(existing, "post-checkout", hookLine("post-checkout", "", ""))).toBe(`${existing}${hookLine("post-checkout", "", "")}\n`);
  });
});

describe("withPrepare", () => {
  const pkg = (value: object, indent: string | number = 2) => `${JSON.stringify(value, null, indent)}\n`;
  const prepareOf = (text: string | null) => (JSON.parse(text!) as { scripts: { prepare: string } }).scripts.prepare;

  it("adds husky as the prepare script and keeps everything else", () => {
    const before = { name: "app", version: "1.0.0", scripts: { test: "vitest" }, devDependencies: { husky: "^9" } };
    const after = withPrepare(pkg(before), "");
    expect(after).toBe(pkg({ ...before, scripts: { test: "vitest", prepare: "husky .husky" } }));
  });

  it("creates scripts when there are none", () => {
    expect(prepareOf(withPrepare(pkg({ name: "app" }), ""))).toBe("husky .husky");
  });

  it("chains an existing prepare script with &&", () => {
    const after = withPrepare(pkg({ scripts: { prepare: "npm run build" } }), "");
    expect(prepareOf(after)).toBe("npm run build && husky .husky");
  });

  it("is idempotent: a second application changes nothing", () => {
    const once = withPrepare(pkg({ scripts: { prepare: "npm run build" } }), "apps/web");
    expect(withPrepare(once!, "apps/web")).toBeNull();
    expect(withPrepare(pkg({ scripts: { prepare: "husky" } }), "")).toBeNull();
  });

  it("runs husky from the repo top level for a package.json in a subfolder", () => {
    expect(prepareOf(withPrepare(pkg({}), "frontend"))).toBe("cd .. && husky frontend/.husky");
    expect(prepareOf(withPrepare(pkg({}), "apps/web"))).toBe("cd ../.. && husky apps/web/.husky");
    expect(prepareOf(withPrepare(pkg({ scripts: { prepare: "svelte-kit sync" } }), "frontend"))).toBe(
      "svelte-kit sync && cd .. && husky frontend/.husky",
    );
  });

  it("keeps tab indentation", () => {
    const before = { name: "app", scripts: { test: "vitest" } };
    const after = withPrepare(pkg(before, "\t"), "");
    expect(after).toBe(pkg({ ...before, scripts: { test: "vitest", prepare: "husky .husky" } }, "\t"));
    expect(after).toMatch(/^\t"name"/m);
  });

  it("keeps four-space indentation", () => {
    const after = withPrepare(pkg({ name: "app" }, 4), "");
    expect(after).toBe(pkg({ name: "app", scripts: { prepare: "husky .husky" } }, 4));
  });
});

describe("withIgnored", () => {
  it("adds the cache folder, anchored at the top level", () => {
    expect(withIgnored("", "tmp/zero-models")).toBe("\n# zero-models' local cache\n/tmp/zero-models/\n");
  });

  it("keeps existing content verbatim, adding a missing final newline", () => {
    expect(withIgnored("node_modules/\n", "app/tmp/zero-models")).toBe("node_modules/\n\n# zero-models' local cache\n/app/tmp/zero-models/\n");
    expect(withIgnored("node_modules/", "tmp/zero-models")).toBe("node_modules/\n\n# zero-models' local cache\n/tmp/zero-models/\n");
  });
});

describe("hasHusky", () => {
  it("finds husky in devDependencies or dependencies only", () => {
    expect(hasHusky(JSON.stringify({ devDependencies: { husky: "^9.1.7" } }))).toBe(true);
    expect(hasHusky(JSON.stringify({ dependencies: { husky: "^9.1.7" } }))).toBe(true);
    expect(hasHusky(JSON.stringify({ devDependencies: { "lint-staged": "^16" }, peerDependencies: { husky: "*" } }))).toBe(false);
    expect(hasHusky(JSON.stringify({ name: "app" }))).toBe(false);
  });
});

describe("relativeDir", () => {
  it("gives a POSIX path, empty for the same folder", () => {
    expect(relativeDir("/repo", "/repo")).toBe("");
    expect(relativeDir("/repo", "/repo/apps/web")).toBe("apps/web");
    expect(relativeDir("/repo/apps/web", "/repo")).toBe("../..");
    expect(relativeDir("/repo/frontend", "/repo/rails")).toBe("../rails");
  });
});

describe("the edits undone (uninstall)", () => {
  const pkg = (value: object, indent: string | number = 2) => `${JSON.stringify(value, null, indent)}\n`;

  it("withoutHookLine gives back what withHookLine was given, or empty for a file it created", () => {
    for (const before of ["", "#!/usr/bin/env sh\nnpx lint-staged\n", "a\n\nb\n"]) {
      const line = hookLine("pre-commit", "frontend", "..");
      expect(withoutHookLine(withHookLine(before, "pre-commit", line)!, "pre-commit")).toBe(before);
    }
    expect(withoutHookLine("npx lint-staged\n", "pre-commit")).toBeNull();
    // Another hook's zero-models line stays.
    expect(withoutHookLine("zero-models hook post-merge\n", "pre-commit")).toBeNull();
  });

  it("withoutPrepare removes only the step withPrepare added", () => {
    for (const [before, sub] of [[{ name: "app" }, ""], [{ name: "app", scripts: { test: "vitest" } }, ""], [{ scripts: { prepare: "svelte-kit sync" } }, "frontend"]] as const) {
      const text = pkg(before, "\t");
      expect(withoutPrepare(withPrepare(text, sub)!, sub)).toBe(text);
    }
    // husky's own set-up (a bare `husky`) is the team's.
    expect(withoutPrepare(pkg({ scripts: { prepare: "husky" } }), "")).toBeNull();
    expect(withoutPrepare(pkg({ scripts: { prepare: "npm run build && husky" } }), "")).toBeNull();
  });

  it("withoutPrepareStep removes only the step withPrepareStep added, after or before withoutPrepare", () => {
    const cases = [[{ name: "app" }, "", ""], [{ scripts: { prepare: "echo ready" } }, "", ""], [{ scripts: { prepare: "svelte-kit sync" } }, "frontend", ".."], [{ name: "x" }, "it's", "../rails app"]] as const;
    for (const [before, sub, app] of cases) {
      const text = pkg(before, "\t");
      const set = withPrepareStep(withPrepare(text, sub)!, prepareStep(app))!;
      expect(withoutPrepare(withoutPrepareStep(set)!, sub)).toBe(text);
    }
    // A prepare script that does not start with the step is the team's.
    expect(withoutPrepareStep(pkg({ scripts: { prepare: "husky && zero-models hook prepare" } }))).toBeNull();
    expect(withoutPrepareStep(pkg({ scripts: { prepare: "husky" } }))).toBeNull();
  });

  it("withoutAttribute gives back what withAttribute was given, or empty for a file it created", () => {
    for (const before of ["", "*.png binary\n", "Gemfile.lock -diff\n\n"]) {
      expect(withoutAttribute(withAttribute(before, attributeLine("zero-models.lock"))!)).toBe(before);
    }
    expect(withoutAttribute("*.png binary\n")).toBeNull();
  });

  it("withoutIgnored removes the cache lines withIgnored added", () => {
    expect(withoutIgnored(withIgnored("node_modules/\n", "tmp/zero-models"), "tmp/zero-models")).toBe("node_modules/\n");
    expect(withoutIgnored("node_modules/\n", "tmp/zero-models")).toBeNull();
  });
});

describe("the merge driver's set-up", () => {
  it("prepare runs the step first, where npm starts it (the package folder), once", () => {
    const pkg = (scripts: object) => `${JSON.stringify({ name: "app", scripts }, null, 2)}\n`;
    const prepareOf = (text: string | null) => (JSON.parse(text!) as { scripts: { prepare: string } }).scripts.prepare;
    expect(prepareStep("")).toBe("zero-models hook prepare");
    expect(prepareStep("..")).toBe("zero-models -C .. hook prepare");
    expect(prepareOf(withPrepareStep(pkg({ prepare: "cd .. && husky frontend/.husky" }), prepareStep("..")))).toBe("zero-models -C .. hook prepare && cd .. && husky frontend/.husky");
    expect(prepareOf(withPrepareStep(pkg({}), prepareStep("")))).toBe("zero-models hook prepare");
    // Any version's step counts, wherever it is.
    expect(withPrepareStep(pkg({ prepare: "husky && zero-models -C app hook prepare" }), prepareStep(""))).toBeNull();
  });

  it("the driver runs the package's own CLI from the top level, paths quoted for sh, with git's %O %A %B", () => {
    expect(driverCommand("", "")).toBe("node node_modules/zero-models/dist/cli.cjs merge-lock %O %A %B");
    expect(driverCommand("frontend", "")).toBe("node frontend/node_modules/zero-models/dist/cli.cjs merge-lock %O %A %B");
    expect(driverCommand("my app", "rails app")).toBe("node 'my app/node_modules/zero-models/dist/cli.cjs' -C 'rails app' merge-lock %O %A %B");
  });

  it("the .gitattributes line gives exactly the lock to the driver, as git reads it", () => {
    const root = tempDir();
    spawnSync("git", ["init", "-q"], { cwd: root });
    const locks = ["zero-models.lock", "backend/zero-models.lock", "my app/models [v2].lock", "#odd*.lock"];
    writeFileSync(path.join(root, ".gitattributes"), locks.map((l) => `${attributeLine(l)}\n`).join(""));
    const attr = (file: string) => spawnSync("git", ["check-attr", "merge", "--", file], { cwd: root, encoding: "utf8" }).stdout.trim().split(": ").pop();
    for (const lock of locks) expect(attr(lock), lock).toBe("zero-models");
    expect(attr("backend/other.lock")).toBe("unspecified");
    expect(attr("my app/models v.lock")).toBe("unspecified");
    expect(attr("#oddity.lock")).toBe("unspecified");
    expect(attributeLine("zero-models.lock")).toBe("zero-models.lock merge=zero-models");
  });
});
