class CreateEquipmentAndCacti < ActiveRecord::Migration[8.0]
  def change
    create_table :equipment do |t|
      t.references :client, foreign_key: true
      t.string :name, null: false
      t.string :serial_number, index: { unique: true }
      t.decimal :purchase_price, precision: 10, scale: 2

      t.timestamps
    end

    # "cacti" relies on the custom irregular inflection in
    # config/initializers/inflections.rb (the default rules would say "cactus").
    create_table :cacti do |t|
      t.string :species, null: false
      t.integer :height_cm
      t.boolean :flowering, null: false, default: false
      t.date :planted_on

      t.timestamps
    end
  end
end
