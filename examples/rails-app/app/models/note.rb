class Note < ApplicationRecord
  belongs_to :notable, polymorphic: true

  validates :body, presence: true

  scope :pinned, -> { where(pinned: true) }
end
