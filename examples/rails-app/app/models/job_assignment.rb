class JobAssignment < ApplicationRecord
  belongs_to :job
  belongs_to :person

  validates :person_id, uniqueness: { scope: :job_id }
end
