import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Model names whose tables exercise the inflector: Latin and Greek plurals,
 * -f/-fe/-y/-o endings, irregulars, uncountables, compounds. Each is a model at
 * the top level and in a module with a table_name_prefix, linked to the next
 * one by belongs_to, has_one and has_and_belongs_to_many.
 */
const STEMS = [
  "octopus", "virus", "matrix", "vertex", "index", "ox", "mouse", "louse", "datum", "medium", "stadium",
  "analysis", "crisis", "basis", "diagnosis", "thesis", "quiz", "bus", "status", "alias", "wife", "knife",
  "half", "leaf", "wolf", "hive", "movie", "series", "species", "news", "equipment", "information", "sheep",
  "fish", "police", "shoe", "tomato", "buffalo", "photo", "database", "axis", "testis", "child", "man",
  "woman", "salesperson", "person", "address", "category", "query", "switch", "box", "wish",
  "day", "perspective", "prize", "portfolio", "edge", "horse", "house", "safe", "dwarf", "node_child", "status_code",
  "old_news", "big_fish", "money", "rice", "zombie", "move", "sex",
];

const camel = (stem: string) => stem.split("_").map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");

/** Writes the zoo's app/models into `dir`. */
export function writeZooApp(dir: string): void {
  const models = path.join(dir, "app/models");
  mkdirSync(path.join(models, "zoo"), { recursive: true });
  writeFileSync(path.join(models, "application_record.rb"), "class ApplicationRecord < ActiveRecord::Base\n  self.abstract_class = true\nend\n");
  writeFileSync(path.join(models, "zoo.rb"), 'module Zoo\n  def self.table_name_prefix\n    "zoo_"\n  end\nend\n');
  STEMS.forEach((stem, i) => {
    const next = STEMS[(i + 1) % STEMS.length]!;
    const body = [
      `  belongs_to :${next}`,
      `  has_one :${STEMS[(i + 2) % STEMS.length]}`,
      `  has_and_belongs_to_many :mates, class_name: "${camel(next)}"`,
    ].join("\n");
    writeFileSync(path.join(models, `${stem}.rb`), `class ${camel(stem)} < ApplicationRecord\n${body}\nend\n`);
    writeFileSync(path.join(models, "zoo", `${stem}.rb`), `module Zoo\n  class ${camel(stem)} < ApplicationRecord\n${body}\n  end\nend\n`);
  });
}
