class CreateActivityEvents < ActiveRecord::Migration[8.0]
  def change
    create_table :activity_events, id: :uuid do |t|
      t.string :name, null: false
      t.references :subject, polymorphic: true, index: false
      t.jsonb :payload, null: false, default: {}
      t.datetime :occurred_at, null: false

      t.timestamps
    end
    add_index :activity_events, [:name, :occurred_at]
    add_index :activity_events, [:subject_type, :subject_id], name: "index_activity_events_on_subject"
  end
end
