#include "audit/severity.h"

#include "common/strings.h"

namespace vigil::audit {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "critical";
    case Severity::kHigh:
      return "high";
    case Severity::kMedium:
      return "medium";
    case Severity::kLow:
      return "low";
    case Severity::kInfo:
      return "info";
  }
  return "info";
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  const std::string lower = ToLower(text);
  for (int i = 0; i < kSeverityCount; ++i) {
    auto severity = static_cast<Severity>(i);
    if (lower == SeverityName(severity)) return severity;
  }
  return std::nullopt;
}

Priority SeverityPriority(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return Priority::kCritical;
    case Severity::kHigh:
      return Priority::kError;
    case Severity::kMedium:
      return Priority::kWarning;
    case Severity::kLow:
      return Priority::kNotice;
    case Severity::kInfo:
      return Priority::kInformational;
  }
  return Priority::kInformational;
}

}  // namespace vigil::audit
