module Notable
  extend ActiveSupport::Concern

  included do
    has_many :notes, as: :notable, dependent: :destroy
  end

  def pinned_notes
    notes.where(pinned: true)
  end
end
