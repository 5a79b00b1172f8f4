#include "rules/loader.h"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include "common/yaml_documents.h"
#include "common/result.h"
#include "common/strings.h"
#include "rules/open_interest.h"
#include "rules/tcp_data_interest.h"
#include "rules/parser.h"

namespace vigil::embedded {
extern const char vigil_rules_yaml[];
extern const std::size_t vigil_rules_yaml_size;
}  // namespace vigil::embedded

namespace vigil::rules {

std::string_view DefaultRulesText() {
  return std::string_view(embedded::vigil_rules_yaml, embedded::vigil_rules_yaml_size);
}

struct RuleLoader::PendingRule {
  std::unique_ptr<Rule> rule;
  std::shared_ptr<const SourceText> condition;
  std::shared_ptr<const SourceText> output;
  std::vector<ExceptionDef> exceptions;
  bool skip_if_unknown_filter = false;
  bool warn_evttypes = true;
};

// One YAML item being read, with helpers that report problems at the right place.
struct RuleLoader::ItemContext {
  std::shared_ptr<const SourceFile> file;
  const YAML::Node& node;
  std::vector<Diagnostic>& diagnostics;

  void Report(Diagnostic::Severity severity, const YAML::Node& at, std::string message) {
    diagnostics.push_back(
        MakeFileDiagnostic(severity, file, at.Mark().line, at.Mark().column, std::move(message)));
  }
  void Error(const YAML::Node& at, std::string message) {
    Report(Diagnostic::Severity::kError, at, std::move(message));
  }
  void Warn(const YAML::Node& at, std::string message) {
    Report(Diagnostic::Severity::kWarning, at, std::move(message));
  }
  std::shared_ptr<SourceText> Text(const YAML::Node& scalar) const {
    auto text = std::make_shared<SourceText>();
    text->file = file;
    text->text = scalar.as<std::string>();
    text->line = scalar.Mark().line;
    text->column = scalar.Mark().column;
    return text;
  }
  Location At(const YAML::Node& scalar) const { return Location{Text(scalar), 0}; }
  // A scalar member, or nullopt (with an error when present but not a scalar).
  std::optional<std::string> Scalar(const char* key) {
    const YAML::Node n = node[key];
    if (!n) return std::nullopt;
    if (!n.IsScalar()) {
      Error(n, fmt::format("'{}' must be a single value", key));
      return std::nullopt;
    }
    return n.as<std::string>();
  }
  std::optional<bool> Flag(const char* key) {
    const YAML::Node n = node[key];
    if (!n) return std::nullopt;
    std::string v = n.IsScalar() ? ToLower(n.as<std::string>()) : "";
    if (v == "true") return true;
    if (v == "false") return false;
    Error(n, fmt::format("'{}' must be true or false", key));
    return std::nullopt;
  }
  // The `override:` map (key -> append|replace), checked against what the item may extend.
  std::map<std::string, std::string> Overrides(const std::set<std::string>& appendable,
                                               const std::set<std::string>& replaceable) {
    std::map<std::string, std::string> out;
    const YAML::Node n = node["override"];
    if (!n) return out;
    if (!n.IsMap()) {
      Error(n, "'override' must map keys to append or replace");
      return out;
    }
    for (const auto& kv : n) {
      std::string key = kv.first.as<std::string>();
      std::string how = kv.second.IsScalar() ? kv.second.as<std::string>() : "";
      const auto& allowed = how == "append" ? appendable : replaceable;
      if (how != "append" && how != "replace") {
        Error(kv.second, fmt::format("override of '{}' must be append or replace", key));
      } else if (!allowed.contains(key)) {
        Error(kv.first, fmt::format("'{}' cannot be overridden with {}", key, how));
      } else if (!node[key]) {
        Error(kv.first, fmt::format("override names '{}' but the item has no '{}:'", key, key));
      } else {
        out[key] = how;
      }
    }
    return out;
  }
};

namespace {

std::shared_ptr<SourceFile> SplitLines(const std::string& path, const std::string& content) {
  auto file = std::make_shared<SourceFile>();
  file->path = path;
  std::size_t start = 0;
  while (start <= content.size()) {
    auto end = content.find('\n', start);
    if (end == std::string::npos) {
      if (start < content.size()) file->lines.push_back(content.substr(start));
      break;
    }
    file->lines.push_back(content.substr(start, end - start));
    start = end + 1;
  }
  return file;
}

// Falco splices list items into conditions as text, so an item written with quotes
// ('"10.0.0.0/8"') is a quoted literal there.
ListItem ToListItem(const RuleLoader::ItemContext& item, const YAML::Node& n) {
  std::string text = n.as<std::string>();
  bool quoted = text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
                text.back() == text.front();
  if (quoted) text = text.substr(1, text.size() - 2);
  return ListItem{std::move(text), quoted, item.At(n)};
}

std::shared_ptr<const SourceText> TrimmedOutput(std::shared_ptr<SourceText> text) {
  while (!text->text.empty() && std::isspace(static_cast<unsigned char>(text->text.back()))) {
    text->text.pop_back();
  }
  return text;
}

const std::set<std::string> kRuleKeys = {
    "rule", "desc", "condition", "output", "priority", "tags", "enabled", "source",
    "exceptions", "warn_evttypes", "skip-if-unknown-filter", "append", "override",
};
const std::set<std::string> kRuleAppendable = {"condition", "output", "desc", "tags", "exceptions"};
const std::set<std::string> kRuleReplaceable = {
    "condition", "output", "desc", "priority", "tags", "exceptions", "enabled", "warn_evttypes",
    "skip-if-unknown-filter",
};

}  // namespace

RuleLoader::RuleLoader() = default;
RuleLoader::~RuleLoader() = default;

bool RuleLoader::has_errors() const {
  for (const auto& d : diagnostics_) {
    if (d.severity == Diagnostic::Severity::kError) return true;
  }
  return false;
}

void RuleLoader::AddFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostic d;
    d.file = path;
    d.message = fmt::format("cannot read rules file: {}", ErrnoText(errno));
    diagnostics_.push_back(std::move(d));
    return;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  AddText(path, buffer.str());
}

void RuleLoader::AddText(const std::string& name, const std::string& content) {
  auto file = SplitLines(name, content);
  // YAML::Load reads the first document and drops the rest: say so rather than lose rules.
  if (auto second = SecondYamlDocument(content)) {
    diagnostics_.push_back(MakeFileDiagnostic(
        Diagnostic::Severity::kError, file, second->line, second->column,
        "a second YAML document: vigil reads one per rules file (is this line's indentation "
        "right? split documents into files)"));
    return;
  }
  YAML::Node root;
  try {
    root = YAML::Load(content);
  } catch (const YAML::Exception& e) {
    diagnostics_.push_back(MakeFileDiagnostic(Diagnostic::Severity::kError, file, e.mark.line,
                                              e.mark.column, "invalid YAML: " + e.msg));
    return;
  }
  if (root.IsNull()) return;  // an empty file is a valid, empty rules file
  if (!root.IsSequence()) {
    diagnostics_.push_back(MakeFileDiagnostic(Diagnostic::Severity::kError, file, root.Mark().line,
                                              root.Mark().column,
                                              "a rules file is a YAML list of rule, macro and "
                                              "list items"));
    return;
  }
  for (const auto& node : root) {
    ItemContext item{file, node, diagnostics_};
    try {
      AddItem(item);
    } catch (const YAML::Exception& e) {
      diagnostics_.push_back(MakeFileDiagnostic(Diagnostic::Severity::kError, file, e.mark.line,
                                                e.mark.column, "invalid item: " + e.msg));
    }
  }
}

void RuleLoader::AddItem(ItemContext& item) {
  const YAML::Node& node = item.node;
  if (!node.IsMap()) {
    item.Error(node, "each item must be a map with one of: rule, macro, list");
    return;
  }
  if (node["required_engine_version"]) return;
  if (const YAML::Node plugins = node["required_plugin_versions"]) {
    if (plugins.IsSequence()) {
      for (const auto& p : plugins) {
        std::string name = p.IsMap() && p["name"] ? p["name"].as<std::string>() : "";
        // vigil's own container fields stand in for Falco's container plugin.
        if (name != "container") {
          item.Warn(p, fmt::format("plugin '{}' is not available in vigil: rules that use its "
                                   "fields will fail to load", name));
        }
      }
    }
    return;
  }
  if (node["list"]) return AddList(item);
  if (node["macro"]) return AddMacro(item);
  if (node["rule"]) return AddRule(item);
  item.Warn(node, "unknown item (expected rule, macro or list): skipped");
}

void RuleLoader::AddList(ItemContext& item) {
  const YAML::Node& node = item.node;
  std::string name = node["list"].as<std::string>();
  const YAML::Node items = node["items"];
  if (!items || !(items.IsSequence() || items.IsNull())) {
    item.Error(node, fmt::format("list '{}' needs 'items:' as a YAML sequence", name));
    return;
  }
  ListDef def;
  def.location = item.At(node["list"]);
  if (items.IsSequence()) {
    for (const auto& i : items) {
      if (!i.IsScalar()) {
        item.Error(i, fmt::format("list '{}': items must be single values", name));
        continue;
      }
      def.items.push_back(ToListItem(item, i));
    }
  }
  auto overrides = item.Overrides({"items"}, {"items"});
  auto mode = overrides.find("items");
  bool append = item.Flag("append").value_or(false) ||
                (mode != overrides.end() && mode->second == "append");
  bool extends = append || mode != overrides.end();
  auto existing = defs_.lists.find(name);
  if (extends && existing == defs_.lists.end()) {
    item.Error(node, fmt::format("list '{}' extends a list that was not defined before", name));
    return;
  }
  if (append) {
    for (auto& i : def.items) existing->second.items.push_back(std::move(i));
  } else {
    defs_.lists[name] = std::move(def);
  }
}

void RuleLoader::AddMacro(ItemContext& item) {
  const YAML::Node& node = item.node;
  std::string name = node["macro"].as<std::string>();
  const YAML::Node condition = node["condition"];
  if (!condition || !condition.IsScalar()) {
    item.Error(node, fmt::format("macro '{}' needs a 'condition:'", name));
    return;
  }
  auto overrides = item.Overrides({"condition"}, {"condition"});
  auto mode = overrides.find("condition");
  bool append = item.Flag("append").value_or(false) ||
                (mode != overrides.end() && mode->second == "append");
  bool extends = append || mode != overrides.end();
  auto existing = macro_sources_.find(name);
  if (extends && existing == macro_sources_.end()) {
    item.Error(node, fmt::format("macro '{}' extends a macro that was not defined before", name));
    return;
  }
  if (append) {
    existing->second = JoinSources(existing->second, item.Text(condition));
  } else {
    macro_sources_[name] = item.Text(condition);
  }
}

// Reads the `exceptions:` sequence of a rule item.
static std::vector<ExceptionDef> ReadExceptions(RuleLoader::ItemContext& item,
                                                const YAML::Node& list) {
  std::vector<ExceptionDef> out;
  if (!list.IsSequence()) {
    item.Error(list, "'exceptions' must be a list");
    return out;
  }
  for (const auto& x : list) {
    if (!x.IsMap() || !x["name"]) {
      item.Error(x, "each exception needs a 'name'");
      continue;
    }
    ExceptionDef def;
    def.name = x["name"].as<std::string>();
    def.location = item.At(x["name"]);
    if (const YAML::Node fields = x["fields"]) {
      def.single_field = fields.IsScalar();
      if (def.single_field) {
        def.fields.push_back(fields.as<std::string>());
        def.field_locations.push_back(item.At(fields));
      } else {
        for (const auto& f : fields) {
          def.fields.push_back(f.as<std::string>());
          def.field_locations.push_back(item.At(f));
        }
      }
    }
    if (const YAML::Node comps = x["comps"]) {
      if (comps.IsScalar()) {
        def.comps.push_back(comps.as<std::string>());
      } else {
        for (const auto& c : comps) def.comps.push_back(c.as<std::string>());
      }
    } else {
      def.comps.assign(def.fields.size(), def.single_field ? "in" : "=");
    }
    auto value_of = [&](const YAML::Node& v) {
      ExceptionValue value;
      value.location = item.At(v.IsScalar() ? v : x["name"]);
      if (v.IsSequence()) {
        value.is_list = true;
        for (const auto& i : v) value.list.push_back(ToListItem(item, i));
      } else {
        value.text = v.as<std::string>();
      }
      return value;
    };
    if (const YAML::Node values = x["values"]) {
      for (const auto& tuple : values) {
        std::vector<ExceptionValue> entry;
        if (def.single_field || !tuple.IsSequence()) {
          entry.push_back(value_of(tuple));
        } else {
          for (const auto& v : tuple) entry.push_back(value_of(v));
        }
        def.values.push_back(std::move(entry));
      }
    }
    out.push_back(std::move(def));
  }
  return out;
}

void RuleLoader::AddRule(ItemContext& item) {
  const YAML::Node& node = item.node;
  std::string name = node["rule"].as<std::string>();
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    if (!kRuleKeys.contains(key)) {
      item.Warn(kv.first, fmt::format("rule '{}': unknown key '{}' ignored", name, key));
    }
  }
  PendingRule* existing = nullptr;
  for (auto& r : rules_) {
    if (r->rule->name == name) existing = r.get();
  }
  const bool extends = node["append"] || node["override"];
  // `- rule: X` with only `enabled:` switches an earlier rule on or off (Falco's older form).
  const bool toggle = node["enabled"] && !node["condition"] && !node["output"] && !extends;
  if (extends || toggle) {
    if (!existing) {
      item.Error(node, fmt::format("rule '{}' extends a rule that was not defined before", name));
      return;
    }
    if (toggle) {
      existing->rule->enabled = item.Flag("enabled").value_or(existing->rule->enabled);
      return;
    }
    ExtendRule(item, *existing);
    return;
  }

  auto source_name = item.Scalar("source").value_or("syscall");
  if (source_name != "syscall") {
    item.Warn(node, fmt::format("rule '{}': source '{}' is not supported: rule skipped", name,
                                source_name));
    return;
  }
  bool complete = true;
  for (const char* key : {"condition", "output", "priority", "desc"}) {
    const YAML::Node n = node[key];
    if (!n || !n.IsScalar()) {
      item.Error(node, fmt::format("rule '{}' needs '{}:'", name, key));
      complete = false;
    }
  }
  if (!complete) return;
  auto pending = std::make_unique<PendingRule>();
  auto rule = std::make_unique<Rule>();
  rule->name = name;
  rule->file = item.file->path;
  rule->line = node.Mark().line + 1;
  rule->description = item.Scalar("desc").value_or("");
  rule->enabled = item.Flag("enabled").value_or(true);
  if (!ParsePriority(node["priority"].as<std::string>(), &rule->priority)) {
    item.Error(node["priority"],
               fmt::format("rule '{}': unknown priority '{}' (expected EMERGENCY, ALERT, CRITICAL, "
                           "ERROR, WARNING, NOTICE, INFO or DEBUG)",
                           name, node["priority"].as<std::string>()));
    return;
  }
  if (const YAML::Node tags = node["tags"]) {
    if (!tags.IsSequence()) {
      item.Error(tags, fmt::format("rule '{}': tags must be a list", name));
    } else {
      for (const auto& t : tags) rule->tags.push_back(t.as<std::string>());
    }
  }
  if (const YAML::Node x = node["exceptions"]) pending->exceptions = ReadExceptions(item, x);
  pending->skip_if_unknown_filter = item.Flag("skip-if-unknown-filter").value_or(false);
  pending->warn_evttypes = item.Flag("warn_evttypes").value_or(true);
  pending->condition = item.Text(node["condition"]);
  pending->output = TrimmedOutput(item.Text(node["output"]));
  pending->rule = std::move(rule);
  if (existing) {  // a redefinition replaces the earlier rule, keeping its place
    for (auto& r : rules_) {
      if (r.get() == existing) r = std::move(pending);
    }
    return;
  }
  rules_.push_back(std::move(pending));
}

void RuleLoader::ExtendRule(ItemContext& item, PendingRule& target) {
  const YAML::Node& node = item.node;
  std::map<std::string, std::string> how = item.Overrides(kRuleAppendable, kRuleReplaceable);
  if (item.Flag("append").value_or(false)) {  // legacy: append whatever is given
    for (const char* key : {"condition", "output", "desc", "tags", "exceptions"}) {
      if (node[key]) how[key] = "append";
    }
  }
  Rule& rule = *target.rule;
  for (const auto& [key, mode] : how) {
    const YAML::Node value = node[key];
    const bool append = mode == "append";
    if (key == "condition") {
      auto text = item.Text(value);
      target.condition = append ? JoinSources(target.condition, text) : text;
    } else if (key == "output") {
      auto text = TrimmedOutput(item.Text(value));
      target.output = append ? JoinSources(target.output, text) : text;
      if (append) {  // outputs join with a space, not a line break
        auto joined = std::make_shared<SourceText>(*target.output);
        joined->text[joined->text.size() - text->text.size() - 1] = ' ';
        target.output = joined;
      }
    } else if (key == "desc") {
      rule.description = append ? rule.description + " " + value.as<std::string>()
                                : value.as<std::string>();
    } else if (key == "priority") {
      if (!ParsePriority(value.as<std::string>(), &rule.priority)) {
        item.Error(value, fmt::format("unknown priority '{}'", value.as<std::string>()));
      }
    } else if (key == "tags") {
      if (!append) rule.tags.clear();
      for (const auto& t : value) rule.tags.push_back(t.as<std::string>());
    } else if (key == "enabled") {
      rule.enabled = item.Flag("enabled").value_or(rule.enabled);
    } else if (key == "warn_evttypes") {
      target.warn_evttypes = item.Flag("warn_evttypes").value_or(true);
    } else if (key == "skip-if-unknown-filter") {
      target.skip_if_unknown_filter = item.Flag("skip-if-unknown-filter").value_or(false);
    } else if (key == "exceptions") {
      auto added = ReadExceptions(item, value);
      if (!append) {
        target.exceptions = std::move(added);
        continue;
      }
      // Values join the same-named exception; new names are new exceptions.
      for (auto& x : added) {
        auto same = std::find_if(target.exceptions.begin(), target.exceptions.end(),
                                 [&](const ExceptionDef& e) { return e.name == x.name; });
        if (same == target.exceptions.end()) {
          target.exceptions.push_back(std::move(x));
        } else {
          for (auto& v : x.values) same->values.push_back(std::move(v));
        }
      }
    }
  }
}

std::unique_ptr<Rule> RuleLoader::CompileRule(PendingRule& pending, CompileCache& cache) {
  Rule& rule = *pending.rule;
  std::vector<Diagnostic> found;
  auto parsed = ParseCondition(pending.condition);
  if (!parsed) {
    found.push_back(MakeDiagnostic(Diagnostic::Severity::kError,
                                   Location{pending.condition, parsed.error().offset},
                                   parsed.error().message));
  }
  std::vector<ExprPtr> excluded;
  for (const auto& x : pending.exceptions) {
    if (auto e = BuildExceptionExpr(x, found)) excluded.push_back(std::move(e));
  }
  std::optional<CompiledCondition> compiled;
  std::optional<OutputFormat> output;
  if (parsed) {
    ExprPtr condition = ApplyExceptions(std::move(*parsed), std::move(excluded));
    compiled = CompileCondition(*condition, defs_, cache, found);
    rule.open_filter = OpenInterest(*condition, defs_);
    rule.tcp_data = TcpDataInterest(*condition, defs_);
  }
  if (append_container_output_ && pending.output &&
      pending.output->text.find("container.id") == std::string::npos) {
    auto appended = std::make_shared<SourceText>(*pending.output);
    while (!appended->text.empty() && std::isspace(static_cast<unsigned char>(appended->text.back()))) {
      appended->text.pop_back();
    }
    appended->text += kContainerOutput;
    pending.output = appended;
  }
  output = OutputFormat::Parse(pending.output, cache.slots, found);

  bool failed = !compiled || !output;
  if (failed && pending.skip_if_unknown_filter) {
    bool only_unknown_fields = true;
    for (const auto& d : found) {
      only_unknown_fields = only_unknown_fields && d.message.starts_with("unknown field");
    }
    if (only_unknown_fields) {
      diagnostics_.push_back(MakeDiagnostic(
          Diagnostic::Severity::kWarning, Location{pending.condition, 0},
          fmt::format("rule '{}' skipped: {} (skip-if-unknown-filter)", rule.name,
                      found.front().message)));
      return nullptr;
    }
  }
  for (auto& d : found) diagnostics_.push_back(std::move(d));
  if (failed) return nullptr;

  rule.condition = std::move(*compiled);
  rule.output = std::move(*output);
  rule.condition_text = pending.condition->text;
  rule.output_text = pending.output->text;
  if (!rule.condition.restricts_event_types && pending.warn_evttypes) {
    diagnostics_.push_back(MakeDiagnostic(
        Diagnostic::Severity::kWarning, Location{pending.condition, 0},
        fmt::format("rule '{}' does not restrict evt.type: it is evaluated for every event "
                    "(costly; set warn_evttypes: false if intended)", rule.name)));
  }
  return std::move(pending.rule);
}

void RuleLoader::WarnUnproduced(const std::vector<std::unique_ptr<Rule>>& rules) {
  std::map<std::string, std::vector<std::string>> fields, types;
  std::vector<std::string> never;
  EventTypeSet produced;
  for (std::size_t t = 0; t < kEventTypeCount; ++t) {
    if (EventTypeProduced(static_cast<EventType>(t))) produced.set(t);
  }
  for (const auto& r : rules) {
    for (const auto& f : r->condition.unproduced_fields) fields[f].push_back(r->name);
    for (const auto& t : r->condition.unproduced_event_types) types[t].push_back(r->name);
    if ((r->condition.event_types & produced).none()) never.push_back(r->name);
  }
  auto warn = [&](std::string message) {
    Diagnostic d;
    d.severity = Diagnostic::Severity::kWarning;
    d.message = std::move(message);
    diagnostics_.push_back(std::move(d));
  };
  auto names = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& n : v) out += (out.empty() ? "'" : ", '") + n + "'";
    return out;
  };
  for (const auto& [field, users] : fields) {
    warn(fmt::format("field '{}' is not produced by vigil yet and reads as unknown, in {} rule{}: "
                     "{}", field, users.size(), users.size() == 1 ? "" : "s", names(users)));
  }
  for (const auto& [type, users] : types) {
    warn(fmt::format("event type '{}' is not captured by vigil yet, used by {} rule{}: {}", type,
                     users.size(), users.size() == 1 ? "" : "s", names(users)));
  }
  if (!never.empty()) {
    warn(fmt::format("{} rule{} can never alert until vigil captures their event types: {}",
                     never.size(), never.size() == 1 ? "" : "s", names(never)));
  }
}

std::unique_ptr<RuleSet> RuleLoader::Build() {
  defs_.macros.clear();
  for (const auto& [name, source] : macro_sources_) {
    MacroDef def;
    def.location = Location{source, 0};
    def.text = source->text;
    auto parsed = ParseCondition(source);
    if (!parsed) {
      diagnostics_.push_back(MakeDiagnostic(Diagnostic::Severity::kError,
                                            Location{source, parsed.error().offset},
                                            parsed.error().message));
    } else {
      def.condition = std::move(*parsed);
    }
    defs_.macros[name] = std::move(def);
  }
  CompileCache cache;
  std::vector<std::unique_ptr<Rule>> built;
  for (auto& pending : rules_) {
    if (auto rule = CompileRule(*pending, cache)) built.push_back(std::move(rule));
  }
  rules_.clear();
  WarnUnproduced(built);
  // The same broken macro reached from many rules is one problem: report it once.
  std::set<std::string> seen;
  std::vector<Diagnostic> unique;
  for (auto& d : diagnostics_) {
    std::string key = fmt::format("{}:{}:{}:{}", d.file, d.line, d.column, d.message);
    if (seen.insert(key).second) unique.push_back(std::move(d));
  }
  // In file order, as a reader goes through the file; file-wide notes last.
  std::stable_sort(unique.begin(), unique.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if ((a.line == 0) != (b.line == 0)) return b.line == 0;
    if (a.file != b.file) return false;  // keep files in load order
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  diagnostics_ = std::move(unique);
  if (has_errors()) return nullptr;
  return std::make_unique<RuleSet>(std::move(built), cache.slots.size());
}

}  // namespace vigil::rules
