class CreateJobAssignments < ActiveRecord::Migration[8.0]
  def change
    create_table :job_assignments do |t|
      t.references :job, null: false, foreign_key: true
      t.references :person, null: false, foreign_key: true
      t.string :type, index: true
      t.string :role, null: false, default: "technician"
      t.datetime :assigned_at

      t.timestamps
    end
    add_index :job_assignments, [:job_id, :person_id], unique: true
  end
end
