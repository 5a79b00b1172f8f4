// Small string helpers with no project knowledge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

std::string_view Trim(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char separator);
std::string Join(const std::vector<std::string>& parts, std::string_view separator);
std::string ToLower(std::string_view s);
bool IsHex(std::string_view s);
std::optional<int64_t> ParseInt(std::string_view s);
std::optional<uint64_t> ParseUint(std::string_view s);
// Replaces control characters and non-UTF-8 bytes with escapes, for safe one-line display.
std::string EscapeForDisplay(std::string_view s, std::size_t max_length = SIZE_MAX);

}  // namespace vigil
