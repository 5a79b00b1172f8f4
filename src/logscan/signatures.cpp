#include "logscan/signatures.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/yaml_documents.h"

namespace vigil::embedded {
extern const char logscan_signatures_yaml[];
extern const std::size_t logscan_signatures_yaml_size;
}  // namespace vigil::embedded

namespace vigil::logscan {

struct SignatureSet::Compiled {
  Compiled() : set(Options(), RE2::UNANCHORED) {}
  static RE2::Options Options() {
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_max_mem(64 << 20);
    options.set_encoding(RE2::Options::EncodingLatin1);  // bytes: logs are not always UTF-8
    return options;
  }
  RE2::Set set;
  std::vector<std::unique_ptr<RE2>> each;  // one per signature, to extract the indicator
};

namespace {

std::string Where(std::string_view source, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
}

Result<FieldMask> ParseField(const std::string& name) {
  if (name == "uri") return kFieldUri;
  if (name == "user_agent") return kFieldUserAgent;
  if (name == "referer") return kFieldReferer;
  if (name == "message") return kFieldMessage;
  return Fail("unknown field '{}' (uri, user_agent, referer, message)", name);
}

Result<AttackClass> ParseClass(const YAML::Node& node, std::string_view source) {
  if (!node.IsMap() || !node["name"] || !node["rule"] || !node["priority"]) {
    return Fail("{}: a class needs name, rule and priority", Where(source, node));
  }
  AttackClass c;
  c.name = node["name"].as<std::string>();
  c.rule = node["rule"].as<std::string>();
  if (!ParsePriority(node["priority"].as<std::string>(), &c.priority)) {
    return Fail("{}: class '{}': unknown priority", Where(source, node["priority"]), c.name);
  }
  c.priority_on_success = c.priority;
  if (node["priority_on_success"] &&
      !ParsePriority(node["priority_on_success"].as<std::string>(), &c.priority_on_success)) {
    return Fail("{}: class '{}': unknown priority", Where(source, node["priority_on_success"]),
                c.name);
  }
  if (node["tags"]) c.tags = node["tags"].as<std::vector<std::string>>();
  if (node["names_file"]) c.names_file = node["names_file"].as<bool>();
  if (node["confirm"]) {
    const auto confirm = node["confirm"].as<std::string>();
    if (confirm != "path_escape") {
      return Fail("{}: class '{}': unknown confirm '{}' (path_escape)",
                  Where(source, node["confirm"]), c.name, confirm);
    }
    c.confirm = AttackClass::Confirm::kPathEscape;
  }
  return c;
}

Result<Signature> ParseSignature(const YAML::Node& node, std::string_view source,
                                 const std::vector<AttackClass>& classes) {
  if (!node.IsMap() || !node["id"] || !node["class"] || !node["pattern"]) {
    return Fail("{}: a signature needs id, class and pattern", Where(source, node));
  }
  Signature s;
  s.id = node["id"].as<std::string>();
  const auto class_name = node["class"].as<std::string>();
  s.class_index = classes.size();
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (classes[i].name == class_name) s.class_index = i;
  }
  if (s.class_index == classes.size()) {
    return Fail("{}: signature '{}': unknown class '{}'", Where(source, node["class"]), s.id,
                class_name);
  }
  s.pattern = node["pattern"].as<std::string>();
  if (node["description"]) s.description = node["description"].as<std::string>();
  if (node["fields"]) {
    s.fields = 0;
    for (const auto& f : node["fields"]) {
      auto field = ParseField(f.as<std::string>());
      if (!field)
        return Fail("{}: signature '{}': {}", Where(source, f), s.id, field.error().message);
      s.fields |= *field;
    }
  }
  return s;
}

}  // namespace

std::string_view FieldName(FieldMask field) {
  switch (field) {
    case kFieldUri:
      return "uri";
    case kFieldUserAgent:
      return "user_agent";
    case kFieldReferer:
      return "referer";
    case kFieldMessage:
      return "message";
  }
  return "uri";
}

SignatureSet::SignatureSet() : compiled_(std::make_unique<Compiled>()) {}
SignatureSet::SignatureSet(SignatureSet&&) noexcept = default;
SignatureSet& SignatureSet::operator=(SignatureSet&&) noexcept = default;
SignatureSet::~SignatureSet() = default;

Result<SignatureSet> SignatureSet::Load(std::string_view yaml_text, std::string_view source) {
  SignatureSet out;
  YAML::Node root;
  if (auto second = SecondYamlDocument(std::string(yaml_text))) {  // Load would drop it
    return Fail("{}:{}:{}: a second YAML document: a signature file is one map", source,
                second->line + 1, second->column + 1);
  }
  try {
    root = YAML::Load(std::string(yaml_text));
    if (!root.IsMap() || !root["classes"].IsSequence() || !root["signatures"].IsSequence()) {
      return Fail("{}: expected a map with 'classes' and 'signatures' lists", source);
    }
    for (const auto& node : root["classes"]) {
      auto c = ParseClass(node, source);
      if (!c) return Fail(c.error());
      out.classes_.push_back(std::move(*c));
    }
    for (const auto& node : root["signatures"]) {
      auto s = ParseSignature(node, source, out.classes_);
      if (!s) return Fail(s.error());
      std::string error;
      if (out.compiled_->set.Add(s->pattern, &error) < 0) {
        return Fail("{}: signature '{}': {}", Where(source, node["pattern"]), s->id, error);
      }
      out.compiled_->each.push_back(
          std::make_unique<RE2>("(" + s->pattern + ")", Compiled::Options()));
      out.signatures_.push_back(std::move(*s));
    }
  } catch (const YAML::Exception& e) {
    return Fail("{}:{}:{}: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  if (out.signatures_.empty()) return Fail("{}: no signatures", source);
  if (!out.compiled_->set.Compile()) return Fail("{}: the signatures do not compile", source);
  return out;
}

Result<SignatureSet> SignatureSet::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Fail("open {}: {}", path, ErrnoText(errno));
  std::stringstream text;
  text << in.rdbuf();
  return Load(text.str(), path);
}

Result<SignatureSet> SignatureSet::BuiltIn() {
  return Load(
      std::string_view(embedded::logscan_signatures_yaml, embedded::logscan_signatures_yaml_size),
      "logscan_signatures.yaml (built in)");
}

void SignatureSet::Match(std::string_view text, std::vector<int>& hits) const {
  hits.clear();
  compiled_->set.Match(re2::StringPiece(text.data(), text.size()), &hits);
}

std::string_view SignatureSet::Indicator(int index, std::string_view text) const {
  re2::StringPiece match;
  if (index < 0 || static_cast<std::size_t>(index) >= compiled_->each.size()) return {};
  if (!RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *compiled_->each[index],
                         &match)) {
    return {};
  }
  return std::string_view(match.data(), match.size());
}

}  // namespace vigil::logscan
