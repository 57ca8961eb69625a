class CreatePeople < ActiveRecord::Migration[8.0]
  def change
    create_table :people do |t|
      t.string :first_name, null: false
      t.string :last_name, null: false
      t.string :email, null: false
      t.string :phone
      t.boolean :admin, null: false, default: false

      t.timestamps
    end
    add_index :people, :email, unique: true
  end
end
