# Table "cacti": relies on the custom irregular inflection in
# config/initializers/inflections.rb ("cactus".pluralize is "cactus" by default).
class Cactus < ApplicationRecord
  validates :species, presence: true

  scope :flowering, -> { where(flowering: true) }
end
