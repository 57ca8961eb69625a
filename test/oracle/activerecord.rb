# What ActiveSupport and ActiveRecord themselves answer, for test/oracle/rails-fidelity.test.ts.
#
#   ruby activerecord.rb inflect REQUEST.json   # words through each rule set
#   ruby activerecord.rb models APP_DIR...      # every model class of each APP_DIR/app/models
#
# Prints JSON on stdout. Each app is loaded in a process forked after Rails
# is loaded, so that its classes and inflections stay its own and Rails loads once. A failure to answer one question (a NameError from an
# association to a class that does not exist) is an answer ({"error": ...}),
# not a crash.
require "json"
require "active_record"
require "zeitwerk"

METHODS = %w[pluralize singularize camelize underscore classify tableize].freeze

# Class methods of Rails 7 and later that a model body may call (the example
# app does), given their meaning on 6.1 where it decides table names and
# associations, and ignored where it does not.
module Rails7ClassMethods
  def primary_abstract_class
    self.abstract_class = true
  end

  def normalizes(*); end

  # Rails 7's `enum :status, {...}, default: ...`; enums decide neither tables nor associations.
  def enum(name = nil, values = nil, **options)
    values.nil? ? super(**options) : nil
  end
end
ActiveRecord::Base.singleton_class.prepend(Rails7ClassMethods) if ActiveRecord::VERSION::MAJOR < 7

def with_inflections(file)
  registry = ActiveSupport::Inflector::Inflections.instance_variable_get(:@__instance__)
  pristine = registry[:en]
  registry[:en] = pristine.dup
  load file if file
  yield
ensure
  registry[:en] = pristine
end

def answer
  yield
rescue StandardError, ScriptError => e
  { "error" => "#{e.class}: #{e.message}"[0, 300] }
end

def inflect(request)
  request.fetch("ruleSets").to_h do |set|
    result = answer do
      with_inflections(set["file"]) do
        METHODS.to_h { |m| [m, request.fetch("words").map { |w| answer { ActiveSupport::Inflector.public_send(m, w) } }] }
      end
    end
    [set.fetch("name"), result]
  end
end

# Rails' autoloader inflects file names with ActiveSupport, not Zeitwerk's own camelize.
class RailsInflector
  def camelize(basename, _abspath)
    basename.camelize
  end
end

def association(reflection)
  out = { "kind" => reflection.macro.to_s }
  out["class"] = answer { reflection.polymorphic? ? nil : reflection.klass.name }
  out["table"] = answer { reflection.polymorphic? ? nil : reflection.klass.table_name }
  out["joinTable"] = answer { reflection.join_table } if reflection.macro == :has_and_belongs_to_many
  out
end

def models(app)
  inflections = File.join(app, "config/initializers/inflections.rb")
  load inflections if File.exist?(inflections)
  loader = Zeitwerk::Loader.new
  loader.inflector = RailsInflector.new
  loader.push_dir(File.join(app, "app/models"))
  concerns = File.join(app, "app/models/concerns")
  loader.push_dir(concerns) if Dir.exist?(concerns)
  loader.setup
  loader.eager_load
  classes = ActiveRecord::Base.descendants.select { |c| c.name && !c.name.include?("HABTM_") }
  classes.sort_by(&:name).to_h do |c|
    [c.name, {
      "abstract" => c.abstract_class? == true,
      "table" => answer { c.table_name },
      "associations" => c.reflect_on_all_associations.to_h { |r| [r.name.to_s, association(r)] },
    }]
  end
end

def in_fork
  reader, writer = IO.pipe
  pid = fork do
    reader.close
    writer.write(JSON.generate(answer { yield }))
    writer.close
    exit!(0)
  end
  writer.close
  out = reader.read
  Process.wait(pid)
  JSON.parse(out)
end

mode, *args = ARGV
case mode
when "inflect" then puts JSON.generate(inflect(JSON.parse(File.read(args.fetch(0)))))
when "models" then puts JSON.generate(args.to_h { |dir| [dir, in_fork { models(dir) }] })
else abort "usage: ruby #{$PROGRAM_NAME} inflect REQUEST.json | models APP_DIR..."
end
