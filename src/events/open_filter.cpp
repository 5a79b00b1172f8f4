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
  containers = containers || o.containers;
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
  if (containers) add("every open in containers");
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

namespace {

// `outer` covers `inner` when it is a component-wise prefix of it; a '*' in `outer` matches
// any one component, a '*' in `inner` only a '*'.
bool PrefixCovers(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  if (outer.size() > inner.size()) return false;
  for (std::size_t i = 0; i < outer.size(); ++i) {
    if (outer[i] != "*" && outer[i] != inner[i]) return false;
  }
  return true;
}

bool AnyPrefixCovers(const std::vector<std::vector<std::string>>& outers,
                     const std::vector<std::string>& inner) {
  return std::any_of(outers.begin(), outers.end(),
                     [&](const auto& outer) { return PrefixCovers(outer, inner); });
}

std::string PathOf(const std::vector<std::string>& components) {
  std::string out;
  for (const auto& c : components) out += "/" + c;
  return out.empty() ? "/" : out;
}

std::string FirstMissing(const OpenFilter& a, const OpenFilter& w) {
  if (a.pass_all) return "";
  if (w.pass_all) return "every open";
  if (w.writes && !a.writes) return "opens for writing";
  if (w.failures && !a.failures) return "failed opens";
  if (w.raw_dotdot && !a.raw_dotdot) return "paths with ../";
  if (w.containers && !a.containers) return "every open in containers";
  if (w.gated_dotdot && !a.raw_dotdot) {
    if (!a.gated_dotdot) return "paths with ../";
    for (const auto& p : w.dotdot_gate_prefixes) {
      if (!AnyPrefixCovers(a.dotdot_gate_prefixes, p)) return "paths with ../ to " + PathOf(p);
    }
    for (const auto& n : w.dotdot_gate_contains) {
      if (!a.dotdot_gate_contains.contains(n)) return "paths with ../ and " + n;
    }
  }
  for (const auto& c : w.comms) {
    if (!a.comms.contains(c)) return "opens by program " + c;
  }
  for (const auto& l : w.leaves) {
    if (!a.leaves.contains(l)) return "opens of files named " + l;
  }
  for (const auto& p : w.parents) {
    if (!a.parents.contains(p)) return "opens in directories named " + p;
  }
  for (const auto& p : w.prefixes) {
    if (!AnyPrefixCovers(a.prefixes, p)) return "opens under " + PathOf(p);
  }
  return "";
}

}  // namespace

bool OpenFilterCovers(const OpenFilter& attached, const OpenFilter& wanted, std::string* missing) {
  std::string first = FirstMissing(attached, wanted);
  if (missing) *missing = first;
  return first.empty();
}

}  // namespace vigil
