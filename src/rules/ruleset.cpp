#include "rules/ruleset.h"

namespace vigil::rules {

RuleSet::RuleSet(std::vector<std::unique_ptr<Rule>> rules, std::size_t field_slots)
    : rules_(std::move(rules)), field_slots_(field_slots) {
  Index();
}

void RuleSet::SetMinimumPriority(Priority min) {
  min_priority_ = min;
  Index();
}

void RuleSet::Index() {
  for (auto& list : by_type_) list.clear();
  for (const auto& rule : rules_) {
    if (!rule->enabled || rule->priority > min_priority_) continue;
    for (std::size_t t = 0; t < kEventTypeCount; ++t) {
      if (rule->condition.event_types.test(t)) by_type_[t].push_back(rule.get());
    }
  }
}

EventTypeSet RuleSet::EventTypesInUse() const {
  EventTypeSet in_use;
  for (std::size_t t = 0; t < kEventTypeCount; ++t) {
    if (!by_type_[t].empty()) in_use.set(t);
  }
  return in_use;
}

bool RuleSet::ReadsField(std::string_view field) const {
  auto is = [&](std::string_view name) {
    return name.starts_with(field) && (name.size() == field.size() || name[field.size()] == '[');
  };
  for (const auto& rule : rules_) {
    if (!rule->enabled || rule->priority > min_priority_) continue;
    for (const auto& name : rule->condition.fields) {
      if (is(name)) return true;
    }
    for (const auto& name : rule->output.FieldNames()) {
      if (is(name)) return true;
    }
  }
  return false;
}

std::set<std::string> RuleSet::DomainNamesInUse() const {
  std::set<std::string> names;
  for (const auto& rule : rules_) {
    if (!rule->enabled || rule->priority > min_priority_) continue;
    names.insert(rule->condition.domain_names.begin(), rule->condition.domain_names.end());
  }
  return names;
}

OpenFilter RuleSet::OpenFilterInUse() const {
  OpenFilter filter = OpenFilter::PassNone();
  for (const auto& rule : rules_) {
    if (!rule->enabled || rule->priority > min_priority_) continue;
    bool opens = false;
    for (std::size_t t = 0; t < kEventTypeCount; ++t) {
      opens = opens || (rule->condition.event_types.test(t) && IsOpenFamily(static_cast<EventType>(t)));
    }
    if (opens) filter.Merge(rule->open_filter);
  }
  return filter;
}

TcpDataTypes RuleSet::TcpDataInUse() const {
  TcpDataTypes in_use;
  for (const auto& rule : rules_) {
    if (!rule->enabled || rule->priority > min_priority_) continue;
    in_use |= rule->tcp_data & rule->condition.event_types;
  }
  return in_use;
}

std::size_t RuleSet::active_count() const {
  std::size_t n = 0;
  for (const auto& rule : rules_) {
    if (rule->enabled && rule->priority <= min_priority_) ++n;
  }
  return n;
}

}  // namespace vigil::rules
