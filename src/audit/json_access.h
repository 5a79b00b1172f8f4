// Reading members of untrusted JSON (Docker Engine API answers) without throwing: a missing
// or mistyped member reads as empty, false or nullopt, never as a crash (DESIGN.md §5 rule 3).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace vigil::audit {

using Json = nlohmann::json;

// The member at `path` (object keys, outermost first); a static null when any step is missing
// or not an object. The reference stays valid as long as `root` does.
const Json& JsonAt(const Json& root, std::initializer_list<const char*> path);
// The string at `path`; empty when missing or not a string.
std::string JsonString(const Json& root, std::initializer_list<const char*> path);
// The boolean at `path`; nullopt when missing or not a boolean.
std::optional<bool> JsonBool(const Json& root, std::initializer_list<const char*> path);
// The integer at `path`; nullopt when missing or not an integer (floats with no fraction
// count, as some engines write limits that way).
std::optional<int64_t> JsonInt(const Json& root, std::initializer_list<const char*> path);
// Every string element of the array at `path`; other elements are skipped.
std::vector<std::string> JsonStrings(const Json& root, std::initializer_list<const char*> path);
// True when the member at `path` is an array (possibly empty).
bool JsonIsArray(const Json& root, std::initializer_list<const char*> path);

}  // namespace vigil::audit
