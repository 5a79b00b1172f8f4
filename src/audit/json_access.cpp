#include "audit/json_access.h"

#include <cmath>

namespace vigil::audit {

const Json& JsonAt(const Json& root, std::initializer_list<const char*> path) {
  static const Json kNull;
  const Json* at = &root;
  for (const char* key : path) {
    if (!at->is_object()) return kNull;
    auto it = at->find(key);
    if (it == at->end()) return kNull;
    at = &*it;
  }
  return *at;
}

std::string JsonString(const Json& root, std::initializer_list<const char*> path) {
  const Json& at = JsonAt(root, path);
  return at.is_string() ? at.get<std::string>() : std::string();
}

std::optional<bool> JsonBool(const Json& root, std::initializer_list<const char*> path) {
  const Json& at = JsonAt(root, path);
  if (!at.is_boolean()) return std::nullopt;
  return at.get<bool>();
}

std::optional<int64_t> JsonInt(const Json& root, std::initializer_list<const char*> path) {
  const Json& at = JsonAt(root, path);
  if (at.is_number_unsigned()) {  // before is_number_integer(), which unsigned numbers also are
    auto value = at.get<uint64_t>();
    return value > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(value);
  }
  if (at.is_number_integer()) return at.get<int64_t>();
  if (at.is_number_float()) {
    double value = at.get<double>();
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9.0e18) {
      return static_cast<int64_t>(value);
    }
  }
  return std::nullopt;
}

std::vector<std::string> JsonStrings(const Json& root, std::initializer_list<const char*> path) {
  std::vector<std::string> out;
  const Json& at = JsonAt(root, path);
  if (!at.is_array()) return out;
  for (const auto& element : at) {
    if (element.is_string()) out.push_back(element.get<std::string>());
  }
  return out;
}

bool JsonIsArray(const Json& root, std::initializer_list<const char*> path) {
  return JsonAt(root, path).is_array();
}

}  // namespace vigil::audit
