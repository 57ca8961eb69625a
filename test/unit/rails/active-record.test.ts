import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { UNKNOWN, collectConstants, deriveJoinTableName, recordClasses } from "../../../src/rails/active-record.js";
import { parseInflections } from "../../../src/ruby/inflections.js";
import { createInflector } from "../../../src/ruby/inflector.js";
import { parseModelFile } from "../../../src/ruby/models.js";
import type { RubyFileFacts } from "../../../src/ruby/types.js";

// The oracle's scratch apps; every expectation here is what ActiveRecord answers for them (test/oracle/ checks all of it against ActiveRecord).
const APPS = fileURLToPath(new URL("../../fixtures/oracle/apps/", import.meta.url));

function rubyFiles(root: string, dir = "app/models"): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? rubyFiles(root, `${dir}/${e.name}`) : e.name.endsWith(".rb") ? [`${dir}/${e.name}`] : [],
  );
}

async function parsed(files: Record<string, string>): Promise<Map<string, RubyFileFacts>> {
  const sources = new Map<string, RubyFileFacts>();
  for (const [file, text] of Object.entries(files)) sources.set(file, await parseModelFile(text, file));
  return sources;
}

async function classesOf(app: string) {
  const root = path.join(APPS, app);
  const files = Object.fromEntries(rubyFiles(root).map((f) => [f, readFileSync(path.join(root, f), "utf8")]));
  const inflections = path.join(root, "config/initializers/inflections.rb");
  const rules = existsSync(inflections) ? await parseInflections(readFileSync(inflections, "utf8"), inflections) : [];
  return recordClasses(collectConstants(await parsed(files)), createInflector(rules));
}

const tableOf = async (app: string, name: string) => (await classesOf(app)).get(name)?.table;
const association = async (app: string, name: string, assoc: string) => {
  const a = (await classesOf(app)).get(name)!.associations.get(assoc)!;
  return { className: a.className, table: a.table, joinTable: a.joinTable };
};

describe("recordClasses: table names", () => {
  it("prefixes a class nested in a model with the model's singular table name, the nesting read from the name, not the lexical scope", async () => {
    expect(await tableOf("namespaces", "Admin::Post::Comment")).toBe("post_comments");
    expect(await tableOf("namespaces", "Reports::Daily::Entry")).toBe("daily_entries");
  });

  it("gives subclasses of an abstract class the table the abstract class names", async () => {
    expect(await tableOf("inheritance", "ArchivedPost")).toBe("archive_items");
    expect(await tableOf("inheritance", "ArchiveRecord")).toBe("archive_items");
  });

  it("gives an abstract class under a model that model's table, and its subclasses too", async () => {
    const classes = await classesOf("inheritance");
    expect(["Mammal", "Dog", "Puppy"].map((c) => classes.get(c)!.table)).toEqual(["animals", "animals", "animals"]);
    expect(["BigCat", "Lion", "Cub"].map((c) => classes.get(c)!.table)).toEqual(["cats", "cats", "cubs"]);
    expect(classes.get("ApplicationRecord")!.table).toBeNull();
  });

  it("lets an STI subclass name its own table, while its subclasses use the STI base class's", async () => {
    const classes = await classesOf("inheritance");
    expect(classes.get("Truck")!.table).toBe("trucks");
    expect(classes.get("Pickup")!.table).toBe("vehicles");
  });

  it("finds a table_name method in an ancestor before a subclass's own assignment", async () => {
    const classes = await classesOf("inheritance");
    expect(["LegacyWidget", "LegacyGadget", "LegacyGizmo"].map((c) => classes.get(c)!.table)).toEqual(["legacy_things", "legacy_things", "gizmos"]);
  });

  it("takes the prefix from the innermost namespace that has one, stopping at a model", async () => {
    expect(await tableOf("namespaces", "Billing::Invoice")).toBe("billing_invoices");
    expect(await tableOf("namespaces", "Billing::Invoice::Adjustment")).toBe("billing_invoice_adjustments");
    expect(await tableOf("naming", "Ledger::Entry")).toBe("ledger_entries_tbl");
  });

  it("reads pluralize_table_names from the class or its ancestors, for the class and for classes nested in it", async () => {
    const classes = await classesOf("naming");
    expect(classes.get("Setting")!.table).toBe("setting");
    expect(classes.get("ConfigEntry")!.table).toBe("config_entry");
    expect(classes.get("Setting::Option")!.table).toBe("setting_options");
    expect(classes.get("Catalog::Entry")!.table).toBe("catalog_entry");
  });

  it("reads table_name_suffix and table_name_prefix from ApplicationRecord, modules and subclasses", async () => {
    const wide = await classesOf("app-wide");
    expect(wide.get("Customer")!.table).toBe("tbl_customers_x");
    expect(wide.get("Order::Item")!.table).toBe("tbl_tbl_orders_x_items_x");
    expect(wide.get("Warehouse::Bin")!.table).toBe("tbl_bins_wh");
    expect(wide.get("Person")!.table).toBe("person_s");
    const naming = await classesOf("naming");
    expect(naming.get("Shop::Order")!.table).toBe("shop_orders_v2");
    expect(naming.get("Unprefixed")!.table).toBe("unprefixeds");
  });

  it("says UNKNOWN where Ruby computes a setting at run time", async () => {
    const sources = await parsed({
      "app/models/application_record.rb": "class ApplicationRecord < ActiveRecord::Base\n  self.abstract_class = true\nend\n",
      "app/models/legacy.rb": 'class Legacy < ApplicationRecord\n  self.table_name = ENV.fetch("LEGACY_TABLE")\nend\n',
      "app/models/tenant.rb": "module Tenant\n  def self.table_name_prefix\n    \"#{Current.tenant}_\"\n  end\nend\n",
      "app/models/tenant/invoice.rb": "class Tenant::Invoice < ApplicationRecord\n  belongs_to :legacy\nend\n",
    });
    const classes = recordClasses(collectConstants(sources), createInflector());
    expect(classes.get("Legacy")!.table).toBe(UNKNOWN);
    expect(classes.get("Tenant::Invoice")!.table).toBe(UNKNOWN);
    expect(classes.get("Tenant::Invoice")!.associations.get("legacy")!.table).toBe(UNKNOWN);
  });

  it("says UNKNOWN for a class whose included concern sets its table name", async () => {
    expect(await tableOf("naming", "Snapshot")).toBe(UNKNOWN);
  });
});

describe("recordClasses: associations", () => {
  it("looks a class up from the declaring class's name outwards: Billing::Invoice::X, Billing::X, X", async () => {
    expect(await association("namespaces", "Billing::Invoice", "discounts")).toEqual({ className: "Billing::Discount", table: "billing_discounts", joinTable: null });
    expect(await association("namespaces", "Billing::Invoice", "customer")).toEqual({ className: "Discount", table: "discounts", joinTable: null });
    expect(await association("namespaces", "Admin::RESTfulThing", "oauth_token")).toEqual({ className: "Admin::OAuthToken", table: "oauth_tokens", joinTable: null });
  });

  it("derives has_and_belongs_to_many join tables with the common prefix written once", async () => {
    expect((await association("namespaces", "Billing::Invoice", "promotions")).joinTable).toBe("billing_discounts_invoices");
    expect((await association("namespaces", "UserGroup", "user_roles")).joinTable).toBe("user_groups_roles");
    expect((await association("namespaces", "User", "groups")).joinTable).toBe("memberships");
    expect(deriveJoinTableName("records", "artists")).toBe("artists_records");
  });

  it("follows a through association to its source on the through class", async () => {
    expect(await association("associations", "Author", "reviews")).toEqual({ className: "Review", table: "reviews", joinTable: null });
    expect(await association("associations", "Publisher", "chapters")).toEqual({ className: "Chapter", table: "chapters", joinTable: null });
    expect(await association("associations", "Tag", "books")).toEqual({ className: "Book", table: "books", joinTable: null });
    // Both :review and :reviews on the through class: ActiveRecord refuses to choose.
    expect(await association("associations", "Ambiguous", "reviews")).toEqual({ className: null, table: null, joinTable: null });
  });

  it("resolves inherited and concern-declared associations from the class that declared them", async () => {
    const classes = await classesOf("associations");
    expect(classes.get("Library::Pamphlet")!.associations.get("author")!.className).toBe("Author");
    expect(classes.get("Library::Pamphlet")!.associations.get("shelves")!.className).toBe("Library::Shelf");
    expect(classes.get("Novel")!.associations.get("chapters")!.className).toBe("NovelChapter");
    expect(classes.get("Publisher")!.associations.get("comments")!.className).toBe("Comment");
  });
});
