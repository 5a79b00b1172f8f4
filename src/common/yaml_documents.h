// Where a text's second YAML document starts. yaml-cpp's YAML::Load reads the first document
// and silently drops the rest (a wrong indentation can start a second one); its LoadAll never
// returns on some inputs (an anchor on an empty document: found by fuzzing). This parses
// events only, building nothing. No project knowledge; thread-safe.
#pragma once

#include <optional>
#include <string>

namespace vigil {

struct YamlPosition {
  int line = 0;    // 0-based, as yaml-cpp's Mark
  int column = 0;  // 0-based
};

// The position of the second document's first event, or nullopt when there is at most one
// document. Malformed YAML is not reported here (the caller's Load does that): nullopt.
std::optional<YamlPosition> SecondYamlDocument(const std::string& text);

}  // namespace vigil
