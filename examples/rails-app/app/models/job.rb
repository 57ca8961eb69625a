class Job < ApplicationRecord
  include Notable

  belongs_to :client
  has_many :job_assignments, dependent: :destroy
  has_many :assignees, through: :job_assignments, source: :person
  has_many :taggings, dependent: :destroy
  has_many :tags, through: :taggings

  enum :status, { open: "open", closed: "closed" }, default: :open

  validates :title, presence: true
end
