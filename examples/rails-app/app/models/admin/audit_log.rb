class Admin::AuditLog < ApplicationRecord
  belongs_to :actor, class_name: "Person"

  validates :action, presence: true

  scope :recent, -> { order(created_at: :desc).limit(50) }
end
