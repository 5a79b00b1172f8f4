// How bad an audit finding is: critical, high, medium, low, info (most to least severe).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "events/alert.h"

namespace vigil::audit {

// Ordered: a larger value is more severe, so findings sort and compare with < and >.
enum class Severity : uint8_t { kInfo = 0, kLow, kMedium, kHigh, kCritical };

inline constexpr int kSeverityCount = 5;

// "critical", "high", "medium", "low", "info".
std::string_view SeverityName(Severity severity);
// Accepts the names above in any case; nullopt otherwise.
std::optional<Severity> ParseSeverity(std::string_view text);
// The alert priority an audit finding raises in `vigil run`: critical -> Critical,
// high -> Error, medium -> Warning, low -> Notice, info -> Informational.
Priority SeverityPriority(Severity severity);

}  // namespace vigil::audit
