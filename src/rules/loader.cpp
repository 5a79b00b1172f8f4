#include "rules/loader.h"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "common/strings.h"
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
};

namespace {

const YAML::Node& AsNode(const void* p) { return *static_cast<const YAML::Node*>(p); }

std::shared_ptr<const SourceText> TextOf(const std::shared_ptr<const SourceFile>& file,
                                         const YAML::Node& node) {
  auto text = std::make_shared<SourceText>();
  text->file = file;
  text->text = node.as<std::string>();
  text->line = node.Mark().line;
  text->column = node.Mark().column;
  return text;
}

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

const std::set<std::string> kRuleKeys = {
    "rule", "desc", "condition", "output", "priority", "tags", "enabled", "source",
    "exceptions", "warn_evttypes", "skip-if-unknown-filter", "append", "override",
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

void RuleLoader::Error(const std::shared_ptr<const SourceFile>& file, const void* node,
                       std::string message) {
  const auto& n = AsNode(node);
  diagnostics_.push_back(MakeFileDiagnostic(Diagnostic::Severity::kError, file, n.Mark().line,
                                            n.Mark().column, std::move(message)));
}

void RuleLoader::Warn(const std::shared_ptr<const SourceFile>& file, const void* node,
                      std::string message) {
  const auto& n = AsNode(node);
  diagnostics_.push_back(MakeFileDiagnostic(Diagnostic::Severity::kWarning, file, n.Mark().line,
                                            n.Mark().column, std::move(message)));
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
    Error(file, &root, "a rules file is a YAML list of rule, macro and list items");
    return;
  }
  for (const auto& item : root) {
    try {
      AddItem(file, &item);
    } catch (const YAML::Exception& e) {
      diagnostics_.push_back(MakeFileDiagnostic(Diagnostic::Severity::kError, file, e.mark.line,
                                                e.mark.column, "invalid item: " + e.msg));
    }
  }
}

void RuleLoader::AddItem(const std::shared_ptr<const SourceFile>& file, const void* item_ptr) {
  const YAML::Node& item = AsNode(item_ptr);
  if (!item.IsMap()) {
    Error(file, &item, "each item must be a map with one of: rule, macro, list");
    return;
  }
  auto scalar = [&](const char* key) -> std::optional<std::string> {
    const YAML::Node n = item[key];
    if (!n) return std::nullopt;
    if (!n.IsScalar()) {
      Error(file, &n, fmt::format("'{}' must be a scalar", key));
      return std::nullopt;
    }
    return n.as<std::string>();
  };
  auto flag = [&](const char* key, bool fallback) {
    const YAML::Node n = item[key];
    if (!n) return fallback;
    std::string v = ToLower(n.as<std::string>());
    if (v == "true") return true;
    if (v == "false") return false;
    Error(file, &n, fmt::format("'{}' must be true or false", key));
    return fallback;
  };

  if (item["required_engine_version"] || item["required_plugin_versions"]) {
    if (const YAML::Node plugins = item["required_plugin_versions"]; plugins && plugins.IsSequence()) {
      for (const auto& p : plugins) {
        std::string name = p["name"] ? p["name"].as<std::string>() : "";
        if (name != "container") {
          Warn(file, &p, fmt::format("plugin '{}' is not available in vigil: rules that need its "
                                     "fields will not load", name));
        }
      }
    }
    return;
  }

  if (const YAML::Node list = item["list"]) {
    std::string name = list.as<std::string>();
    const YAML::Node items = item["items"];
    if (!items || !items.IsSequence()) {
      Error(file, &item, fmt::format("list '{}' needs 'items:' as a YAML sequence", name));
      return;
    }
    ListDef def;
    def.location = Location{TextOf(file, list), 0};
    for (const auto& i : items) {
      if (!i.IsScalar()) {
        Error(file, &i, fmt::format("list '{}': items must be scalars", name));
        continue;
      }
      def.items.push_back({i.as<std::string>(), false, Location{TextOf(file, i), 0}});
    }
    auto [it, inserted] = defs_.lists.try_emplace(name, ListDef{});
    if (flag("append", false) && !inserted) {
      for (auto& i : def.items) it->second.items.push_back(std::move(i));
    } else {
      it->second = std::move(def);
    }
    return;
  }

  if (const YAML::Node macro = item["macro"]) {
    std::string name = macro.as<std::string>();
    const YAML::Node condition = item["condition"];
    if (!condition || !condition.IsScalar()) {
      Error(file, &item, fmt::format("macro '{}' needs a 'condition:'", name));
      return;
    }
    auto source = TextOf(file, condition);
    MacroDef def;
    def.location = Location{source, 0};
    auto parsed = ParseCondition(source);
    if (!parsed) {
      diagnostics_.push_back(MakeDiagnostic(Diagnostic::Severity::kError,
                                            Location{source, parsed.error().offset},
                                            parsed.error().message));
    } else {
      def.condition = std::move(*parsed);
    }
    defs_.macros[name] = std::move(def);
    return;
  }

  const YAML::Node rule_name = item["rule"];
  if (!rule_name) {
    Warn(file, &item, "unknown item (expected rule, macro or list): skipped");
    return;
  }
  std::string name = rule_name.as<std::string>();
  for (const auto& kv : item) {
    std::string key = kv.first.as<std::string>();
    if (!kRuleKeys.contains(key)) {
      Warn(file, &kv.first, fmt::format("rule '{}': unknown key '{}' ignored", name, key));
    }
  }
  // An item with only 'rule' and 'enabled' switches an existing rule on or off.
  if (item["enabled"] && !item["condition"] && !item["output"]) {
    for (auto& pending : rules_) {
      if (pending->rule->name == name) {
        pending->rule->enabled = flag("enabled", true);
        return;
      }
    }
    Error(file, &item, fmt::format("rule '{}' has no condition and no earlier rule has that name",
                                   name));
    return;
  }
  if (item["append"] || item["override"]) {
    Warn(file, &item, fmt::format("rule '{}': append/override is not supported yet: item skipped",
                                  name));
    return;
  }
  auto source_name = scalar("source").value_or("syscall");
  if (source_name != "syscall") {
    Warn(file, &item, fmt::format("rule '{}': source '{}' is not supported: rule skipped", name,
                                  source_name));
    return;
  }
  auto pending = std::make_unique<PendingRule>();
  auto rule = std::make_unique<Rule>();
  rule->name = name;
  rule->file = file->path;
  rule->line = item.Mark().line + 1;
  rule->description = scalar("desc").value_or("");
  rule->enabled = flag("enabled", true);
  bool complete = true;
  for (const char* key : {"condition", "output", "priority"}) {
    const YAML::Node n = item[key];
    if (!n || !n.IsScalar()) {
      Error(file, &item, fmt::format("rule '{}' needs '{}:'", name, key));
      complete = false;
    }
  }
  if (!complete) return;
  const YAML::Node priority = item["priority"];
  if (!ParsePriority(priority.as<std::string>(), &rule->priority)) {
    Error(file, &priority, fmt::format("rule '{}': unknown priority '{}' (expected EMERGENCY, "
                                       "ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFO or DEBUG)",
                                       name, priority.as<std::string>()));
    return;
  }
  if (const YAML::Node tags = item["tags"]) {
    if (!tags.IsSequence()) {
      Error(file, &tags, fmt::format("rule '{}': tags must be a list", name));
    } else {
      for (const auto& t : tags) rule->tags.push_back(t.as<std::string>());
    }
  }
  if (item["exceptions"]) {
    Warn(file, &item, fmt::format("rule '{}': exceptions are not supported yet and were ignored",
                                  name));
  }
  pending->condition = TextOf(file, item["condition"]);
  {
    auto output = std::make_shared<SourceText>(*TextOf(file, item["output"]));
    while (!output->text.empty() && std::isspace(static_cast<unsigned char>(output->text.back()))) {
      output->text.pop_back();
    }
    pending->output = std::move(output);
  }
  rule->condition_text = pending->condition->text;
  rule->output_text = Trim(pending->output->text);
  pending->rule = std::move(rule);
  // A later rule of the same name replaces the earlier one (as a redefinition does in Falco).
  for (auto& existing : rules_) {
    if (existing->rule->name == name) {
      existing = std::move(pending);
      return;
    }
  }
  rules_.push_back(std::move(pending));
}

std::unique_ptr<RuleSet> RuleLoader::Build() {
  FieldSlots slots;
  std::vector<std::unique_ptr<Rule>> built;
  for (auto& pending : rules_) {
    auto parsed = ParseCondition(pending->condition);
    if (!parsed) {
      diagnostics_.push_back(MakeDiagnostic(Diagnostic::Severity::kError,
                                            Location{pending->condition, parsed.error().offset},
                                            parsed.error().message));
      continue;
    }
    std::vector<Diagnostic> found;
    auto compiled = CompileCondition(**parsed, defs_, slots, found);
    auto output = OutputFormat::Parse(pending->output, slots, found);
    for (auto& d : found) diagnostics_.push_back(std::move(d));
    if (!compiled || !output) continue;
    pending->rule->condition = std::move(*compiled);
    pending->rule->output = std::move(*output);
    if (pending->rule->condition.event_types.none()) {
      diagnostics_.push_back(MakeDiagnostic(
          Diagnostic::Severity::kWarning, Location{pending->condition, 0},
          fmt::format("rule '{}' matches no event type vigil's sensor produces: it will never "
                      "alert", pending->rule->name)));
    }
    built.push_back(std::move(pending->rule));
  }
  rules_.clear();
  // The same broken macro reached from many rules is one problem: report it once.
  std::set<std::string> seen;
  std::vector<Diagnostic> unique;
  for (auto& d : diagnostics_) {
    std::string key = fmt::format("{}:{}:{}:{}", d.file, d.line, d.column, d.message);
    if (seen.insert(key).second) unique.push_back(std::move(d));
  }
  diagnostics_ = std::move(unique);
  if (has_errors()) return nullptr;
  return std::make_unique<RuleSet>(std::move(built), slots.size());
}

}  // namespace vigil::rules
