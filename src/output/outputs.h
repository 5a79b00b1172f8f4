// Every output a config enables, behind one AlertSink: the event loop emits an alert once;
// the rate limits and deduplication (output/gate.h) decide whether it goes out, then each
// output queues it for its own thread. Internal alerts pass the gate untouched.
//
// Not thread-safe: owned by the event loop (the outputs' threads are behind Output).
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "output/gate.h"
#include "output/metrics.h"
#include "output/output.h"
#include "output/sink.h"

namespace vigil::output {

class Outputs final : public AlertSink {
 public:
  // `stdout_stream`: where stdout_output writes (a test may pass another stream).
  explicit Outputs(std::FILE* stdout_stream = stdout) : stdout_(stdout_stream) {}
  ~Outputs() override;

  // Builds (or, on reload, rebuilds) the outputs and the gate from `config`. An output whose
  // settings did not change is kept with its queue; a changed one is closed (what it holds is
  // delivered within a grace period) and opened anew.
  void Configure(const config::Config& config);

  void Emit(const Alert& alert) override;
  void Flush() override {}
  // SIGUSR1: files are opened anew (logrotate renamed them).
  void Reopen();
  // Internal alerts to emit now: alerts the outputs dropped since the last report (at most one
  // every `kDropReportIntervalNs` after the first), and held-back counts no later alert carried.
  std::vector<Alert> Check(uint64_t now_ns, bool final = false);
  // At stop: delivers what is queued within `grace`.
  void Close(std::chrono::milliseconds grace);

  std::vector<std::pair<std::string, OutputStats>> Stats() const;
  const AlertGate& gate() const { return gate_; }
  // Alerts the gates held back since start (a reload that changes the limits keeps the count).
  uint64_t suppressed_total() const { return suppressed_before_ + gate_.suppressed_total(); }
  // Alerts emitted (before the gate), per rule and priority.
  const AlertsByRule& alerts_by_rule() const { return alerts_by_rule_; }

  static constexpr uint64_t kDropReportIntervalNs = 30'000'000'000ull;
  static constexpr auto kGrace = std::chrono::milliseconds(3000);

 private:
  struct Slot {
    std::string spec;  // the settings it was built with, to tell a change on reload
    std::unique_ptr<Output> output;
    uint64_t reported_dropped = 0;
  };
  void Put(const std::string& name, bool enabled, const std::string& spec,
           const std::function<std::unique_ptr<Output>()>& make);
  std::optional<Alert> DropAlert(uint64_t now_ns, bool final);

  std::FILE* stdout_;
  std::map<std::string, Slot> slots_;
  AlertGate gate_;
  AlertsByRule alerts_by_rule_;
  uint64_t suppressed_before_ = 0;
  std::vector<Alert> pending_internal_;  // for the next Check()
  uint64_t carried_dropped_ = 0;         // dropped by outputs closed since the last report
  uint64_t last_drop_alert_ns_ = 0;
  bool drop_alerted_ = false;
  uint64_t dropped_total_ = 0;
};

}  // namespace vigil::output
