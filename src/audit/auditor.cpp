#include "audit/auditor.h"

#include <algorithm>

#include "common/glob.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

void RunChecks(Scope scope, const CheckContext& context, std::vector<Finding>& out) {
  for (const Check& check : AllChecks()) {
    if (check.scope != scope) continue;
    auto override = context.policy.severity_overrides.find(std::string(check.id));
    const bool has_override = override != context.policy.severity_overrides.end();
    if (has_override && !override->second) continue;  // turned off
    const std::size_t first = out.size();
    FindingSink sink(check.id, check.severity, out);
    check.evaluate(context, sink);
    if (has_override) {
      for (std::size_t i = first; i < out.size(); ++i) out[i].severity = *override->second;
    }
  }
}

void SortWorstFirst(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
}

// The exemption that covers `check` for a container with these labels; null if none.
const Exemption* ExemptionFor(const Policy& policy, const Json& labels, const std::string& check) {
  for (const Exemption& exemption : policy.exemptions) {
    bool labels_match = !exemption.labels.empty();
    for (const auto& [key, pattern] : exemption.labels) {
      auto it = labels.is_object() ? labels.find(key) : labels.end();
      labels_match = labels_match && it != labels.end() && it->is_string() &&
                     GlobMatch(pattern, it->template get<std::string>());
    }
    if (!labels_match) continue;
    for (const std::string& pattern : exemption.checks) {
      if (GlobMatch(pattern, check)) return &exemption;
    }
  }
  return nullptr;
}

}  // namespace

ContainerReport AuditContainer(const AuditInput& input, const Policy& policy) {
  ContainerReport report;
  const Json& container = input.container;
  report.full_id = JsonString(container, {"Id"});
  // Engines give hex ids; anything else is shown escaped rather than cut mid-character.
  report.id = IsHex(std::string_view(report.full_id).substr(0, 12))
                  ? report.full_id.substr(0, 12)
                  : EscapeForDisplay(report.full_id, 12);
  report.name = JsonString(container, {"Name"});
  if (!report.name.empty() && report.name.front() == '/') report.name.erase(0, 1);
  report.image = JsonString(container, {"Config", "Image"});
  report.state = JsonString(container, {"State", "Status"});

  std::vector<Finding> findings;
  RunChecks(Scope::kContainer, CheckContext{input, policy}, findings);
  const Json& labels = JsonAt(container, {"Config", "Labels"});
  for (Finding& finding : findings) {
    if (const Exemption* exemption = ExemptionFor(policy, labels, finding.check)) {
      report.exempted.push_back({std::move(finding), exemption->reason});
    } else {
      report.findings.push_back(std::move(finding));
    }
  }
  SortWorstFirst(report.findings);
  return report;
}

DaemonReport AuditDaemon(const AuditInput& input, const Policy& policy) {
  DaemonReport report;
  report.available = input.daemon.is_object();
  if (!report.available) return report;
  report.name = JsonString(input.daemon, {"Name"});
  report.version = JsonString(input.daemon, {"ServerVersion"});
  RunChecks(Scope::kDaemon, CheckContext{input, policy}, report.findings);
  SortWorstFirst(report.findings);
  return report;
}

std::array<int, kSeverityCount> CountBySeverity(const std::vector<Finding>& findings) {
  std::array<int, kSeverityCount> counts{};
  for (const Finding& finding : findings) ++counts[static_cast<int>(finding.severity)];
  return counts;
}

bool ReachesSeverity(const AuditReport& report, Severity threshold) {
  auto reaches = [&](const std::vector<Finding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.severity >= threshold; });
  };
  if (reaches(report.daemon.findings)) return true;
  return std::any_of(report.containers.begin(), report.containers.end(),
                     [&](const ContainerReport& c) { return reaches(c.findings); });
}

}  // namespace vigil::audit
