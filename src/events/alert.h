// An Alert: what every detector (rules, baselines, logs, audit) hands to the outputs.
// Its JSON form is Falco's (DESIGN.md §3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace vigil {

enum class Priority : uint8_t {
  kEmergency = 0,
  kAlert,
  kCritical,
  kError,
  kWarning,
  kNotice,
  kInformational,
  kDebug,
};

// "Warning", as Falco prints it.
std::string_view PriorityName(Priority p);
// Accepts Falco's spellings, any case: EMERGENCY … DEBUG, INFO, INFORMATIONAL.
bool ParsePriority(std::string_view text, Priority* out);

// A typed output field; monostate is unknown (JSON null, text "<NA>").
using FieldJsonValue = std::variant<std::monostate, std::string, int64_t, uint64_t, bool>;

struct Alert {
  uint64_t time_ns = 0;  // wall clock
  std::string rule;
  Priority priority = Priority::kWarning;
  std::string output;
  std::vector<std::pair<std::string, FieldJsonValue>> output_fields;
  std::string source;  // syscall, logs, audit, baseline, internal
  std::vector<std::string> tags;
  std::string hostname;
};

}  // namespace vigil
