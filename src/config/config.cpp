#include "config/config.h"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "common/strings.h"
#include "common/yaml_documents.h"
#include "config/keys.h"

namespace vigil::config {
namespace {

// Where a key got its value: a position in the file, or a setting's origin ("--set k=v").
struct Where {
  YAML::Mark mark;
  std::string origin;  // empty: the file
};

// Reads one file and then settings onto a Config, collecting every error with its position.
class Reader {
 public:
  Reader(Loaded& loaded, std::string_view file, std::string_view text)
      : loaded_(loaded), file_(file) {
    for (std::string_view line : Split(text, '\n')) {
      if (line.ends_with('\r')) line.remove_suffix(1);
      lines_.emplace_back(line);
    }
  }

  void File(std::string_view text);
  void Apply(const Setting& setting);
  void Check();
  Status Result() const;

 private:
  void Error(const Where& where, const std::string& message);
  void Warning(const YAML::Mark& mark, const std::string& message);
  std::string Position(const Where& where, std::string_view kind, const std::string& message);
  void Map(const YAML::Node& map, const std::string& prefix, const std::string& origin);
  void Value(const YAML::Node& key_node, const std::string& key, const YAML::Node& value,
             const std::string& origin);
  Where At(std::string_view key) const;

  Loaded& loaded_;
  std::string file_;
  std::vector<std::string> lines_;
  std::vector<std::string> errors_;
  std::map<std::string, Where, std::less<>> set_at_;
};

std::string Reader::Position(const Where& where, std::string_view kind,
                             const std::string& message) {
  if (!where.origin.empty()) return fmt::format("{}: {}: {}", where.origin, kind, message);
  const YAML::Mark& mark = where.mark;
  if (mark.line < 0 || mark.line >= static_cast<int>(lines_.size())) {
    return fmt::format("{}: {}: {}", file_, kind, message);
  }
  const std::string& line = lines_[mark.line];
  std::string caret;
  for (int i = 0; i < mark.column && i < static_cast<int>(line.size()); ++i) {
    caret += line[i] == '\t' ? '\t' : ' ';
  }
  return fmt::format("{}:{}:{}: {}: {}\n  {}\n  {}^", file_, mark.line + 1, mark.column + 1, kind,
                     message, EscapeForDisplay(line, 400), caret);
}

void Reader::Error(const Where& where, const std::string& message) {
  errors_.push_back(Position(where, "error", message));
}

void Reader::Warning(const YAML::Mark& mark, const std::string& message) {
  loaded_.warnings.push_back(Position(Where{mark, {}}, "warning", message));
}

void Reader::Value(const YAML::Node& key_node, const std::string& key, const YAML::Node& value,
                   const std::string& origin) {
  const Where key_at{key_node.Mark(), origin};
  std::string why;
  if (IsIgnoredFalcoKey(key, &why)) {
    if (origin.empty()) {
      Warning(key_node.Mark(),
              fmt::format("Falco key '{}' ignored: vigil does not do {}", key, why));
    }
    return;
  }
  if (const KeySpec* spec = FindKey(key)) {
    const Where value_at{value.Mark(), origin};
    if (auto error = spec->set(value, loaded_.config)) {
      Error(value_at, fmt::format("'{}' {}", key, *error));
    } else {
      set_at_[key] = value_at;
    }
    return;
  }
  if (IsSection(key)) {
    if (value.IsMap()) return Map(value, key + ".", origin);
    if (value.IsNull()) return;  // an empty section: the defaults
    Error(Where{value.Mark(), origin}, fmt::format("'{}' must be a map of its keys", key));
    return;
  }
  std::string message = fmt::format("unknown key '{}'", EscapeForDisplay(key, 100));
  if (auto close = ClosestKey(key)) message += fmt::format(" (did you mean '{}'?)", *close);
  Error(key_at, message);
}

void Reader::Map(const YAML::Node& map, const std::string& prefix, const std::string& origin) {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    // Copies: yaml-cpp's iterator hands out a temporary proxy.
    const YAML::Node key_node = it->first;
    const YAML::Node value = it->second;
    if (!key_node.IsScalar()) {
      Error(Where{key_node.Mark(), origin}, "keys must be plain names");
      continue;
    }
    const std::string key = prefix + key_node.Scalar();
    if (!seen.insert(key).second) {
      Error(Where{key_node.Mark(), origin},
            fmt::format("duplicate key '{}'", EscapeForDisplay(key, 100)));
      continue;
    }
    Value(key_node, key, value, origin);
  }
}

void Reader::File(std::string_view text) {
  YAML::Node root;
  try {
    // YAML::Load silently drops what a wrong indentation turns into a second document ("- a"
    // then "b: c" at column 0).
    if (auto second = SecondYamlDocument(std::string(text))) {
      YAML::Mark mark = YAML::Mark::null_mark();
      mark.line = second->line;
      mark.column = second->column;
      Error(Where{mark, {}},
            "a second YAML document: a config file is one map (is this line's indentation "
            "right?)");
      return;
    }
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    Error(Where{e.mark, {}}, "invalid YAML: " + e.msg);
    return;
  }
  if (root.IsNull()) return;  // an empty file: the defaults
  if (!root.IsMap()) {
    Error(Where{root.Mark(), {}}, "a config file is a YAML map of keys (docs/CONFIG.md)");
    return;
  }
  try {
    Map(root, "", "");
  } catch (const YAML::Exception& e) {
    Error(Where{e.mark, {}}, "invalid config: " + e.msg);
  }
}

void Reader::Apply(const Setting& setting) {
  YAML::Node value;
  try {
    if (setting.is_list) {
      value = YAML::Node(YAML::NodeType::Sequence);
      for (const std::string& item : setting.list) value.push_back(item);
    } else if (setting.literal) {
      value = YAML::Node(setting.value);
    } else {
      value = YAML::Load(setting.value);
    }
    Value(YAML::Node(setting.key), setting.key, value, setting.origin);
  } catch (const YAML::Exception& e) {
    Error(Where{{}, setting.origin}, "invalid YAML value: " + e.msg);
  }
}

Where Reader::At(std::string_view key) const {
  auto it = set_at_.find(key);
  if (it != set_at_.end()) return it->second;
  return Where{YAML::Mark::null_mark(), {}};
}

// Checks that span keys: an enabled output has what it needs.
void Reader::Check() {
  const Config& c = loaded_.config;
  if (c.file.enabled && c.file.filename.empty()) {
    Error(At("file_output.filename"), "'file_output.filename' is empty but file_output is enabled");
  }
  if (c.syslog.enabled && c.syslog.socket.empty()) {
    Error(At("syslog_output.socket"),
          "'syslog_output.socket' is empty but syslog_output is enabled");
  }
  if (c.program.enabled && Trim(c.program.program).empty()) {
    Error(At(set_at_.contains("program_output.program") ? "program_output.program"
                                                        : "program_output.enabled"),
          "program_output is enabled but 'program_output.program' names no command");
  }
  if (c.http.enabled && !c.http.url.starts_with("http://") && !c.http.url.starts_with("https://")) {
    Error(At(set_at_.contains("http_output.url") ? "http_output.url" : "http_output.enabled"),
          "http_output is enabled but 'http_output.url' is not an http:// or https:// URL");
  }
  if (c.webserver.ssl_enabled && c.webserver.ssl_certificate.empty()) {
    Error(At(set_at_.contains("webserver.ssl_certificate") ? "webserver.ssl_certificate"
                                                           : "webserver.ssl_enabled"),
          "webserver.ssl_enabled is true but 'webserver.ssl_certificate' names no PEM file");
  }
  in_addr address{};
  if (inet_pton(AF_INET, c.webserver.listen_address.c_str(), &address) != 1) {
    Error(At("webserver.listen_address"),
          "'webserver.listen_address' must be an IPv4 address (e.g. 127.0.0.1)");
  }
  if (!c.webserver.healthz_endpoint.starts_with("/")) {
    Error(At("webserver.k8s_healthz_endpoint"),
          "'webserver.k8s_healthz_endpoint' must be a path starting with '/'");
  }
  if (c.http.retry_initial_s > c.http.retry_max_s) {
    Error(At("http_output.retry_initial_backoff"),
          "'http_output.retry_initial_backoff' is longer than 'http_output.retry_max_backoff'");
  }
}

Status Reader::Result() const {
  if (errors_.empty()) return {};
  return Fail("{}", Join(errors_, "\n"));
}

}  // namespace

Result<Setting> ParseSetArgument(std::string_view argument) {
  const auto eq = argument.find('=');
  if (eq == std::string_view::npos || Trim(argument.substr(0, eq)).empty()) {
    return Fail("--set {}: error: expected key=value (e.g. --set file_output.enabled=true)",
                EscapeForDisplay(argument, 200));
  }
  Setting setting;
  setting.key = std::string(Trim(argument.substr(0, eq)));
  setting.value = std::string(argument.substr(eq + 1));
  setting.origin = fmt::format("--set {}", EscapeForDisplay(argument, 200));
  return setting;
}

Result<Loaded> ParseConfig(std::string_view text, std::string_view file_name) {
  Loaded loaded;
  Reader reader(loaded, file_name, text);
  reader.File(text);
  reader.Check();
  if (auto status = reader.Result(); !status) return Fail(status.error());
  return loaded;
}

Result<Loaded> LoadConfig(const std::string& path) {
  return BuildConfig(path, {});
}

Status ApplySettings(Loaded& loaded, const std::vector<Setting>& settings) {
  Reader reader(loaded, "", "");
  for (const Setting& setting : settings) reader.Apply(setting);
  reader.Check();
  return reader.Result();
}

Result<Loaded> BuildConfig(const std::string& path, const std::vector<Setting>& settings) {
  std::string text;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Fail("{}: error: cannot read config file: {}", path, ErrnoText(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  // One reader for the file and the settings: a setting completes what the file enabled
  // (an http_output enabled in the file, its url from --set) before the checks run.
  Loaded loaded;
  Reader reader(loaded, path, text);
  if (!path.empty()) reader.File(text);
  for (const Setting& setting : settings) reader.Apply(setting);
  reader.Check();
  if (auto status = reader.Result(); !status) return Fail(status.error());
  return loaded;
}

}  // namespace vigil::config
