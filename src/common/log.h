// Diagnostics on stderr: `[vigil] warning: ...`. Thread-safe (one mutex, never on the per-event
// hot path). Alerts never go through here: they are output, not diagnostics.
#pragma once

#include <string_view>

#include <fmt/core.h>

namespace vigil::log {

enum class Level { kDebug, kInfo, kWarning, kError };

void SetLevel(Level level);
Level GetLevel();
void Write(Level level, std::string_view message);

template <class... Args>
void Debug(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLevel() <= Level::kDebug) Write(Level::kDebug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void Info(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLevel() <= Level::kInfo) Write(Level::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void Warning(fmt::format_string<Args...> f, Args&&... args) {
  Write(Level::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void Error(fmt::format_string<Args...> f, Args&&... args) {
  Write(Level::kError, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace vigil::log
