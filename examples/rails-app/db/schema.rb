# This file is auto-generated from the current state of the database. Instead
# of editing this file, please use the migrations feature of Active Record to
# incrementally modify your database, and then regenerate this schema definition.
#
# This file is the source Rails uses to define your schema when running `bin/rails
# db:schema:load`. When creating a new database, `bin/rails db:setup` should be used
# instead of running all the migrations from scratch. The latter is a flawed and
# unsustainable approach (the more migrations you'll amass, the slower it'll run and
# the greater likelihood for issues).
#
# It's strongly recommended that you check this file into your version control system.

ActiveRecord::Schema[8.0].define(version: 2024_05_20_094500) do
  # These are extensions that must be enabled in order to support this database
  enable_extension "pg_catalog.plpgsql"

  # Custom types defined in this database.
  # Note that some types may not work with other database engines. Be careful if changing database.
  create_enum "job_status", ["open", "closed"]

  create_table "activity_events", id: :uuid, default: -> { "gen_random_uuid()" }, force: :cascade do |t|
    t.string "name", null: false
    t.string "subject_type"
    t.bigint "subject_id"
    t.jsonb "payload", default: {}, null: false
    t.datetime "occurred_at", null: false
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["name", "occurred_at"], name: "index_activity_events_on_name_and_occurred_at"
    t.index ["subject_type", "subject_id"], name: "index_activity_events_on_subject"
  end

  create_table "admin_audit_logs", force: :cascade do |t|
    t.bigint "actor_id", null: false
    t.string "action", null: false
    t.jsonb "changeset", default: {}, null: false
    t.inet "ip_address"
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["actor_id"], name: "index_admin_audit_logs_on_actor_id"
  end

  create_table "cacti", force: :cascade do |t|
    t.string "species", null: false
    t.integer "height_cm"
    t.boolean "flowering", default: false, null: false
    t.date "planted_on"
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
  end

  create_table "clients", force: :cascade do |t|
    t.string "name", null: false
    t.string "email"
    t.string "phone"
    t.text "notes_summary"
    t.boolean "active", default: true, null: false
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["email"], name: "index_clients_on_email", unique: true
  end

  create_table "equipment", force: :cascade do |t|
    t.bigint "client_id"
    t.string "name", null: false
    t.string "serial_number"
    t.decimal "purchase_price", precision: 10, scale: 2
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["client_id"], name: "index_equipment_on_client_id"
    t.index ["serial_number"], name: "index_equipment_on_serial_number", unique: true
  end

  create_table "job_assignments", force: :cascade do |t|
    t.bigint "job_id", null: false
    t.bigint "person_id", null: false
    t.string "type"
    t.string "role", default: "technician", null: false
    t.datetime "assigned_at"
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["job_id", "person_id"], name: "index_job_assignments_on_job_id_and_person_id", unique: true
    t.index ["job_id"], name: "index_job_assignments_on_job_id"
    t.index ["person_id"], name: "index_job_assignments_on_person_id"
    t.index ["type"], name: "index_job_assignments_on_type"
  end

  create_table "jobs", force: :cascade do |t|
    t.bigint "client_id", null: false
    t.string "title", null: false
    t.text "description"
    t.enum "status", default: "open", null: false, enum_type: "job_status"
    t.date "due_on"
    t.integer "priority", default: 0, null: false
    t.string "labels", default: [], array: true
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["client_id"], name: "index_jobs_on_client_id"
    t.index ["status"], name: "index_jobs_on_status"
  end

  create_table "notes", force: :cascade do |t|
    t.string "notable_type", null: false
    t.bigint "notable_id", null: false
    t.text "body", null: false
    t.boolean "pinned", default: false, null: false
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["notable_type", "notable_id"], name: "index_notes_on_notable"
  end

  create_table "people", force: :cascade do |t|
    t.string "first_name", null: false
    t.string "last_name", null: false
    t.string "email", null: false
    t.string "phone"
    t.boolean "admin", default: false, null: false
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["email"], name: "index_people_on_email", unique: true
  end

  create_table "taggings", force: :cascade do |t|
    t.bigint "tag_id", null: false
    t.bigint "job_id", null: false
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["job_id"], name: "index_taggings_on_job_id"
    t.index ["tag_id", "job_id"], name: "index_taggings_on_tag_id_and_job_id", unique: true
    t.index ["tag_id"], name: "index_taggings_on_tag_id"
  end

  create_table "tags", force: :cascade do |t|
    t.string "name", null: false
    t.string "color", default: "#cccccc", null: false
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["name"], name: "index_tags_on_name", unique: true
  end

  add_foreign_key "admin_audit_logs", "people", column: "actor_id"
  add_foreign_key "equipment", "clients"
  add_foreign_key "job_assignments", "jobs"
  add_foreign_key "job_assignments", "people"
  add_foreign_key "jobs", "clients"
  add_foreign_key "taggings", "jobs"
  add_foreign_key "taggings", "tags"
end
