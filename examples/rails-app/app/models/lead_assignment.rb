# Single-table inheritance: rows live in job_assignments with type = "LeadAssignment".
class LeadAssignment < JobAssignment
  validates :role, inclusion: { in: %w[lead] }

  def lead?
    true
  end
end
