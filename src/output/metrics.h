// The agent's metrics in Prometheus' text format (version 0.0.4), for GET /metrics. Pure: the
// event loop samples the counters and formats them; the web server only hands out the text.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "output/health.h"
#include "output/output.h"

namespace vigil::output {

// Alerts emitted, per rule and priority (indexed by Priority).
using AlertsByRule = std::map<std::string, std::array<uint64_t, 8>, std::less<>>;

struct MetricsSnapshot {
  HealthCounters counters;
  std::vector<std::pair<std::string, OutputStats>> outputs;
  AlertsByRule alerts_by_rule;
  uint64_t alerts_suppressed = 0;  // held back by rate limits and dedup
  uint64_t reloads_ok = 0;
  uint64_t reloads_rejected = 0;
};

std::string FormatPrometheus(const MetricsSnapshot& snapshot);

// A Prometheus label value: backslash, double quote and newline escaped.
std::string EscapeLabel(std::string_view value);

}  // namespace vigil::output
