import { describe, expect, it } from "vitest";
import type { Repo } from "../helpers/repo.js";
import { git, HOOK_ENV, sh, staleTables, team } from "../helpers/team.js";

/**
 * fingerprint: declarations (issue 18) on the example app, with the built
 * CLI, real git and the hooks husky installed: what the generator cannot see
 * (method bodies, comments, blank lines, layout) never makes a table stale;
 * what it can see still does.
 */

/** Edits of a model, a concern and a create_table block that change no declaration. */
function invisibleEdits(repo: Repo): void {
  repo.edit("app/models/person.rb", (s) =>
    s
      .replace('"#{first_name} #{last_name}"', '# Family name first in some locales.\n    [first_name, last_name].compact.join(" ")')
      .replace("  validates :first_name", "  # Who may be assigned to a job.\n\n  validates :first_name"),
  );
  repo.edit("app/models/concerns/notable.rb", (s) => s.replace("notes.where(pinned: true)", "notes.where(pinned: true).order(:created_at) # newest last").replace("  included do", "  # Anything with notes.\n\n  included do"));
  repo.edit("db/schema.rb", (s) => s.replace('create_table "tags", force: :cascade do |t|\n', 'create_table "tags", force: :cascade do |t|\n    # Tags are shared by every team.\n\n'));
}

const fresh = (repo: Repo) => repo.zc(["check"], { env: HOOK_ENV });

describe("fingerprint: declarations", () => {
  it("a method body, comments and blank lines in a model, a concern and a create_table block: check exit 0, --explain says why, the pre-commit hook is silent", () => {
    const { bob } = team();
    const lock = bob.read("zero-models.lock");
    invisibleEdits(bob);
    // First, while the fast path has no fresh verdict for these contents to answer from.
    const debug = bob.zc(["--debug", "check"], { env: HOOK_ENV });
    expect(debug.stderr).toContain("app/models/person.rb: only method bodies or comments changed: not an input");
    const check = fresh(bob);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("all 11 tables fresh");

    const explain = bob.zc(["check", "--explain"], { env: HOOK_ENV });
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain("app/models/person.rb: only method bodies or comments changed: not an input");
    expect(explain.stdout).toContain("app/models/concerns/notable.rb: only method bodies or comments changed: not an input");
    const json = JSON.parse(bob.zc(["check", "--json"], { env: HOOK_ENV }).stdout) as { fresh: boolean; notInputs: string[] };
    expect(json.fresh).toBe(true);
    expect(json.notInputs).toEqual(expect.arrayContaining(["app/models/person.rb", "app/models/concerns/notable.rb"]));

    git(bob.dir, "add", "-A");
    const commit = sh(bob.dir, "git", ["commit", "-q", "-m", "reword"]);
    expect(commit.code).toBe(0);
    expect(commit.stdout + commit.stderr).toBe("");
    expect(bob.read("zero-models.lock")).toBe(lock);
    const generate = bob.zc(["generate"], { env: HOOK_ENV });
    expect(generate.stdout).toContain("the generator did not run");
    // Nothing to do: the lock is not rewritten to record the edited files (nothing to commit).
    expect(bob.read("zero-models.lock")).toBe(lock);
    expect(git(bob.dir, "status", "--porcelain")).toBe("");
  });

  it("the same edits regenerate with fingerprint: bytes", () => {
    const { bob } = team({ config: (c) => ({ ...c, fingerprint: "bytes" }) });
    invisibleEdits(bob);
    expect(staleTables(bob)).toEqual(["admin_audit_logs", "clients", "job_assignments", "jobs", "notes", "people", "taggings", "tags"]);
  });

  it("an association, a validation, an enum value, a method, a column or an index makes the table and its neighbours stale", () => {
    const { bob } = team();
    const cases: Array<[string, (r: Repo) => void, string[]]> = [
      ["an association", (r) => r.edit("app/models/tag.rb", (s) => s.replace("  has_many :taggings", "  belongs_to :client, optional: true\n  has_many :taggings")), ["clients", "jobs", "taggings", "tags"]],
      ["a validation", (r) => r.edit("app/models/tag.rb", (s) => s.replace("  validates :name", "  validates :name, length: { maximum: 40 }\n  validates :name")), ["jobs", "taggings", "tags"]],
      ["an enum value", (r) => r.edit("app/models/job.rb", (s) => s.replace('closed: "closed" }', 'closed: "closed", held: "held" }')), ["clients", "job_assignments", "jobs", "notes", "people", "taggings", "tags"]],
      ["a method added (its name is visible to respond_to?)", (r) => r.edit("app/models/tag.rb", (s) => s.replace(/end\n$/, "\n  def label\n    name\n  end\nend\n")), ["jobs", "taggings", "tags"]],
      ["a column", (r) => r.edit("db/schema.rb", (s) => s.replace('create_table "tags", force: :cascade do |t|\n', 'create_table "tags", force: :cascade do |t|\n    t.string "color_hint"\n')), ["jobs", "taggings", "tags"]],
      ["an index", (r) => r.edit("db/schema.rb", (s) => s.replace('create_table "tags", force: :cascade do |t|\n', 'create_table "tags", force: :cascade do |t|\n    t.index ["created_at"], name: "index_tags_on_created_at"\n')), ["jobs", "taggings", "tags"]],
    ];
    for (const [what, change, stale] of cases) {
      change(bob);
      expect(staleTables(bob), what).toEqual(stale);
      git(bob.dir, "checkout", "-q", "--", ".");
    }
  });

  it("the pre-commit hook refuses a commit whose declarations changed", () => {
    const { bob } = team();
    bob.edit("app/models/tag.rb", (s) => s.replace("  validates :name", "  validates :name, length: { maximum: 40 }\n  validates :name"));
    git(bob.dir, "add", "-A");
    const refused = sh(bob.dir, "git", ["commit", "-q", "-m", "validation"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("tags");
  });
});
