import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { git, HOOK_ENV, team } from "../helpers/team.js";

/**
 * Files in the tree are untrusted input (issue 16): a teammate's push can
 * force-add anything under the cache folder (`git add -f` ignores
 * .gitignore) and can commit symlinks anywhere. Before these defences, a
 * planted set-aside record put a file outside the repository, a planted
 * symlinked set-aside folder moved a private file into the work tree, and a
 * committed symlink at an output path had generated content written through
 * it.
 */

const OUTPUT = "frontend/src/lib/models/cactus.ts";
const output = (dir: string, file: string) => `${dir}\n${file}`;

describe("files force-added under the cache folder", () => {
  it("a planted set-aside record plants nothing outside the repository: git tracking files in the cache folder stops the run, naming them", () => {
    const { alice, bob } = team();
    const planted = path.join(path.dirname(bob.dir), "planted.sh");
    // setAside's record names files under set-aside/untracked/; "../planted.sh" from there is set-aside/planted.sh in the tree, and ../planted.sh from the root is outside it.
    alice.write("tmp/zero-models/set-aside/record.json", JSON.stringify({ patch: null, untracked: ["../planted.sh"] }));
    alice.write("tmp/zero-models/set-aside/planted.sh", "#!/bin/sh\necho owned\n");
    git(alice.dir, "add", "-f", "tmp/zero-models/set-aside");
    git(alice.dir, "commit", "-q", "--no-verify", "-m", "helper script");
    git(alice.dir, "push", "-q");

    git(bob.dir, "pull", "-q", "--no-rebase");
    const run = bob.zc(["generate"], { env: HOOK_ENV });

    expect(existsSync(planted)).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("git tracks 2 files under the cache folder tmp/zero-models/");
    expect(run.stderr).toContain("git rm -r --cached tmp/zero-models");
    // check, the CI gate, and its fast path refuse too: nothing read from there is trusted.
    const check = bob.zc(["check"], { env: HOOK_ENV });
    expect(check.code).toBe(2);
    expect(check.stderr).toContain("under the cache folder");
  });

  it("a committed symlink as the set-aside folder moves nothing into the work tree", () => {
    const { alice, bob } = team();
    const secrets = path.join(path.dirname(bob.dir), "dot-ssh");
    mkdirSync(secrets);
    writeFileSync(path.join(secrets, "id_rsa"), "PRIVATE KEY\n");
    alice.write("tmp/zero-models/set-aside/record.json", JSON.stringify({ patch: null, untracked: ["id_rsa"] }));
    mkdirSync(path.join(alice.dir, "tmp/zero-models/set-aside"), { recursive: true });
    symlinkSync("../../../../dot-ssh", path.join(alice.dir, "tmp/zero-models/set-aside/untracked"));
    git(alice.dir, "add", "-f", "tmp/zero-models/set-aside");
    git(alice.dir, "commit", "-q", "--no-verify", "-m", "cache");
    git(alice.dir, "push", "-q");

    git(bob.dir, "pull", "-q", "--no-rebase");
    expect(readFileSync(path.join(bob.dir, "tmp/zero-models/set-aside/untracked/id_rsa"), "utf8")).toBe("PRIVATE KEY\n");
    const restore = bob.zc(["restore"], { env: HOOK_ENV });

    expect(existsSync(path.join(bob.dir, "id_rsa"))).toBe(false);
    expect(readFileSync(path.join(secrets, "id_rsa"), "utf8")).toBe("PRIVATE KEY\n");
    expect(restore.code).toBe(2);
  });

  it("a cache folder reached through a committed symlink, even one inside the repository, is refused before anything is read or written there", () => {
    const { alice, bob } = team();
    // tmp/ is ignored, so the link is force-added, as an attacker would; its target is tracked, so a commit fills it.
    rmSync(path.join(alice.dir, "tmp"), { recursive: true, force: true });
    alice.write("vendor/cache/zero-models/config.json", "{}\n");
    symlinkSync("vendor/cache", path.join(alice.dir, "tmp"));
    git(alice.dir, "add", "-f", "tmp", "vendor/cache");
    git(alice.dir, "commit", "-q", "--no-verify", "-m", "tmp");
    git(alice.dir, "push", "-q");

    rmSync(path.join(bob.dir, "tmp"), { recursive: true, force: true });
    git(bob.dir, "pull", "-q", "--no-rebase");
    const run = bob.zc(["generate", "--all"], { env: HOOK_ENV });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`refusing to write "tmp/zero-models": "tmp" on the way to it is a symlink`);
    expect(readdirSync(path.join(bob.dir, "vendor/cache/zero-models"))).toEqual(["config.json"]);
  });
});

describe("a committed symlink at a generated file's path", () => {
  it("is never written through by restore or generate: the run stops, naming it, and the file it points to is untouched", () => {
    const { alice, bob } = team();
    const victim = path.join(path.dirname(bob.dir), "victim.txt");
    writeFileSync(victim, "precious\n");
    git(alice.dir, "rm", "-q", OUTPUT);
    symlinkSync("../../../../../victim.txt", path.join(alice.dir, OUTPUT));
    git(alice.dir, "add", OUTPUT);
    git(alice.dir, "commit", "-q", "--no-verify", "-m", "link");
    git(alice.dir, "push", "-q");

    const pull = git(bob.dir, "pull", "--no-rebase");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    for (const args of [["restore", "--all"], ["generate"], ["generate", "--all"], ["check"]]) {
      const run = bob.zc(args, { env: HOOK_ENV });
      expect(output(args.join(" "), `${run.code}`)).toBe(output(args.join(" "), "2"));
      expect(run.stderr).toContain(`refusing to read "${OUTPUT}": it is a symlink`);
    }
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    // The hook that ran on the pull said so and did not fail it.
    expect(pull).toContain(`"${OUTPUT}": it is a symlink`);
  });

  it("a generated file's folder that is a committed symlink is not written through either, even when it stays inside the repository", () => {
    const { alice, bob } = team();
    // Outside the repository, the config check refuses the folder already; inside, only the per-file guard stops it.
    alice.write("vendor/victim/keep.txt", "x\n");
    git(alice.dir, "rm", "-q", "-r", "frontend/src/lib/models/types");
    symlinkSync("../../../../vendor/victim", path.join(alice.dir, "frontend/src/lib/models/types"));
    git(alice.dir, "add", "frontend/src/lib/models/types", "vendor/victim");
    git(alice.dir, "commit", "-q", "--no-verify", "-m", "link folder");
    git(alice.dir, "push", "-q");

    git(bob.dir, "pull", "-q", "--no-rebase");
    const run = bob.zc(["generate", "--all"], { env: HOOK_ENV });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`"frontend/src/lib/models/types" on the way to it is a symlink`);
    expect(readdirSync(path.join(bob.dir, "vendor/victim"))).toEqual(["keep.txt"]);
  });
});
