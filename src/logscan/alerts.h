// Findings as Falco-shaped alerts (DESIGN.md §3), source "logs".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/alert.h"
#include "events/container.h"
#include "logscan/parse.h"
#include "logscan/scanner.h"

namespace vigil::logscan {

// Where a line came from.
struct LineOrigin {
  std::string source;   // the file's path, "stdin", or "docker:<stream>" for a container's log
  uint64_t lineno = 0;  // 1-based, in the file or stream
  const ContainerInfo* container = nullptr;  // null: not a container's log
};

// Longest excerpt of the line an alert carries (escaped for display).
inline constexpr std::size_t kMaxLineExcerpt = 512;

Alert MakeAlert(const Finding& finding, const HttpRecord& record, std::string_view line,
                const LineOrigin& origin, const std::string& hostname, uint64_t time_ns);

}  // namespace vigil::logscan
