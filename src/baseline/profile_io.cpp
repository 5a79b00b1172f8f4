#include "baseline/profile_io.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/yaml_documents.h"

namespace vigil::baseline {
namespace {

// ---- Text forms of the small entries, shared by both formats ----

std::string PortText(const PortEntry& p) {
  return fmt::format("{}/{}", p.proto, p.port);
}

// "tcp/127.0.0.1:5432", "tcp/[::1]:5432"; a unix socket (a path, no port): "unix:/run/x.sock".
std::string PeerText(const PeerEntry& p) {
  if (p.port == 0 && (p.address.starts_with('/') || p.address.starts_with('@'))) {
    return fmt::format("{}:{}", p.proto, p.address);
  }
  if (p.address.find(':') != std::string::npos) {
    return fmt::format("{}/[{}]:{}", p.proto, p.address, p.port);
  }
  return fmt::format("{}/{}:{}", p.proto, p.address, p.port);
}

std::string TimeText(uint64_t ns) {
  std::string text = FormatRfc3339(ns);
  // Whole seconds read better without ".000000000".
  if (auto dot = text.find(".000000000Z"); dot != std::string::npos)
    text = text.substr(0, dot) + "Z";
  return text;
}

bool ProtoValid(std::string_view proto) {
  if (proto.empty() || proto.size() > 16) return false;
  for (char c : proto) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool ParsePort(std::string_view text, uint16_t* port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  *port = static_cast<uint16_t>(value);
  return true;
}

// The inverse of PortText; an error message (without position) otherwise.
std::optional<std::string> ParsePortText(std::string_view text, PortEntry* out) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos || !ProtoValid(text.substr(0, slash))) {
    return "expected PROTO/PORT (e.g. tcp/8080)";
  }
  out->proto = std::string(text.substr(0, slash));
  if (!ParsePort(text.substr(slash + 1), &out->port)) return "bad port (0-65535)";
  return std::nullopt;
}

std::optional<std::string> ParsePeerText(std::string_view text, PeerEntry* out) {
  constexpr const char* kExpected =
      "expected PROTO/ADDRESS:PORT (tcp/10.0.0.1:5432, tcp/[::1]:80) or PROTO:/socket/path";
  std::size_t i = 0;
  while (i < text.size() && text[i] != '/' && text[i] != ':') ++i;
  if (i == text.size() || !ProtoValid(text.substr(0, i))) return kExpected;
  out->proto = std::string(text.substr(0, i));
  if (text[i] == ':') {  // a socket path
    out->address = std::string(text.substr(i + 1));
    out->port = 0;
    if (out->address.empty()) return kExpected;
    return std::nullopt;
  }
  std::string_view rest = text.substr(i + 1);
  std::string_view port;
  if (rest.starts_with('[')) {
    auto close = rest.find("]:");
    if (close == std::string_view::npos) return kExpected;
    out->address = std::string(rest.substr(1, close - 1));
    port = rest.substr(close + 2);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos ||
        rest.substr(0, colon).find(':') != std::string_view::npos) {
      return kExpected;
    }
    out->address = std::string(rest.substr(0, colon));
    port = rest.substr(colon + 1);
  }
  if (out->address.empty()) return kExpected;
  if (!ParsePort(port, &out->port)) return "bad port (0-65535)";
  return std::nullopt;
}

// ---- Export ----

void EmitStrings(YAML::Emitter& out, const char* key, const auto& items, auto text_of) {
  out << YAML::Key << key << YAML::Value;
  if (items.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  out << YAML::BeginSeq;
  for (const auto& item : items) out << text_of(item);
  out << YAML::EndSeq;
}

std::string ExportYaml(const Profile& p) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "image" << YAML::Value << p.image;
  out << YAML::Key << "key" << YAML::Value << p.key;
  out << YAML::Key << "mode" << YAML::Value << std::string(ModeName(p.mode));
  if (p.created_ns) out << YAML::Key << "created" << YAML::Value << TimeText(p.created_ns);
  if (p.changed_ns) out << YAML::Key << "changed" << YAML::Value << TimeText(p.changed_ns);
  if (p.seen_ns) out << YAML::Key << "seen" << YAML::Value << TimeText(p.seen_ns);
  out << YAML::Key << "processes" << YAML::Value;
  if (p.processes.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  } else {
    out << YAML::BeginSeq;
    for (const auto& e : p.processes) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "exe" << YAML::Value << e.exe;
      if (!e.parent.empty()) out << YAML::Key << "parent" << YAML::Value << e.parent;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  auto same = [](const std::string& s) { return s; };
  EmitStrings(out, "files_read", p.files_read, same);
  EmitStrings(out, "files_written", p.files_written, same);
  EmitStrings(out, "syscalls", p.syscalls, same);
  EmitStrings(out, "listening", p.listening, PortText);
  EmitStrings(out, "outbound", p.outbound, PeerText);
  out << YAML::Key << "users" << YAML::Value;
  if (p.users.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  } else {
    out << YAML::BeginSeq;
    for (const auto& [uid, name] : p.users) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "uid" << YAML::Value << uid;
      if (!name.empty()) out << YAML::Key << "name" << YAML::Value << name;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string ExportJson(const Profile& p) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["image"] = p.image;
  j["key"] = p.key;
  j["mode"] = ModeName(p.mode);
  if (p.created_ns) j["created"] = TimeText(p.created_ns);
  if (p.changed_ns) j["changed"] = TimeText(p.changed_ns);
  if (p.seen_ns) j["seen"] = TimeText(p.seen_ns);
  j["processes"] = Json::array();
  for (const auto& e : p.processes) {
    Json entry{{"exe", e.exe}};
    if (!e.parent.empty()) entry["parent"] = e.parent;
    j["processes"].push_back(std::move(entry));
  }
  j["files_read"] = p.files_read;
  j["files_written"] = p.files_written;
  j["syscalls"] = p.syscalls;
  j["listening"] = Json::array();
  for (const auto& l : p.listening) j["listening"].push_back(PortText(l));
  j["outbound"] = Json::array();
  for (const auto& o : p.outbound) j["outbound"].push_back(PeerText(o));
  j["users"] = Json::array();
  for (const auto& [uid, name] : p.users) {
    Json entry{{"uid", uid}};
    if (!name.empty()) entry["name"] = name;
    j["users"].push_back(std::move(entry));
  }
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

// ---- Import ----

// Reads one YAML node tree (a JSON text is YAML too, so one reader gives positions for both).
class Reader {
 public:
  Reader(std::string_view origin, int line_offset) : origin_(origin), line_offset_(line_offset) {}

  std::unexpected<Error> At(const YAML::Node& node, std::string_view what) const {
    const YAML::Mark m = node.Mark();
    return Fail("{}:{}:{}: {}", origin_, m.line + line_offset_ + 1, m.column + 1, what);
  }

  Result<Profile> ReadProfile(const YAML::Node& node) const;

 private:
  Result<std::string> Scalar(const YAML::Node& node, std::string_view key) const {
    if (!node.IsScalar()) return At(node, fmt::format("'{}' must be a text", key));
    return node.Scalar();
  }
  Result<const YAML::Node> Sequence(const YAML::Node& node, std::string_view key) const {
    if (node.IsNull()) return YAML::Node(YAML::NodeType::Sequence);
    if (!node.IsSequence()) return At(node, fmt::format("'{}' must be a list", key));
    return node;
  }
  Status ReadStrings(const YAML::Node& node, std::string_view key,
                     std::set<std::string>& into) const;
  Status ReadProcesses(const YAML::Node& node, Profile& p) const;
  Status ReadUsers(const YAML::Node& node, Profile& p) const;
  Status ReadTime(const YAML::Node& node, std::string_view key, uint64_t* ns) const;

  std::string origin_;
  int line_offset_;
};

Status Reader::ReadStrings(const YAML::Node& node, std::string_view key,
                           std::set<std::string>& into) const {
  auto seq = Sequence(node, key);
  if (!seq) return Fail(seq.error());
  for (const auto& item : *seq) {
    auto text = Scalar(item, key);
    if (!text) return Fail(text.error());
    if (text->empty()) return At(item, fmt::format("empty entry in '{}'", key));
    into.insert(*text);
  }
  return {};
}

Status Reader::ReadTime(const YAML::Node& node, std::string_view key, uint64_t* ns) const {
  if (node.IsNull()) {
    *ns = 0;
    return {};
  }
  auto text = Scalar(node, key);
  if (!text) return Fail(text.error());
  *ns = ParseRfc3339(*text);
  if (*ns == 0) {
    return At(node,
              fmt::format("'{}' is not an RFC 3339 time (2026-11-27T05:00:00Z): '{}'", key, *text));
  }
  return {};
}

Status Reader::ReadProcesses(const YAML::Node& node, Profile& p) const {
  auto seq = Sequence(node, "processes");
  if (!seq) return Fail(seq.error());
  for (const auto& item : *seq) {
    if (!item.IsMap()) return At(item, "a process is a map: {exe: /bin/sh, parent: /bin/init}");
    ProcessEntry entry;
    bool has_exe = false;
    for (const auto& kv : item) {
      const std::string name = kv.first.Scalar();
      if (name != "exe" && name != "parent") {
        return At(kv.first,
                  fmt::format("unknown key '{}' in a process (expected exe, parent)", name));
      }
      if (kv.second.IsNull()) continue;
      auto text = Scalar(kv.second, name);
      if (!text) return Fail(text.error());
      (name == "exe" ? entry.exe : entry.parent) = *text;
      has_exe |= name == "exe" && !text->empty();
    }
    if (!has_exe) return At(item, "a process needs 'exe'");
    p.processes.insert(std::move(entry));
  }
  return {};
}

Status Reader::ReadUsers(const YAML::Node& node, Profile& p) const {
  auto seq = Sequence(node, "users");
  if (!seq) return Fail(seq.error());
  for (const auto& item : *seq) {
    if (!item.IsMap()) return At(item, "a user is a map: {uid: 0, name: root}");
    std::optional<uint32_t> uid;
    std::string name;
    for (const auto& kv : item) {
      const std::string key = kv.first.Scalar();
      if (key == "uid") {
        auto text = Scalar(kv.second, key);
        if (!text) return Fail(text.error());
        uint32_t value = 0;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
        if (ec != std::errc() || end != text->data() + text->size()) {
          return At(kv.second, fmt::format("bad uid '{}' (0-4294967295)", *text));
        }
        uid = value;
      } else if (key == "name") {
        if (kv.second.IsNull()) continue;
        auto text = Scalar(kv.second, key);
        if (!text) return Fail(text.error());
        name = *text;
      } else {
        return At(kv.first, fmt::format("unknown key '{}' in a user (expected uid, name)", key));
      }
    }
    if (!uid) return At(item, "a user needs 'uid'");
    p.users[*uid] = name;
  }
  return {};
}

constexpr const char* kKeys =
    "image, key, mode, created, changed, seen, processes, files_read, files_written, syscalls, "
    "listening, outbound, users";

Result<Profile> Reader::ReadProfile(const YAML::Node& node) const {
  if (!node.IsMap()) return At(node, "a profile is a map (image: …, key: …, processes: …)");
  Profile p;
  std::set<std::string> seen_keys;
  for (const auto& kv : node) {
    const YAML::Node& value = kv.second;
    if (!kv.first.IsScalar()) return At(kv.first, "keys are texts");
    const std::string key = kv.first.Scalar();
    if (!seen_keys.insert(key).second) return At(kv.first, fmt::format("duplicate key '{}'", key));
    Status st;
    if (key == "image" || key == "key") {
      auto text = Scalar(value, key);
      if (!text) return Fail(text.error());
      (key == "image" ? p.image : p.key) = *text;
    } else if (key == "mode") {
      auto text = Scalar(value, key);
      if (!text) return Fail(text.error());
      if (!ParseMode(*text, &p.mode)) {
        return At(value, fmt::format("unknown mode '{}' (learning or detecting)", *text));
      }
    } else if (key == "created") {
      st = ReadTime(value, key, &p.created_ns);
    } else if (key == "changed") {
      st = ReadTime(value, key, &p.changed_ns);
    } else if (key == "seen") {
      st = ReadTime(value, key, &p.seen_ns);
    } else if (key == "processes") {
      st = ReadProcesses(value, p);
    } else if (key == "files_read") {
      st = ReadStrings(value, key, p.files_read);
    } else if (key == "files_written") {
      st = ReadStrings(value, key, p.files_written);
    } else if (key == "syscalls") {
      st = ReadStrings(value, key, p.syscalls);
    } else if (key == "listening" || key == "outbound") {
      std::set<std::string> texts;
      auto seq = Sequence(value, key);
      if (!seq) return Fail(seq.error());
      for (const auto& item : *seq) {
        auto text = Scalar(item, key);
        if (!text) return Fail(text.error());
        std::optional<std::string> bad;
        if (key == "listening") {
          PortEntry entry;
          bad = ParsePortText(*text, &entry);
          if (!bad) p.listening.insert(std::move(entry));
        } else {
          PeerEntry entry;
          bad = ParsePeerText(*text, &entry);
          if (!bad) p.outbound.insert(std::move(entry));
        }
        if (bad) return At(item, fmt::format("'{}' in '{}': {}", *text, key, *bad));
      }
    } else if (key == "users") {
      st = ReadUsers(value, p);
    } else {
      return At(kv.first, fmt::format("unknown key '{}' (expected one of: {})", key, kKeys));
    }
    if (!st) return Fail(st.error());
  }
  if (p.image.empty() && p.key.empty()) return At(node, "a profile needs 'image' or 'key'");
  if (p.key.empty()) {
    ContainerInfo c;
    c.image = p.image;
    p.key = ProfileKeyFor(c);
  }
  if (p.image.empty()) p.image = p.key;
  return p;
}

// One YAML document (a profile, or a list of them) starting at `line_offset` of the input.
Status ImportDocument(const std::string& text, std::string_view origin, int line_offset,
                      std::vector<Profile>& out) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Fail("{}:{}:{}: {}", origin, e.mark.line + line_offset + 1, e.mark.column + 1, e.msg);
  }
  if (!root || root.IsNull()) return {};  // an empty document
  Reader reader(origin, line_offset);
  try {
    if (root.IsSequence()) {
      for (const auto& item : root) {
        auto p = reader.ReadProfile(item);
        if (!p) return Fail(p.error());
        out.push_back(std::move(*p));
      }
      return {};
    }
    auto p = reader.ReadProfile(root);
    if (!p) return Fail(p.error());
    out.push_back(std::move(*p));
  } catch (const YAML::Exception& e) {  // untrusted input never crashes vigil
    return Fail("{}:{}:{}: {}", origin, e.mark.line + line_offset + 1, e.mark.column + 1, e.msg);
  }
  return {};
}

// Where line `line` (0-based) of `text` starts.
std::size_t LineStart(std::string_view text, int line) {
  std::size_t pos = 0;
  for (int i = 0; i < line && pos != std::string_view::npos; ++i) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  return pos == std::string_view::npos ? text.size() : pos;
}

}  // namespace

std::string ExportProfile(const Profile& profile, DocumentFormat format) {
  return format == DocumentFormat::kJson ? ExportJson(profile) : ExportYaml(profile);
}

Result<std::vector<Profile>> ImportProfiles(std::string_view text, std::string_view origin) {
  std::vector<Profile> profiles;
  // Documents one at a time: yaml-cpp's LoadAll can hang (common/yaml_documents.h).
  std::string rest(text);
  int line_offset = 0;
  while (true) {
    auto second = SecondYamlDocument(rest);
    if (!second || second->line <= 0) {
      if (auto s = ImportDocument(rest, origin, line_offset, profiles); !s) return Fail(s.error());
      break;
    }
    const std::size_t cut = LineStart(rest, second->line);
    if (auto s = ImportDocument(rest.substr(0, cut), origin, line_offset, profiles); !s) {
      return Fail(s.error());
    }
    rest.erase(0, cut);
    line_offset += second->line;
  }
  return profiles;
}

}  // namespace vigil::baseline
