import { describe, expect, it } from "vitest";
import { fullRegeneration } from "../helpers/oracle.js";
import { exampleRepo, type Repo } from "../helpers/repo.js";

/**
 * One edit of each kind of input, in sequence on one repository: after each,
 * an incremental `generate` must leave exactly what a full regeneration from
 * scratch writes, and `check` must then agree (zero false cache hits).
 */
const EDITS: Array<[string, (repo: Repo) => void, string[]]> = [
  ["a column added", (r) => r.edit("db/schema.rb", (s) => s.replace('t.string "color", default: "#cccccc", null: false', 't.string "color", default: "#cccccc", null: false\n    t.integer "position"')), ["tags"]],
  ["a column dropped", (r) => r.edit("db/schema.rb", (s) => s.replace(/\n {4}t\.string "phone"\n(?= {4}t\.boolean "admin")/, "\n")), ["people"]],
  ["an enum value added", (r) => r.edit("db/schema.rb", (s) => s.replace('create_enum "job_status", ["open", "closed"]', 'create_enum "job_status", ["open", "closed", "archived"]')), ["jobs"]],
  ["an STI subclass added", (r) => r.write("app/models/support_assignment.rb", "class SupportAssignment < JobAssignment\nend\n"), ["job_assignments"]],
  ["a polymorphic `as:` added", (r) => r.edit("app/models/client.rb", (s) => s.replace(/^class Client < ApplicationRecord\n/m, "class Client < ApplicationRecord\n  has_many :notes, as: :notable\n")), ["clients", "notes"]],
  ["a table with its model added", (r) => {
    r.edit("db/schema.rb", (s) => s.replace('  create_table "tags"', '  create_table "badges", force: :cascade do |t|\n    t.string "label", null: false\n    t.bigint "person_id", null: false\n  end\n\n  create_table "tags"'));
    r.write("app/models/badge.rb", "class Badge < ApplicationRecord\n  belongs_to :person\nend\n");
  }, ["badges", "people"]],
  ["a custom inflection added", (r) => r.edit("config/initializers/inflections.rb", (s) => s.replace('inflect.irregular "cactus", "cacti"', 'inflect.irregular "cactus", "cacti"\n  inflect.acronym "API"')), ["people", "tags"]],
  ["a template edited", (r) => r.edit("lib/generators/zero/active_models/templates/data.ts.tpl", (s) => `// data row\n${s}`), ["cacti", "people"]],
];

describe("incremental generate equals a full regeneration", () => {
  it("after each kind of edit", () => {
    const repo = exampleRepo();
    expect(repo.zc(["generate"]).code).toBe(0);
    for (const [what, edit, mustRegenerate] of EDITS) {
      edit(repo);
      const r = repo.zc(["generate", "--json"]);
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
      const regenerated = JSON.parse(r.stdout).regenerated.map((t: { table: string }) => t.table);
      for (const table of mustRegenerate) expect(regenerated, what).toContain(table);
      expect(repo.tree("frontend"), what).toEqual(fullRegeneration(repo));
      expect(repo.zc(["check"]).code, what).toBe(0);
    }
    // Fifteen edits, each with a generate and a full regeneration to compare: about a minute alone on the 2-core machine.
  }, 240_000);
});
