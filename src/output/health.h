// What the agent says about itself: a rate-limited internal alert when events were lost, and
// the periodic stats line of `vigil run --stats`. Pure: it is handed counters and the time,
// so it is unit-tested without a kernel. Not thread-safe; owned by the agent's main loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/alert.h"

namespace vigil::output {

// Cumulative counters since start, sampled by the agent.
struct HealthCounters {
  uint64_t events = 0;           // evaluated by the rules
  uint64_t alerts = 0;
  uint64_t kernel_sent = 0;      // records the kernel put in the ring buffer
  uint64_t kernel_filtered = 0;  // opens no rule wants, kept in the kernel
  uint64_t kernel_dropped = 0;   // records lost: ring buffer full
  uint64_t decode_errors = 0;    // records lost in user space: undecodable
  std::vector<uint64_t> kernel_dropped_per_cpu;
  std::vector<std::pair<std::string, uint64_t>> kernel_dropped_by_kind;  // "exec", "open", ...
  uint64_t cpu_ns = 0;           // the agent's own CPU time, user + system
  uint64_t rss_bytes = 0;        // the agent's resident memory
  uint64_t ring_buffer_bytes = 0;  // the kernel ring buffer, mapped twice into the agent
  uint64_t processes = 0;          // state now: processes tracked (live and recently exited)
  uint64_t containers = 0;         // state now: containers with metadata
  // Time spent evaluating rules, estimated from one event in EventPipeline::kEvalSampleEvery
  // (timing every event would cost more than many rules do).
  uint64_t rule_eval_ns = 0;
  // Baselines: profiles held, and alerts raised on new behaviour.
  uint64_t baseline_profiles = 0;
  uint64_t baseline_deviations = 0;
};

// Says when events were lost: the first loss at once, then at most one alert per
// `min_interval_ns`, each carrying what was lost since the previous one (nothing is dropped
// from the count while an alert is held back).
class DropReporter {
 public:
  static constexpr uint64_t kDefaultIntervalNs = 30'000'000'000ull;
  explicit DropReporter(uint64_t min_interval_ns = kDefaultIntervalNs)
      : min_interval_ns_(min_interval_ns) {}

  // `now_ns` is the wall clock. Returns the alert to emit, if any; `final` (at stop) reports
  // what is left regardless of the interval.
  std::optional<Alert> Check(const HealthCounters& counters, uint64_t now_ns, bool final = false);

 private:
  uint64_t min_interval_ns_;
  uint64_t reported_kernel_ = 0;
  uint64_t reported_decode_ = 0;
  uint64_t reported_events_ = 0;
  uint64_t last_alert_ns_ = 0;
  bool alerted_ = false;
};

// One line of rates over the interval between two samples, and totals:
// "stats: 1234 events/s evaluated, ... 0 dropped (0 since start) ... cpu 1.2% rss 9.8 MB".
std::string FormatStats(const HealthCounters& previous, const HealthCounters& now,
                        double seconds);

}  // namespace vigil::output
