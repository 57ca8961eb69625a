import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { git, HOOK_ENV, team } from "../helpers/team.js";
import { lockOf, lockText } from "../helpers/lock-file.js";

/**
 * The committed lock is untrusted input (issue 16, part 1): a teammate's push
 * can record any "output" for a table that is not in the schema, with the
 * hash of a file it wants deleted. Orphan removal deletes recorded outputs
 * whose hash matches, so before the path guard a plain `git pull` deleted
 * files outside the repository and inside .git. Now such a lock is not
 * trusted at all: every table is regenerated, and no recorded path is acted on.
 */

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("a tampered lock arriving by git pull", () => {
  it("deletes nothing outside the repository or inside .git: the lock counts as corrupt and every table is regenerated", () => {
    const { alice, bob } = team();
    const victim = path.join(path.dirname(bob.dir), "victim.txt");
    writeFileSync(victim, "a file outside the repository\n");
    const description = path.join(bob.dir, ".git/description");
    const lock = lockOf(alice.read("zero-models.lock"));
    lock.tables.ghosts = {
      model: "Ghost",
      fingerprint: "0".repeat(64),
      components: "",
      outputs: { "../victim.txt": sha256(readFileSync(victim)), ".git/description": sha256(readFileSync(description)), ".git/HEAD": sha256(readFileSync(path.join(bob.dir, ".git/HEAD"))) },
    };
    alice.write("zero-models.lock", lockText(lock));
    git(alice.dir, "commit", "-q", "--no-verify", "-am", "innocent-looking lock update");
    git(alice.dir, "push", "-q");

    const out = git(bob.dir, "pull", "--no-rebase");

    expect(existsSync(victim)).toBe(true);
    expect(existsSync(description)).toBe(true);
    expect(existsSync(path.join(bob.dir, ".git/HEAD"))).toBe(true);
    expect(out).toMatch(/zero-models\.lock cannot be trusted \(tables\.ghosts\.outputs names "\.\.\/victim\.txt", and it is not normalised or leaves its folder/);
    // The regeneration the hook ran replaced the tampered lock with a trustworthy one.
    expect(bob.read("zero-models.lock")).not.toContain("ghosts");
    expect(bob.zc(["check"], { env: HOOK_ENV }).code).toBe(0);
  });

  it("a lock naming a file no output pattern generates (a source file, by its hash) is not trusted either", () => {
    const { alice } = team();
    const model = "app/models/client.rb";
    const lock = lockOf(alice.read("zero-models.lock"));
    lock.tables.ghosts = { model: "Ghost", fingerprint: "0".repeat(64), components: "", outputs: { [model]: sha256(Buffer.from(alice.read(model))) } };
    alice.write("zero-models.lock", lockText(lock));

    const check = alice.zc(["check"]);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain(`tables.ghosts.outputs names "${model}", and it is not a file outputs.perTable or outputs.shared generates`);
    expect(alice.zc(["generate"]).code).toBe(0);
    expect(alice.exists(model)).toBe(true);
  });
});
