#include "common/clock.h"

#include <cstdio>
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

uint64_t ParseRfc3339(std::string_view text) {
  int year, month, day, hour, minute, second;
  int consumed = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 || year < 1970) {
    return 0;
  }
  std::string_view rest = text.substr(static_cast<std::size_t>(consumed));
  uint64_t fraction_ns = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    uint64_t scale = 100000000;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      fraction_ns += static_cast<uint64_t>(rest.front() - '0') * scale;
      scale /= 10;
      rest.remove_prefix(1);
    }
  }
  int64_t offset_s = 0;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    int oh = 0, om = 0;
    std::string zone(rest.substr(1));
    if (std::sscanf(zone.c_str(), "%2d:%2d", &oh, &om) == 2) {
      offset_s = (rest.front() == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    }
  }
  tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  int64_t seconds = static_cast<int64_t>(timegm(&utc)) - offset_s;
  if (seconds < 0) return 0;
  return static_cast<uint64_t>(seconds) * 1000000000ull + fraction_ns;
}

std::string FormatTimeOfDay(uint64_t wall_ns) {
  time_t seconds = static_cast<time_t>(wall_ns / 1000000000ull);
  tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:02}:{:02}:{:02}.{:09}", local.tm_hour, local.tm_min, local.tm_sec,
                     wall_ns % 1000000000ull);
}

}  // namespace vigil
