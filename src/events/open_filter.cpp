#include "events/open_filter.h"

#include <fmt/core.h>

namespace vigil {

void OpenFilter::Merge(const OpenFilter& o) {
  if (o.pass_all) pass_all = true;
  writes = writes || o.writes;
  failures = failures || o.failures;
  raw_dotdot = raw_dotdot || o.raw_dotdot;
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
  if (failures) add("failures");
  if (raw_dotdot) add("paths with ../");
  if (!comms.empty()) add(fmt::format("{} program names", comms.size()));
  if (!leaves.empty()) add(fmt::format("{} file names", leaves.size()));
  if (!parents.empty()) add(fmt::format("{} directory names", parents.size()));
  if (!prefixes.empty()) add(fmt::format("{} path prefixes", prefixes.size()));
  return out.empty() ? "no opens" : out;
}

}  // namespace vigil
