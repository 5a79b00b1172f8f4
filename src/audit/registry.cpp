#include <vector>

#include "audit/check.h"

namespace vigil::audit {

std::span<const Check> AllChecks() {
  static const std::vector<Check> all = [] {
    std::vector<Check> checks;
    for (auto group : {PrivilegeChecks(), IsolationChecks(), MountChecks(), ResourceChecks(),
                       ImageChecks(), DriftChecks(), DaemonChecks()}) {
      checks.insert(checks.end(), group.begin(), group.end());
    }
    return checks;
  }();
  return all;
}

const Check* FindCheck(std::string_view id) {
  for (const Check& check : AllChecks()) {
    if (check.id == id) return &check;
  }
  return nullptr;
}

}  // namespace vigil::audit
