class Client < ApplicationRecord
  has_many :jobs, dependent: :restrict_with_error
  has_many :equipment, dependent: :nullify

  validates :name, presence: true

  scope :active, -> { where(active: true) }
end
