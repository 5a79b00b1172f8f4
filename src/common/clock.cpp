#include "common/clock.h"

#include <ctime>

#include <fmt/core.h>

namespace vigil {
namespace {
uint64_t Now(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace

uint64_t WallClockNs() { return Now(CLOCK_REALTIME); }
uint64_t BootClockNs() { return Now(CLOCK_BOOTTIME); }

int64_t BootToWallOffsetNs() {
  // Bracket the realtime read between two boottime reads to halve the error.
  uint64_t b1 = BootClockNs();
  uint64_t w = WallClockNs();
  uint64_t b2 = BootClockNs();
  return static_cast<int64_t>(w) - static_cast<int64_t>(b1 + (b2 - b1) / 2);
}

std::string FormatRfc3339(uint64_t wall_ns) {
  time_t seconds = static_cast<time_t>(wall_ns / 1000000000ull);
  tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, wall_ns % 1000000000ull);
}

std::string FormatTimeOfDay(uint64_t wall_ns) {
  time_t seconds = static_cast<time_t>(wall_ns / 1000000000ull);
  tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:02}:{:02}:{:02}.{:09}", local.tm_hour, local.tm_min, local.tm_sec,
                     wall_ns % 1000000000ull);
}

}  // namespace vigil
