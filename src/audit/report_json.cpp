#include "audit/report.h"

namespace vigil::audit {
namespace {

using nlohmann::json;

json FindingJson(const Finding& finding) {
  json out = {{"check", finding.check},
              {"severity", std::string(SeverityName(finding.severity))},
              {"detail", finding.detail}};
  if (const Check* check = FindCheck(finding.check)) {
    out["title"] = std::string(check->title);
    out["rationale"] = std::string(check->rationale);
    out["remediation"] = std::string(check->remediation);
    out["cis"] = check->cis.empty() ? json(nullptr) : json(std::string(check->cis));
  }
  return out;
}

json FindingsJson(const std::vector<Finding>& findings) {
  json out = json::array();
  for (const Finding& finding : findings) out.push_back(FindingJson(finding));
  return out;
}

json CountsJson(const std::array<int, kSeverityCount>& counts) {
  json out = json::object();
  for (int s = kSeverityCount - 1; s >= 0; --s) {
    out[std::string(SeverityName(static_cast<Severity>(s)))] = counts[s];
  }
  return out;
}

json ContainerJson(const ContainerReport& c) {
  json exempted = json::array();
  for (const ExemptedFinding& e : c.exempted) {
    json item = FindingJson(e.finding);
    item["reason"] = e.reason;
    exempted.push_back(std::move(item));
  }
  return {
      {"container", {{"id", c.id}, {"full_id", c.full_id}, {"name", c.name}, {"state", c.state}}},
      {"image", c.image},
      {"counts", CountsJson(CountBySeverity(c.findings))},
      {"findings", FindingsJson(c.findings)},
      {"exempted", std::move(exempted)}};
}

}  // namespace

json ReportJson(const AuditReport& report, std::string_view policy_source) {
  std::array<int, kSeverityCount> totals = CountBySeverity(report.daemon.findings);
  json containers = json::array();
  for (const ContainerReport& c : report.containers) {
    auto counts = CountBySeverity(c.findings);
    for (int s = 0; s < kSeverityCount; ++s) totals[s] += counts[s];
    containers.push_back(ContainerJson(c));
  }
  json daemon = nullptr;
  if (report.daemon.available) {
    daemon = {{"name", report.daemon.name},
              {"version", report.daemon.version},
              {"counts", CountsJson(CountBySeverity(report.daemon.findings))},
              {"findings", FindingsJson(report.daemon.findings)}};
  }
  json summary = CountsJson(totals);
  summary["containers"] = report.containers.size();
  return {{"policy", policy_source.empty() ? json(nullptr) : json(std::string(policy_source))},
          {"daemon", std::move(daemon)},
          {"containers", std::move(containers)},
          {"summary", std::move(summary)}};
}

std::string RenderJson(const AuditReport& report, std::string_view policy_source) {
  return ReportJson(report, policy_source).dump(2, ' ', false, json::error_handler_t::replace);
}

std::string RenderSarif(const AuditReport& report, std::string_view tool_version) {
  return ReportSarif(report, tool_version).dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace vigil::audit
