// Time conversions. The kernel stamps events with CLOCK_BOOTTIME (it keeps counting through
// suspend and never jumps); alerts carry wall-clock time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

uint64_t WallClockNs();
uint64_t BootClockNs();
// Offset to add to a CLOCK_BOOTTIME stamp to get wall-clock ns since the epoch.
int64_t BootToWallOffsetNs();

// RFC 3339 in UTC with nanoseconds: 2026-11-26T23:26:49.123456789Z
std::string FormatRfc3339(uint64_t wall_ns);
// Parses RFC 3339 ("2026-11-26T23:26:49.123456789Z", offsets too) to wall ns; 0 if unparsable
// or before the epoch (Docker reports "0001-01-01T00:00:00Z" for never-started containers).
uint64_t ParseRfc3339(std::string_view text);
// Falco's text alert time: local time of day with nanoseconds, 23:26:49.123456789
std::string FormatTimeOfDay(uint64_t wall_ns);

}  // namespace vigil
