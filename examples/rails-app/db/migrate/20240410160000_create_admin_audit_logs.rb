class CreateAdminAuditLogs < ActiveRecord::Migration[8.0]
  def change
    create_table :admin_audit_logs do |t|
      t.references :actor, null: false, foreign_key: { to_table: :people }
      t.string :action, null: false
      t.jsonb :changeset, null: false, default: {}
      t.inet :ip_address

      t.timestamps
    end
  end
end
