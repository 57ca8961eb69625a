class Equipment < ApplicationRecord
  belongs_to :client, optional: true

  validates :name, presence: true
end
