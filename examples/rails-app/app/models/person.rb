class Person < ApplicationRecord
  include Notable

  has_many :job_assignments, dependent: :destroy
  has_many :jobs, through: :job_assignments
  has_many :audit_logs, class_name: "Admin::AuditLog", foreign_key: :actor_id, inverse_of: :actor

  validates :first_name, :last_name, presence: true
  validates :email, presence: true, uniqueness: { case_sensitive: false }

  normalizes :email, with: ->(email) { email.strip.downcase }

  def full_name
    "#{first_name} #{last_name}"
  end
end
