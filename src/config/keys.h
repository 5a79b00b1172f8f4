// The table of config keys: each dotted key with the setter that checks and stores its value.
// Internal to the config module (config.cpp walks files and settings with it).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace vigil::config {

// Stores the node's value into the config, or says why it cannot ("must be true or false").
using Setter = std::function<std::optional<std::string>(const YAML::Node&, Config&)>;

struct KeySpec {
  std::string_view name;  // dotted
  Setter set;
};

const std::vector<KeySpec>& KeySpecs();
const KeySpec* FindKey(std::string_view name);
// True when some key lies below `name` ("file_output" for "file_output.enabled").
bool IsSection(std::string_view name);
// True for Falco keys (or sections) vigil accepts and ignores; `why` says what Falco does.
bool IsIgnoredFalcoKey(std::string_view name, std::string* why);
// The known key closest to `name` by edit distance, when close enough to be a typo.
std::optional<std::string_view> ClosestKey(std::string_view name);

}  // namespace vigil::config
