#include <fmt/core.h>

#include <algorithm>

#include "audit/report.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

std::string_view Colour(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "\033[1;31m";
    case Severity::kHigh:
      return "\033[31m";
    case Severity::kMedium:
      return "\033[33m";
    case Severity::kLow:
      return "\033[36m";
    case Severity::kInfo:
      return "\033[2m";
  }
  return "";
}

constexpr std::string_view kReset = "\033[0m";

// `text` padded to `width`, in the severity's colour when asked (padding outside the colour
// codes so columns stay aligned).
std::string Painted(std::string_view text, std::size_t width, Severity severity, bool color) {
  std::string padded = fmt::format("{:<{}}", text, width);
  if (!color) return padded;
  return fmt::format("{}{}{}{}", Colour(severity), text, kReset, padded.substr(text.size()));
}

std::string Clip(std::string_view text, std::size_t width) {
  std::string shown = EscapeForDisplay(text);
  if (shown.size() <= width) return shown;
  return shown.substr(0, width - 2) + "..";
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

std::string CountCells(const std::vector<Finding>& findings, bool color) {
  auto counts = CountBySeverity(findings);
  std::string cells;
  for (int s = kSeverityCount - 1; s >= 0; --s) {
    const auto severity = static_cast<Severity>(s);
    std::string number = fmt::format("{:>4}", counts[s]);
    if (color && counts[s] > 0) number = fmt::format("{}{}{}", Colour(severity), number, kReset);
    cells += number + " ";
  }
  return cells;
}

bool WorseThan(const ContainerReport& a, const ContainerReport& b) {
  auto ca = CountBySeverity(a.findings);
  auto cb = CountBySeverity(b.findings);
  return std::lexicographical_compare(cb.rbegin(), cb.rend(), ca.rbegin(), ca.rend());
}

void FindingLines(std::string& out, const std::vector<Finding>& findings, bool color) {
  if (findings.empty()) out += "  no findings\n";
  for (const Finding& finding : findings) {
    out += fmt::format("  {} {:<25} {}\n",
                       Painted(Upper(SeverityName(finding.severity)), 8, finding.severity, color),
                       finding.check, finding.detail);
  }
}

}  // namespace

std::string RenderTable(const AuditReport& report, bool color) {
  std::vector<const ContainerReport*> rows;
  for (const auto& container : report.containers) rows.push_back(&container);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto* a, const auto* b) { return WorseThan(*a, *b); });

  std::string out = fmt::format("{:<12}  {:<24}  {:<28}  CRIT HIGH  MED  LOW INFO  WORST\n",
                                "CONTAINER", "NAME", "IMAGE");
  for (const auto* c : rows) {
    out += fmt::format("{:<12}  {:<24}  {:<28}  {} {}\n", c->id, Clip(c->name, 24),
                       Clip(c->image, 28), CountCells(c->findings, color),
                       c->findings.empty() ? "-" : c->findings.front().check);
  }
  if (report.daemon.available) {
    out += fmt::format("{:<12}  {:<24}  {:<28}  {} {}\n", "daemon", Clip(report.daemon.name, 24),
                       Clip("docker " + report.daemon.version, 28),
                       CountCells(report.daemon.findings, color),
                       report.daemon.findings.empty() ? "-" : report.daemon.findings.front().check);
  }
  for (const auto* c : rows) {
    out += fmt::format("\n{} {} ({}, {})\n", c->id, EscapeForDisplay(c->name),
                       EscapeForDisplay(c->image), EscapeForDisplay(c->state));
    FindingLines(out, c->findings, color);
    for (const ExemptedFinding& e : c->exempted) {
      out += fmt::format("  exempted {:<25} {}{}\n", e.finding.check, e.finding.detail,
                         e.reason.empty() ? "" : " [" + EscapeForDisplay(e.reason) + "]");
    }
  }
  if (report.daemon.available) {
    out += fmt::format("\ndaemon {} (docker {})\n", EscapeForDisplay(report.daemon.name),
                       EscapeForDisplay(report.daemon.version));
    FindingLines(out, report.daemon.findings, color);
  }
  if (rows.empty()) out += "\nno containers to audit\n";
  return out;
}

std::string RenderCheckList() {
  std::string out =
      fmt::format("{:<25} {:<9} {:<9} {:<5} {}\n", "CHECK", "SEVERITY", "SCOPE", "CIS", "TITLE");
  for (const Check& check : AllChecks()) {
    out += fmt::format("{:<25} {:<9} {:<9} {:<5} {}\n", check.id, SeverityName(check.severity),
                       check.scope == Scope::kDaemon ? "daemon" : "container",
                       check.cis.empty() ? "-" : check.cis, check.title);
  }
  return out;
}

std::string RenderCheckMarkdown() {
  auto cell = [](std::string_view text) {
    std::string out(text);
    for (char& c : out) c = c == '|' ? '/' : c;
    return out;
  };
  std::string out =
      "| check | severity | scope | CIS | what it means | remediation |\n"
      "|---|---|---|---|---|---|\n";
  for (const Check& check : AllChecks()) {
    out += fmt::format(
        "| `{}` | {} | {} | {} | **{}.** {} | {} |\n", check.id, SeverityName(check.severity),
        check.scope == Scope::kDaemon ? "daemon" : "container", check.cis.empty() ? "-" : check.cis,
        cell(check.title), cell(check.rationale), cell(check.remediation));
  }
  return out;
}

}  // namespace vigil::audit
