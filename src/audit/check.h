// The audit's vocabulary: what a check is, what it looks at, and what it reports.
//
// A check is a pure function of Docker Engine API answers (container inspect, image inspect,
// daemon info, the container's filesystem changes) and the trust policy. Those answers are
// untrusted: a check reads them through json_access.h and never throws on a missing or
// mistyped member; when it cannot tell, it stays quiet.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/json_access.h"
#include "audit/policy.h"
#include "audit/severity.h"

namespace vigil::audit {

// One thing a check found wrong.
struct Finding {
  std::string check;  // the check's id, e.g. "privileged"
  Severity severity = Severity::kInfo;
  std::string detail;  // what was seen, on this subject: "CAP_SYS_ADMIN added"
};

// One entry of GET /containers/{id}/changes, and the file's mode when the engine told it.
struct PathChange {
  enum class Kind : uint8_t { kModified = 0, kAdded = 1, kDeleted = 2 };
  std::string path;
  Kind kind = Kind::kModified;
  // Go's os.FileMode bits (permissions in the low 9, 1<<31 directory, 1<<27 symlink) from the
  // archive stat; nullopt when unknown (deleted files, or the engine did not answer).
  std::optional<uint32_t> mode;
};

// Everything the checks may look at for one container. Members the caller could not fetch
// stay null (or nullopt), and the checks that need them stay quiet.
struct AuditInput {
  Json container;       // GET /containers/{id}/json
  Json image;           // GET /images/{id}/json
  Json daemon;          // GET /info
  Json bridge_network;  // GET /networks/bridge
  // GET /containers/{id}/changes, examined for running containers only; nullopt otherwise.
  std::optional<std::vector<PathChange>> changes;
};

struct CheckContext {
  const AuditInput& input;
  const Policy& policy;
};

// Collects a check's findings, stamped with its id and (unless told otherwise) its severity.
class FindingSink {
 public:
  FindingSink(std::string_view check, Severity severity, std::vector<Finding>& out)
      : check_(check), severity_(severity), out_(out) {}
  void Add(std::string detail) { Add(severity_, std::move(detail)); }
  void Add(Severity severity, std::string detail) {
    out_.push_back(Finding{std::string(check_), severity, std::move(detail)});
  }

 private:
  std::string_view check_;
  Severity severity_;
  std::vector<Finding>& out_;
};

enum class Scope : uint8_t {
  kContainer,  // evaluated for each container
  kDaemon,     // evaluated once, on the engine's own configuration
};

struct Check {
  std::string_view id;     // stable, kebab-case: reports, policies and SARIF rule ids use it
  std::string_view title;  // one line
  Severity severity;       // the usual severity; a finding may say otherwise (its detail, why)
  Scope scope;
  std::string_view cis;  // CIS Docker Benchmark v1.6.0 recommendation, "5.5"; empty if none
  std::string_view rationale;
  std::string_view remediation;
  void (*evaluate)(const CheckContext& context, FindingSink& sink);
};

// Every check, in the order reports list rules. The storage is static; the span never dangles.
std::span<const Check> AllChecks();
// Null when no check has this id.
const Check* FindCheck(std::string_view id);

// The check groups AllChecks() joins, one per source file.
std::span<const Check> PrivilegeChecks();  // checks_privileges.cpp
std::span<const Check> IsolationChecks();  // checks_isolation.cpp
std::span<const Check> MountChecks();      // checks_mounts.cpp
std::span<const Check> ResourceChecks();   // checks_resources.cpp
std::span<const Check> ImageChecks();      // checks_image.cpp
std::span<const Check> DriftChecks();      // checks_drift.cpp
std::span<const Check> DaemonChecks();     // checks_daemon.cpp

}  // namespace vigil::audit
