// Runs the checks on one container (or on the daemon) and applies the policy: severity
// overrides, checks turned off, exemptions by container label. Pure: no I/O.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "audit/check.h"

namespace vigil::audit {

struct ExemptedFinding {
  Finding finding;
  std::string reason;  // the exemption's reason; may be empty
};

struct ContainerReport {
  std::string id;  // first 12 characters of the engine's id
  std::string full_id;
  std::string name;               // without Docker's leading '/'
  std::string image;              // as the container was created from
  std::string state;              // created, running, exited, ...
  std::vector<Finding> findings;  // worst first; within a severity, in check order
  std::vector<ExemptedFinding> exempted;
};

struct DaemonReport {
  bool available = false;  // false: /info did not answer, no daemon checks ran
  std::string name;        // the engine's host name
  std::string version;
  std::vector<Finding> findings;  // worst first
};

struct AuditReport {
  DaemonReport daemon;
  std::vector<ContainerReport> containers;  // in the order audited
};

ContainerReport AuditContainer(const AuditInput& input, const Policy& policy);
// The daemon checks; `input` carries daemon info and the bridge network, no container.
DaemonReport AuditDaemon(const AuditInput& input, const Policy& policy);

// Findings per severity, indexed by Severity.
std::array<int, kSeverityCount> CountBySeverity(const std::vector<Finding>& findings);
// Whether any finding of the report (containers or daemon) is at least `threshold`.
bool ReachesSeverity(const AuditReport& report, Severity threshold);

}  // namespace vigil::audit
