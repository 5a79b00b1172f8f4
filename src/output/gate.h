// Per-rule rate limits and deduplication of identical alerts, before the outputs. Nothing is
// lost without a trace: the number of alerts held back is carried on the rule's next alert
// that goes out (output field `vigil.suppressed`), and what no later alert carried is
// reported by TakeUnreported() as an internal alert.
//
// Pure: it is handed the time, so it is unit-tested without clocks. Not thread-safe; owned by
// the event loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "events/alert.h"

namespace vigil::output {

struct GateOptions {
  double rate = 0;               // alerts a second per rule; 0: unlimited
  uint32_t max_burst = 1000;     // tokens a rule can save up
  uint64_t dedup_window_ns = 0;  // identical alerts (rule and output) within it are one; 0: off
  bool operator==(const GateOptions&) const = default;
};

class AlertGate {
 public:
  // Identical-alert keys remembered at most; beyond it the oldest window is forgotten early.
  static constexpr std::size_t kMaxDedupKeys = 100'000;

  explicit AlertGate(GateOptions options = {}) : options_(options) {}
  bool enabled() const { return options_.rate > 0 || options_.dedup_window_ns > 0; }
  const GateOptions& options() const { return options_; }

  // True when `alert` goes out; `*suppressed` is then the number of this rule's alerts held
  // back since its previous one went out (0 when none). False: held back and counted.
  bool Admit(const Alert& alert, uint64_t now_ns, uint64_t* suppressed);
  // The internal alert for rules whose held-back alerts no later alert of theirs carried
  // within `after_ns` of the first; null when there is nothing to report. `final` reports
  // everything (at stop).
  std::optional<Alert> TakeUnreported(uint64_t now_ns, uint64_t after_ns, bool final = false);

  uint64_t suppressed_total() const { return suppressed_total_; }

 private:
  struct RuleState {
    double tokens = 0;
    uint64_t refilled_ns = 0;
    bool started = false;
    uint64_t pending = 0;           // held back, not yet reported
    uint64_t first_pending_ns = 0;  // when the oldest of them was held back
  };
  bool TakeToken(RuleState& state, uint64_t now_ns);
  bool Duplicate(const Alert& alert, uint64_t now_ns);

  GateOptions options_;
  std::unordered_map<std::string, RuleState> rules_;
  std::unordered_map<std::string, uint64_t> last_seen_;  // rule + output -> last went out
  uint64_t suppressed_total_ = 0;
};

// Adds the `vigil.suppressed` field (and a note on the text) to an alert that carries a count.
void MarkSuppressed(Alert& alert, uint64_t suppressed);

}  // namespace vigil::output
