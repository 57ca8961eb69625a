import { describe, expect, it } from "vitest";
import { describeBlockChange } from "../../../src/staleness/describe-change.js";

const jobs = `create_table "jobs", force: :cascade do |t|
    t.bigint "client_id", null: false
    t.string "title", null: false
    t.date "due_on"
    t.index ["client_id"], name: "index_jobs_on_client_id"
  end
add_foreign_key "jobs", "clients"`;

const edit = (from: string, to: string) => {
  if (!jobs.includes(from)) throw new Error(`fixture has no ${from}`);
  return jobs.replace(from, to);
};

describe("describeBlockChange", () => {
  it("names an added column", () => {
    expect(describeBlockChange(jobs, edit(`t.date "due_on"`, `t.date "due_on"\n    t.datetime "due_at"`))).toEqual(["+ column due_at"]);
  });

  it("names a removed column and a retyped one, with both types", () => {
    const after = edit(`    t.date "due_on"\n`, "").replace(`t.string "title", null: false`, `t.text "title", null: false`);
    expect(describeBlockChange(jobs, after)).toEqual(["~ column title (string → text)", "- column due_on"]);
  });

  it("names a column whose options changed, without a type when the type is the same", () => {
    expect(describeBlockChange(jobs, edit(`t.string "title", null: false`, `t.string "title"`))).toEqual(["~ column title"]);
  });

  it("names indexes by name and foreign keys by target", () => {
    const after = edit(`    t.index ["client_id"], name: "index_jobs_on_client_id"\n`, `    t.index ["title"], name: "index_jobs_on_title"\n`).replace(
      `add_foreign_key "jobs", "clients"`,
      `add_foreign_key "jobs", "people", column: "owner_id"`,
    );
    expect(describeBlockChange(jobs, after)).toEqual(["+ index index_jobs_on_title", "+ foreign key to people", "- index index_jobs_on_client_id", "- foreign key to clients"]);
  });

  it("names a change to the create_table line as table options", () => {
    expect(describeBlockChange(jobs, edit(`force: :cascade`, `id: :uuid, force: :cascade`))).toEqual(["~ table options"]);
  });

  it("says when only the order or the formatting changed", () => {
    const reordered = edit(`    t.string "title", null: false\n    t.date "due_on"\n`, `    t.date "due_on"\n    t.string "title", null: false\n`);
    expect(describeBlockChange(jobs, reordered)).toEqual(["columns reordered"]);
    expect(describeBlockChange(jobs, edit(`"title", null: false`, `"title",  null: false`))).toEqual(["formatting"]);
  });

  it("shows at most four changes and counts the rest", () => {
    const many = edit(`t.date "due_on"`, ["a", "b", "c", "d", "e", "f"].map((c) => `t.integer "${c}"`).join("\n    "));
    expect(describeBlockChange(jobs, many)).toEqual(["+ column a", "+ column b", "+ column c", "+ column d", "3 more"]);
  });
});
