// The audit report in its three forms: a table for people, JSON for programs, SARIF 2.1.0 for
// GitHub code scanning and other SARIF consumers. Formats are described in docs/AUDIT.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "audit/auditor.h"

namespace vigil::audit {

// One row per container (worst first) and one for the daemon, then each subject's findings.
// `color`: ANSI colours (for a terminal).
std::string RenderTable(const AuditReport& report, bool color);

// {"daemon": {...}, "containers": [{"container": {"id", "name", ...}, "image", "findings": [...],
// ...}], "summary": {...}}
nlohmann::json ReportJson(const AuditReport& report, std::string_view policy_source);

// A SARIF 2.1.0 log: one run, every check as a rule, one result per finding with a logical
// location (the container) and the pseudo physical location GitHub requires.
nlohmann::json ReportSarif(const AuditReport& report, std::string_view tool_version);

// The two above as text (indented by 2). Bytes that are not UTF-8 (engine text cut by a
// length limit, or hostile) become U+FFFD instead of failing the dump.
std::string RenderJson(const AuditReport& report, std::string_view policy_source);
std::string RenderSarif(const AuditReport& report, std::string_view tool_version);

// A list of every check: id, severity, CIS id, title (`vigil audit --list-checks`).
std::string RenderCheckList();
// The same as a Markdown table with rationale and remediation (the table in docs/AUDIT.md).
std::string RenderCheckMarkdown();

}  // namespace vigil::audit
