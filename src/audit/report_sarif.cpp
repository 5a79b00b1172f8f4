#include <fmt/core.h>

#include "audit/report.h"

namespace vigil::audit {
namespace {

using nlohmann::json;

std::string_view SarifLevel(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
    case Severity::kInfo:
      return "note";
  }
  return "note";
}

// GitHub ranks alerts by this score: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4.0.
std::string_view SecuritySeverity(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.5";
    case Severity::kLow:
      return "3.0";
    case Severity::kInfo:
      return "0.5";
  }
  return "0.5";
}

// Characters outside [A-Za-z0-9._~-] percent-encoded, for a URI path segment.
std::string UriSegment(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '~' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out.empty() ? "unnamed" : out;
}

// FNV-1a 64: a stable fingerprint so re-uploads match the same alert.
std::string Fingerprint(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return fmt::format("{:016x}", hash);
}

json Rule(const Check& check) {
  std::string tags_cis = check.cis.empty() ? "" : fmt::format("CIS-Docker-{}", check.cis);
  json tags = {"security", "container", check.scope == Scope::kDaemon ? "docker-daemon" : "docker"};
  if (!tags_cis.empty()) tags.push_back(tags_cis);
  return {{"id", std::string(check.id)},
          {"name", std::string(check.id)},
          {"shortDescription", {{"text", std::string(check.title)}}},
          {"fullDescription", {{"text", std::string(check.rationale)}}},
          {"help",
           {{"text", fmt::format("{}\n\nRemediation: {}", check.rationale, check.remediation)},
            {"markdown",
             fmt::format("{}\n\n**Remediation:** {}{}", check.rationale, check.remediation,
                         check.cis.empty()
                             ? ""
                             : fmt::format("\n\nCIS Docker Benchmark v1.6.0: {}", check.cis))}}},
          {"defaultConfiguration", {{"level", std::string(SarifLevel(check.severity))}}},
          {"properties",
           {{"tags", std::move(tags)},
            {"precision", "very-high"},
            {"security-severity", std::string(SecuritySeverity(check.severity))}}}};
}

int RuleIndex(std::string_view id) {
  int index = 0;
  for (const Check& check : AllChecks()) {
    if (check.id == id) return index;
    ++index;
  }
  return -1;
}

// `kind` is "container" or "daemon"; `name` the subject's name.
json Result(const Finding& finding, std::string_view kind, const std::string& name,
            const json& properties, const std::string& subject_text) {
  const std::string uri = fmt::format("{}/{}", kind, UriSegment(name));
  json result = {{"ruleId", finding.check},
                 {"level", std::string(SarifLevel(finding.severity))},
                 {"message", {{"text", fmt::format("{}: {}", subject_text, finding.detail)}}},
                 {"locations",
                  {{{"physicalLocation",
                     {{"artifactLocation", {{"uri", uri}}}, {"region", {{"startLine", 1}}}}},
                    {"logicalLocations",
                     {{{"name", name}, {"fullyQualifiedName", uri}, {"kind", "resource"}}}}}}},
                 {"partialFingerprints",
                  {{"vigilFinding/v1",
                    Fingerprint(fmt::format("{}|{}|{}", finding.check, uri, finding.detail))}}},
                 {"properties", properties}};
  result["properties"]["severity"] = std::string(SeverityName(finding.severity));
  if (int index = RuleIndex(finding.check); index >= 0) result["ruleIndex"] = index;
  return result;
}

}  // namespace

json ReportSarif(const AuditReport& report, std::string_view tool_version) {
  json rules = json::array();
  for (const Check& check : AllChecks()) rules.push_back(Rule(check));
  json results = json::array();
  for (const ContainerReport& c : report.containers) {
    json properties = {
        {"container.id", c.id}, {"container.name", c.name}, {"image", c.image}, {"state", c.state}};
    std::string subject = fmt::format("container {} ({}, image {})", c.name, c.id, c.image);
    for (const Finding& f : c.findings)
      results.push_back(Result(f, "container", c.name, properties, subject));
  }
  if (report.daemon.available) {
    json properties = {{"daemon.name", report.daemon.name},
                       {"daemon.version", report.daemon.version}};
    std::string subject = fmt::format("docker daemon on {}", report.daemon.name);
    for (const Finding& f : report.daemon.findings) {
      results.push_back(Result(f, "daemon", report.daemon.name, properties, subject));
    }
  }
  json driver = {{"name", "vigil"},
                 {"version", std::string(tool_version)},
                 {"semanticVersion", std::string(tool_version)},
                 {"rules", std::move(rules)}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs",
           {{{"tool", {{"driver", std::move(driver)}}},
             {"automationDetails", {{"id", "vigil-audit/"}}},
             {"results", std::move(results)}}}}};
}

}  // namespace vigil::audit
