// The `vigil` subcommands. Each returns the process exit code: 0 ok, 1 findings or failure,
// 2 usage (DESIGN.md §3).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "rules/ruleset.h"

namespace CLI {
class App;
}
namespace vigil::audit {
class AuditWatcher;
}
namespace vigil::logscan {
class LogWatcher;
}
namespace vigil::output {
class AlertSink;
}

namespace vigil::cli {

// `vigil run` reads `config_path` (if any) with `settings` on top (cli/agent_config.h) and
// fills the fields below from the result; `vigil capture` sets them from its flags.
struct AgentOptions {
  std::string config_path;                 // -c FILE; empty: defaults
  std::vector<config::Setting> settings;   // flags given, then --set, in order
  std::vector<std::string> rule_files;  // empty: the built-in rules
  std::string output = "text";          // text or json
  std::string min_priority = "debug";
  std::string docker_socket = "/var/run/docker.sock";
  std::string capture_path;             // capture mode: record instead of evaluating rules
  double duration_s = 0;                // stop after this long; 0: until SIGINT/SIGTERM
  // 4 MiB: no drops measured at 460k records/s (both cores flooding) nor in a 1,000-process
  // burst (docs/PERFORMANCE.md); the mapping counts twice in the agent's RSS.
  std::size_t ring_buffer_mb = 4;
  std::string reader_thread = "auto";  // auto | on | off (sensor::ReaderThread)
  double stats_interval_s = 0;          // print a stats line this often; 0: never
  // Audit each container as it starts (source "audit" alerts); a policy file implies it.
  bool audit = false;
  std::string audit_policy;
  // Scan the Docker logs of every running container (source "logs" alerts); --no-logs: off.
  bool logs = true;
  // Baselines (docs/BASELINE.md): learn and detect per image; off without a store.
  std::string baseline_store;
  std::string baseline_mode = "auto";
  double baseline_quiet_s = 3600;
  std::string baseline_key = "image";
  bool baseline_syscalls = true;  // learn syscalls (a BPF program on every syscall)
};

// `vigil audit`: the hardening audit of containers and the daemon (docs/AUDIT.md).
struct AuditOptions {
  std::vector<std::string> containers;  // ids or names; empty: every container
  bool running_only = false;
  std::string policy_path;       // empty: the built-in defaults
  std::string output = "table";  // table, json or sarif
  std::string fail_on = "none";  // exit 1 when a finding is at least this severe
  std::string docker_socket = "/var/run/docker.sock";
  bool list_checks = false;  // print the checks and exit
  bool markdown = false;     // with list_checks: the Markdown table of docs/AUDIT.md
  std::string tool_version;  // for SARIF's tool.driver.version
};

// `vigil logscan`: attacks in web/application logs (docs/LOGSCAN.md).
struct LogscanOptions {
  std::string file;                     // a path, "-" for stdin, or empty
  std::vector<std::string> containers;  // ids or names whose json-file logs are scanned
  bool follow = false;
  std::string output = "text";   // text or json
  std::string fail_on = "none";  // exit 1 when an alert is at least this severe
  std::string signatures_path;   // empty: the built-in signatures
  bool list_signatures = false;
  std::string docker_socket = "/var/run/docker.sock";
};

// `vigil baseline list|show|export|import|reset|seccomp` (docs/BASELINE.md).
struct BaselineOptions {
  std::string action;           // the subcommand given: list, show, export, import, reset, seccomp
  std::string store;            // --store DB
  std::string image;            // IMAGE: a key, repository:tag, repository@digest, sha256:prefix
  std::string file;             // import: the document, "-" for stdin
  std::string format = "yaml";  // export: yaml or json
  std::string output;           // export, seccomp: -o FILE; empty: stdout
  bool json = false;            // list --json
};

int RunAgent(const AgentOptions& options);
// Declares `vigil audit` and its options (bound to `options`) on `app`.
CLI::App* AddAuditCommand(CLI::App& app, AuditOptions& options);
int Audit(const AuditOptions& options);
// `vigil run --audit` / `--audit-policy FILE`: declared on `run`, bound to `options`.
void AddRunAuditOptions(CLI::App& run, AgentOptions& options);
// The watcher for `vigil run`, not started yet (its thread must start after the capabilities
// are dropped); null when the audit was not asked for (or capturing). An error when the policy
// does not load (its diagnostics are in the message).
Result<std::unique_ptr<audit::AuditWatcher>> MakeAuditWatcher(const AgentOptions& options,
                                                              const std::string& hostname);
// Declares `vigil logscan` and its options (bound to `options`) on `app`.
CLI::App* AddLogscanCommand(CLI::App& app, LogscanOptions& options);
int Logscan(const LogscanOptions& options);
// Declares `vigil baseline` and its subcommands (bound to `options`) on `app`.
CLI::App* AddBaselineCommand(CLI::App& app, BaselineOptions& options);
int Baseline(const BaselineOptions& options);
// `vigil run --logs`: declared on `run`, bound to `options`.
void AddRunLogscanOptions(CLI::App& run, AgentOptions& options);
// The watcher for `vigil run --logs`, not started yet; null when not asked for (or capturing).
std::unique_ptr<logscan::LogWatcher> MakeLogWatcher(const AgentOptions& options,
                                                    const std::string& hostname);
// With a log watcher: a sink that passes every alert to `sink` and adds one when a container's
// HTTP attack and its open of the file the attack named meet (logscan/correlator.h). Null
// without a watcher.
std::unique_ptr<output::AlertSink> CorrelateLogAlerts(const logscan::LogWatcher* watcher,
                                                      output::AlertSink& sink);
int Replay(const std::string& capture_path, const std::vector<std::string>& rule_files,
           const std::string& output, const std::string& min_priority,
           bool resolve_names);
int RulesValidate(const std::vector<std::string>& files);
int RulesList(const std::vector<std::string>& files, bool json);
int RulesFields(bool json, bool markdown);

// Loads the given rule files (or the built-in rules), printing every diagnostic to stderr.
// Null when any file has errors.
std::unique_ptr<rules::RuleSet> LoadRulesOrReport(const std::vector<std::string>& files);

}  // namespace vigil::cli
