#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace vigil::log {
namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mutex;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "?";
}
}  // namespace

void SetLevel(Level level) { g_level.store(level); }
Level GetLevel() { return g_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view message) {
  std::lock_guard lock(g_mutex);
  fmt::print(stderr, "[vigil] {}: {}\n", LevelName(level), message);
  std::fflush(stderr);
}

}  // namespace vigil::log
