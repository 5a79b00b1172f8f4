#include "output/gate.h"

#include <fmt/core.h>

#include <algorithm>

namespace vigil::output {

bool AlertGate::TakeToken(RuleState& state, uint64_t now_ns) {
  if (options_.rate <= 0) return true;
  const double burst = static_cast<double>(options_.max_burst);
  if (!state.started) {
    state.started = true;
    state.tokens = burst;
    state.refilled_ns = now_ns;
  } else if (now_ns > state.refilled_ns) {
    const double elapsed_s = static_cast<double>(now_ns - state.refilled_ns) / 1e9;
    state.tokens = std::min(burst, state.tokens + elapsed_s * options_.rate);
    state.refilled_ns = now_ns;
  }
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}

bool AlertGate::Duplicate(const Alert& alert, uint64_t now_ns) {
  if (options_.dedup_window_ns == 0) return false;
  std::string key = alert.rule;
  key += '\0';
  key += alert.output;
  auto it = last_seen_.find(key);
  if (it != last_seen_.end() && now_ns - it->second < options_.dedup_window_ns) return true;
  if (last_seen_.size() >= kMaxDedupKeys) {
    std::erase_if(last_seen_, [&](const auto& entry) {
      return now_ns - entry.second >= options_.dedup_window_ns;
    });
    if (last_seen_.size() >= kMaxDedupKeys) last_seen_.clear();  // a flood of distinct alerts
  }
  last_seen_[std::move(key)] = now_ns;
  return false;
}

bool AlertGate::Admit(const Alert& alert, uint64_t now_ns, uint64_t* suppressed) {
  *suppressed = 0;
  if (!enabled()) return true;
  RuleState& state = rules_[alert.rule];
  // A duplicate takes no token: it would not have gone out anyway.
  if (Duplicate(alert, now_ns) || !TakeToken(state, now_ns)) {
    if (state.pending == 0) state.first_pending_ns = now_ns;
    ++state.pending;
    ++suppressed_total_;
    return false;
  }
  *suppressed = state.pending;
  state.pending = 0;
  return true;
}

std::optional<Alert> AlertGate::TakeUnreported(uint64_t now_ns, uint64_t after_ns, bool final) {
  std::vector<std::pair<std::string, uint64_t>> due;
  for (auto& [rule, state] : rules_) {
    if (state.pending == 0) continue;
    if (!final && now_ns - state.first_pending_ns < after_ns) continue;
    due.emplace_back(rule, state.pending);
    state.pending = 0;
  }
  if (due.empty()) return std::nullopt;
  std::sort(due.begin(), due.end());
  uint64_t total = 0;
  std::string list;
  for (const auto& [rule, n] : due) {
    total += n;
    if (!list.empty()) list += ", ";
    list += fmt::format("{}: {}", rule, n);
  }
  Alert alert;
  alert.time_ns = now_ns;
  alert.rule = "vigil internal: alerts suppressed";
  alert.priority = Priority::kNotice;
  alert.source = "internal";
  alert.tags = {"vigil", "internal"};
  alert.output = fmt::format(
      "vigil internal: alerts suppressed. {} alerts held back by rate limits or deduplication "
      "and not carried by a later alert of their rule ({})",
      total, list);
  alert.output_fields = {{"vigil.suppressed", total}, {"vigil.suppressed_by_rule", list}};
  return alert;
}

void MarkSuppressed(Alert& alert, uint64_t suppressed) {
  if (suppressed == 0) return;
  alert.output_fields.emplace_back("vigil.suppressed", suppressed);
  alert.output += fmt::format(" (vigil.suppressed={})", suppressed);
}

}  // namespace vigil::output
