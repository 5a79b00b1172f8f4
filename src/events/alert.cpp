#include "events/alert.h"

#include <array>

#include "common/strings.h"

namespace vigil {
namespace {
constexpr std::array<std::string_view, 8> kPriorityNames = {
    "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};
}  // namespace

std::string_view PriorityName(Priority p) { return kPriorityNames[static_cast<std::size_t>(p)]; }

bool ParsePriority(std::string_view text, Priority* out) {
  std::string lower = ToLower(Trim(text));
  if (lower == "info") lower = "informational";
  for (std::size_t i = 0; i < kPriorityNames.size(); ++i) {
    if (ToLower(kPriorityNames[i]) == lower) {
      *out = static_cast<Priority>(i);
      return true;
    }
  }
  return false;
}

}  // namespace vigil
