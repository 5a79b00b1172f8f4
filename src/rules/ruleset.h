// A loaded, compiled set of rules, indexed by event type: an event is only tested against the
// rules that can match its type.
//
// Immutable after Build(); Match() may be called from one thread at a time per EvalContext.
#pragma once

#include <array>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "events/alert.h"
#include "events/open_filter.h"
#include "rules/compiler.h"
#include "rules/output_format.h"
#include "rules/tcp_data_interest.h"

namespace vigil::rules {

struct Rule {
  std::string name;
  std::string description;
  Priority priority = Priority::kWarning;
  std::vector<std::string> tags;
  std::string source = "syscall";
  bool enabled = true;
  std::string condition_text;
  std::string output_text;
  std::string file;
  int line = 0;
  CompiledCondition condition;
  OutputFormat output;
  OpenFilter open_filter;  // the opens this rule could match (rules/open_interest.h)
  TcpDataTypes tcp_data;   // the data calls on TCP sockets it could match (tcp_data_interest.h)
};

class RuleSet {
 public:
  explicit RuleSet(std::vector<std::unique_ptr<Rule>> rules, std::size_t field_slots);

  // Calls `on_match(const Rule&)` for every enabled rule, at or above the minimum priority,
  // whose condition holds for the context's current event. Every matching rule alerts
  // ("rule_matching: all"): each rule is a separate detection, and the order rules happen to
  // load in should not hide one behind another.
  template <class OnMatch>
  void Match(EvalContext& ctx, EventType type, OnMatch&& on_match) const {
    for (const Rule* rule : by_type_[static_cast<std::size_t>(type)]) {
      if (rule->condition.filter->Eval(ctx)) on_match(*rule);
    }
  }

  // Keeps only rules at `min` or more severe (Emergency is the most severe).
  void SetMinimumPriority(Priority min);
  // The event types some active rule can match: what the sensor must deliver.
  EventTypeSet EventTypesInUse() const;
  // The opens some active rule could match: what the sensor's open probes must deliver.
  OpenFilter OpenFilterInUse() const;
  // The data calls (sendto, sendmsg, recvfrom, recvmsg) on TCP sockets some active rule could
  // match; the sensor drops the others' TCP records in the kernel.
  TcpDataTypes TcpDataInUse() const;
  // Whether some active rule reads `field` (in its condition or output), with or without an
  // argument: ReadsField("proc.env") is true for %proc.env and proc.env[HOME] alike.
  bool ReadsField(std::string_view field) const;
  // The domain names active rules compare addresses with (fd.sip.name = example.com): what
  // must be resolved for them to match.
  std::set<std::string> DomainNamesInUse() const;
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  std::size_t field_slots() const { return field_slots_; }
  std::size_t active_count() const;

 private:
  void Index();

  std::vector<std::unique_ptr<Rule>> rules_;
  std::array<std::vector<const Rule*>, kEventTypeCount> by_type_;
  Priority min_priority_ = Priority::kDebug;
  std::size_t field_slots_;
};

}  // namespace vigil::rules
