#include "audit/policy.h"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>

#include "common/yaml_documents.h"
#include "audit/check.h"
#include "common/strings.h"

namespace vigil::audit {

std::string NormalizeCapability(std::string_view name) {
  std::string upper;
  for (char c : Trim(name)) upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  if (upper.starts_with("CAP_")) upper.erase(0, 4);
  return upper;
}

namespace {

// Parses one policy file, collecting every error with its position.
class PolicyParser {
 public:
  PolicyParser(std::string_view text, std::string_view file) : file_(file) {
    for (std::string_view line : Split(text, '\n')) {
      if (line.ends_with('\r')) line.remove_suffix(1);
      lines_.emplace_back(line);
    }
  }

  Result<Policy> Parse(std::string_view text);

 private:
  void Error(const YAML::Mark& mark, const std::string& message);
  void Error(const YAML::Node& node, const std::string& message) { Error(node.Mark(), message); }
  std::optional<bool> Bool(const YAML::Node& node, std::string_view key);
  std::vector<std::string> Strings(const YAML::Node& node, std::string_view key);
  bool KnownCheck(const YAML::Node& node, const std::string& id, bool allow_glob);
  void Top(const YAML::Node& key, const YAML::Node& value);
  void Images(const YAML::Node& node);
  void Capabilities(const YAML::Node& node);
  void Severities(const YAML::Node& node);
  void Exemptions(const YAML::Node& node);
  void OneExemption(const YAML::Node& node);

  std::string file_;
  std::vector<std::string> lines_;
  std::vector<std::string> errors_;
  Policy policy_;
};

void PolicyParser::Error(const YAML::Mark& mark, const std::string& message) {
  if (mark.line < 0 || mark.line >= static_cast<int>(lines_.size())) {
    errors_.push_back(fmt::format("{}: error: {}", file_, message));
    return;
  }
  const std::string& line = lines_[mark.line];
  std::string caret;
  for (int i = 0; i < mark.column && i < static_cast<int>(line.size()); ++i) {
    caret += line[i] == '\t' ? '\t' : ' ';
  }
  errors_.push_back(fmt::format("{}:{}:{}: error: {}\n  {}\n  {}^", file_, mark.line + 1,
                                mark.column + 1, message, line, caret));
}

std::optional<bool> PolicyParser::Bool(const YAML::Node& node, std::string_view key) {
  const std::string text = node.IsScalar() ? ToLower(node.Scalar()) : std::string();
  if (text == "true" || text == "yes") return true;
  if (text == "false" || text == "no") return false;
  Error(node, fmt::format("'{}' must be true or false", key));
  return std::nullopt;
}

std::vector<std::string> PolicyParser::Strings(const YAML::Node& node, std::string_view key) {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    Error(node, fmt::format("'{}' must be a list of strings", key));
    return out;
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar() || Trim(item.Scalar()).empty()) {
      Error(item, fmt::format("'{}' items must be non-empty strings", key));
      continue;
    }
    out.emplace_back(Trim(item.Scalar()));
  }
  return out;
}

bool PolicyParser::KnownCheck(const YAML::Node& node, const std::string& id, bool allow_glob) {
  if (FindCheck(id)) return true;
  if (allow_glob && id.find_first_of("*?[") != std::string::npos) return true;
  Error(node, fmt::format("unknown check '{}' (`vigil audit --list-checks` lists them)",
                          EscapeForDisplay(id, 64)));
  return false;
}

void PolicyParser::Top(const YAML::Node& key, const YAML::Node& value) {
  const std::string name = key.Scalar();
  if (name == "trusted_registries") {
    policy_.trusted_registries = Strings(value, name);
  } else if (name == "require_digest") {
    policy_.require_digest = Bool(value, name).value_or(false);
  } else if (name == "allow_root") {
    policy_.allow_root = Bool(value, name).value_or(false);
  } else if (name == "images") {
    Images(value);
  } else if (name == "allowed_capabilities") {
    Capabilities(value);
  } else if (name == "severity") {
    Severities(value);
  } else if (name == "exemptions") {
    Exemptions(value);
  } else {
    Error(key, fmt::format("unknown key '{}' (expected trusted_registries, require_digest, "
                           "images, allowed_capabilities, allow_root, severity or exemptions)",
                           EscapeForDisplay(name, 64)));
  }
}

void PolicyParser::Images(const YAML::Node& node) {
  if (!node.IsMap()) {
    Error(node, "'images' must be a map with 'allow' and/or 'deny' lists");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (name == "allow") {
      policy_.allowed_images = Strings(it->second, "images.allow");
    } else if (name == "deny") {
      policy_.denied_images = Strings(it->second, "images.deny");
    } else {
      Error(it->first, fmt::format("unknown key '{}' in 'images' (expected allow or deny)",
                                   EscapeForDisplay(name, 64)));
    }
  }
}

void PolicyParser::Capabilities(const YAML::Node& node) {
  if (!node.IsSequence()) {
    Error(node, "'allowed_capabilities' must be a list of capability names");
    return;
  }
  for (const YAML::Node& item : node) {
    std::string name = item.IsScalar() ? NormalizeCapability(item.Scalar()) : std::string();
    if (name.empty() ||
        name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != std::string::npos) {
      Error(item, "not a capability name (e.g. NET_BIND_SERVICE or CAP_NET_BIND_SERVICE)");
      continue;
    }
    policy_.allowed_capabilities.push_back(std::move(name));
  }
}

void PolicyParser::Severities(const YAML::Node& node) {
  if (!node.IsMap()) {
    Error(node, "'severity' must be a map of check id to critical, high, medium, low, info or off");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string id = it->first.Scalar();
    if (!KnownCheck(it->first, id, /*allow_glob=*/false)) continue;
    const std::string value = it->second.IsScalar() ? ToLower(it->second.Scalar()) : std::string();
    if (value == "off") {
      policy_.severity_overrides[id] = std::nullopt;
    } else if (auto severity = ParseSeverity(value)) {
      policy_.severity_overrides[id] = *severity;
    } else {
      Error(it->second, fmt::format("severity of '{}' must be critical, high, medium, low, info "
                                    "or off",
                                    id));
    }
  }
}

void PolicyParser::Exemptions(const YAML::Node& node) {
  if (!node.IsSequence()) {
    Error(node, "'exemptions' must be a list of {labels, checks, reason} maps");
    return;
  }
  for (const YAML::Node& item : node) OneExemption(item);
}

void PolicyParser::OneExemption(const YAML::Node& node) {
  if (!node.IsMap()) {
    Error(node, "an exemption is a map with 'labels', 'checks' and optionally 'reason'");
    return;
  }
  Exemption exemption;
  bool has_labels = false;
  bool has_checks = false;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    // A copy: yaml-cpp's iterator hands out a temporary proxy, a reference into it dangles.
    const YAML::Node value = it->second;
    if (key == "labels" && value.IsMap() && value.size() > 0) {
      has_labels = true;
      for (auto label = value.begin(); label != value.end(); ++label) {
        if (!label->second.IsScalar()) {
          Error(label->second, "a label value must be a string (a glob)");
          continue;
        }
        exemption.labels[label->first.Scalar()] = label->second.Scalar();
      }
    } else if (key == "labels") {
      Error(value, "'labels' must be a non-empty map of label to value (a glob)");
      has_labels = true;  // reported already
    } else if (key == "checks") {
      has_checks = true;
      exemption.checks = Strings(value, "checks");
      if (value.IsSequence() && value.size() == 0) Error(value, "'checks' lists no check");
      if (!value.IsSequence()) continue;
      for (const YAML::Node& item : value) {
        if (item.IsScalar() && !Trim(item.Scalar()).empty()) {
          KnownCheck(item, std::string(Trim(item.Scalar())), /*allow_glob=*/true);
        }
      }
    } else if (key == "reason") {
      if (value.IsScalar()) {
        exemption.reason = value.Scalar();
      } else {
        Error(value, "'reason' must be a string");
      }
    } else {
      Error(it->first, fmt::format("unknown key '{}' in an exemption (expected labels, checks, "
                                   "reason)",
                                   EscapeForDisplay(key, 64)));
    }
  }
  if (!has_labels) Error(node, "an exemption needs 'labels' (which containers it applies to)");
  if (!has_checks) Error(node, "an exemption needs 'checks' (which check ids it exempts)");
  policy_.exemptions.push_back(std::move(exemption));
}

Result<Policy> PolicyParser::Parse(std::string_view text) {
  policy_.source = file_;
  YAML::Node root;
  if (auto second = SecondYamlDocument(std::string(text))) {  // Load would drop it
    YAML::Mark mark = YAML::Mark::null_mark();
    mark.line = second->line;
    mark.column = second->column;
    Error(mark, "a second YAML document: a policy is one map (is this line's indentation right?)");
    return Fail("{}", Join(errors_, "\n"));
  }
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    Error(e.mark, "invalid YAML: " + e.msg);
    return Fail("{}", Join(errors_, "\n"));
  }
  if (root.IsNull()) return policy_;  // an empty policy: the defaults
  if (!root.IsMap()) {
    Error(root, "a policy is a YAML map (trusted_registries, images, severity, exemptions, ...)");
    return Fail("{}", Join(errors_, "\n"));
  }
  std::set<std::string> seen;
  try {
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(it->first, "keys must be plain names");
        continue;
      }
      if (!seen.insert(it->first.Scalar()).second) {
        Error(it->first,
              fmt::format("duplicate key '{}'", EscapeForDisplay(it->first.Scalar(), 64)));
        continue;
      }
      Top(it->first, it->second);
    }
  } catch (const YAML::Exception& e) {
    Error(e.mark, "invalid policy: " + e.msg);
  }
  if (!errors_.empty()) return Fail("{}", Join(errors_, "\n"));
  return policy_;
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view text, std::string_view file_name) {
  return PolicyParser(text, file_name).Parse(text);
}

Result<Policy> LoadPolicy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("{}: cannot read policy file: {}", path, ErrnoText(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParsePolicy(buffer.str(), path);
}

}  // namespace vigil::audit
