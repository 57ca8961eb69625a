class CreateClientsAndJobs < ActiveRecord::Migration[8.0]
  def change
    create_table :clients do |t|
      t.string :name, null: false
      t.string :email
      t.string :phone
      t.text :notes_summary
      t.boolean :active, null: false, default: true

      t.timestamps
    end
    add_index :clients, :email, unique: true

    create_enum :job_status, %w[open closed]

    create_table :jobs do |t|
      t.references :client, null: false, foreign_key: true
      t.string :title, null: false
      t.text :description
      t.enum :status, enum_type: :job_status, default: "open", null: false
      t.date :due_on
      t.integer :priority, null: false, default: 0
      t.string :labels, array: true, default: []

      t.timestamps
    end
    add_index :jobs, :status
  end
end
