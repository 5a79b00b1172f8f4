// JSON log lines: the request's parts under the keys common loggers use (nginx/Apache JSON
// templates, Envoy, Traefik, ECS). Keys compare without case, '_', '-' or '.', as a dotted
// path ("http.request.method") or as the last key ("method"), nested objects up to depth 4.
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "logscan/parse.h"

namespace vigil::logscan {
namespace {

using nlohmann::json;

enum class Slot {
  kUri,
  kRequestLine,
  kPath,
  kQuery,
  kMethod,
  kStatus,
  kAgent,
  kReferer,
  kClient,
  kMessage
};

struct KeyName {
  std::string_view key;  // normalised: lower case, no '_', '-', '.'
  Slot slot;
};

constexpr std::array<KeyName, 40> kKeys{{
    {"requesturi", Slot::kUri},
    {"uri", Slot::kUri},
    {"url", Slot::kUri},
    {"urloriginal", Slot::kUri},
    {"httpurl", Slot::kUri},
    {"originaluri", Slot::kUri},
    {"request", Slot::kRequestLine},
    {"requestline", Slot::kRequestLine},
    {"path", Slot::kPath},
    {"urlpath", Slot::kPath},
    {"requestpath", Slot::kPath},
    {"query", Slot::kQuery},
    {"querystring", Slot::kQuery},
    {"args", Slot::kQuery},
    {"urlquery", Slot::kQuery},
    {"method", Slot::kMethod},
    {"requestmethod", Slot::kMethod},
    {"httpmethod", Slot::kMethod},
    {"verb", Slot::kMethod},
    {"httprequestmethod", Slot::kMethod},
    {"status", Slot::kStatus},
    {"statuscode", Slot::kStatus},
    {"responsestatus", Slot::kStatus},
    {"httpresponsestatuscode", Slot::kStatus},
    {"useragent", Slot::kAgent},
    {"httpuseragent", Slot::kAgent},
    {"useragentoriginal", Slot::kAgent},
    {"agent", Slot::kAgent},
    {"ua", Slot::kAgent},
    {"referer", Slot::kReferer},
    {"referrer", Slot::kReferer},
    {"httpreferer", Slot::kReferer},
    {"httprequestreferrer", Slot::kReferer},
    {"remoteaddr", Slot::kClient},
    {"clientip", Slot::kClient},
    {"clientaddr", Slot::kClient},
    {"remoteip", Slot::kClient},
    {"sourceip", Slot::kClient},
    {"message", Slot::kMessage},
    {"msg", Slot::kMessage},
}};

std::string NormalizeKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '_' || c == '-' || c == '.') continue;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

const KeyName* Lookup(std::string_view normalized) {
  for (const KeyName& k : kKeys) {
    if (k.key == normalized) return &k;
  }
  return nullptr;
}

struct Collected {
  std::array<std::string, 10> values;
  std::array<bool, 10> set{};
  std::array<bool, 10> by_path{};  // set from a whole dotted path ("url.original")
};

std::string ScalarText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return {};
}

void Collect(const json& object, const std::string& prefix, int depth, Collected& out) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string path = prefix + NormalizeKey(it.key());
    if (it->is_object()) {
      if (depth < 4) Collect(*it, path, depth + 1, out);
      continue;
    }
    const KeyName* name = Lookup(path);
    const bool by_path = name != nullptr;
    if (!name) name = Lookup(NormalizeKey(it.key()));
    if (!name) continue;
    const auto slot = static_cast<std::size_t>(name->slot);
    // The first key seen wins, but a whole dotted path beats a nested key's last part.
    if (out.set[slot] && (out.by_path[slot] || !by_path)) continue;
    std::string text = ScalarText(*it);
    if (text.empty()) continue;
    out.values[slot] = std::move(text);
    out.set[slot] = true;
    out.by_path[slot] = by_path;
  }
}

int ParseStatus(const std::string& text) {
  if (text.size() != 3) return 0;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<HttpRecord> ParseJsonLine(std::string_view line) {
  json object = json::parse(line, nullptr, false);
  if (!object.is_object()) return std::nullopt;
  Collected c;
  Collect(object, "", 0, c);
  auto value = [&](Slot s) -> std::string& { return c.values[static_cast<std::size_t>(s)]; };
  HttpRecord record;
  record.format = LogFormat::kJson;
  if (!value(Slot::kUri).empty()) {
    SetRequestLine(value(Slot::kUri), record);
  } else if (!value(Slot::kRequestLine).empty()) {
    SetRequestLine(value(Slot::kRequestLine), record);
  } else if (!value(Slot::kPath).empty()) {
    std::string uri = value(Slot::kPath);
    if (!value(Slot::kQuery).empty() && uri.find('?') == std::string::npos) {
      uri += "?" + value(Slot::kQuery);
    }
    SetRequestLine(uri, record);
  }
  if (!value(Slot::kMethod).empty()) record.method = value(Slot::kMethod);
  record.status = ParseStatus(value(Slot::kStatus));
  record.user_agent = value(Slot::kAgent);
  record.referer = value(Slot::kReferer);
  record.client = value(Slot::kClient);
  if (!record.has_request()) {
    record.message = value(Slot::kMessage).empty() ? std::string(line) : value(Slot::kMessage);
  }
  return record;
}

}  // namespace vigil::logscan
