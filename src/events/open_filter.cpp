#include "events/open_filter.h"

#include <algorithm>

#include <fmt/core.h>

namespace vigil {

void OpenFilter::Merge(const OpenFilter& o) {
  if (o.pass_all) pass_all = true;
  writes = writes || o.writes;
  failures = failures || o.failures;
  failed_writes = failed_writes || o.failed_writes;
  raw_dotdot = raw_dotdot || o.raw_dotdot;
  gated_dotdot = gated_dotdot || o.gated_dotdot;
  for (const auto& p : o.dotdot_gate_prefixes) {
    if (std::find(dotdot_gate_prefixes.begin(), dotdot_gate_prefixes.end(), p) ==
        dotdot_gate_prefixes.end()) {
      dotdot_gate_prefixes.push_back(p);
    }
  }
  dotdot_gate_contains.insert(o.dotdot_gate_contains.begin(), o.dotdot_gate_contains.end());
  comms.insert(o.comms.begin(), o.comms.end());
  leaves.insert(o.leaves.begin(), o.leaves.end());
  parents.insert(o.parents.begin(), o.parents.end());
  for (const auto& p : o.prefixes) {
    bool known = false;
    for (const auto& q : prefixes) known = known || q == p;
    if (!known) prefixes.push_back(p);
  }
}

std::string OpenFilter::Describe() const {
  if (pass_all) return "all opens";
  std::string out;
  auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (writes) add("writes");
  if (failures) {
    add("failures");
  } else if (failed_writes && !writes) {
    add("failed writes");
  }
  if (raw_dotdot) {
    add("paths with ../");
  } else if (gated_dotdot) {
    add(fmt::format("paths with ../ to files under {} prefixes or with {} names in their path",
                    dotdot_gate_prefixes.size(), dotdot_gate_contains.size()));
  }
  if (!comms.empty()) add(fmt::format("{} program names", comms.size()));
  if (!leaves.empty()) add(fmt::format("{} file names", leaves.size()));
  if (!parents.empty()) add(fmt::format("{} directory names", parents.size()));
  if (!prefixes.empty()) add(fmt::format("{} path prefixes", prefixes.size()));
  return out.empty() ? "no opens" : out;
}

}  // namespace vigil
