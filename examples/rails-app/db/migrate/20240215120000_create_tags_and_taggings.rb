class CreateTagsAndTaggings < ActiveRecord::Migration[8.0]
  def change
    create_table :tags do |t|
      t.string :name, null: false, index: { unique: true }
      t.string :color, null: false, default: "#cccccc"

      t.timestamps
    end

    create_table :taggings do |t|
      t.references :tag, null: false, foreign_key: true
      t.references :job, null: false, foreign_key: true

      t.timestamps
    end
    add_index :taggings, [:tag_id, :job_id], unique: true
  end
end
