// vigil: container runtime security agent. Subcommands wire the modules together; the work
// lives in the modules (DESIGN.md §2).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/log.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace vigil::cli;
  CLI::App app{"vigil — container runtime security agent.\n"
               "Watches every process on the host through eBPF, knows which container each belongs\n"
               "to, and raises alerts from rules written in the Falco rules language."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vigil " VIGIL_VERSION);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Print debug diagnostics on stderr");

  AgentOptions run;
  auto* run_cmd = app.add_subcommand(
      "run", "Run the agent: alerts to the configured outputs (stdout by default), diagnostics "
             "on stderr ('ready' once probes are attached). Stops cleanly on SIGINT/SIGTERM; "
             "SIGHUP reloads the config and rules; SIGUSR1 reopens output files.");
  RunFlags run_flags;
  run_flags.Declare(*run_cmd);
  AddRunAuditOptions(*run_cmd, run);
  AddRunLogscanOptions(*run_cmd, run);

  AgentOptions capture;
  auto* capture_cmd = app.add_subcommand(
      "capture", "Record the event stream (with container metadata and user names) to a file "
                 "for `vigil replay`. Stops on SIGINT/SIGTERM or after --duration.");
  capture_cmd->add_option("-w,--write", capture.capture_path, "Capture file to write")->required();
  capture_cmd->add_option("--docker-socket", capture.docker_socket, "Docker Engine API socket");
  capture_cmd->add_option("--duration", capture.duration_s, "Stop after this many seconds (0: never)");

  std::string replay_file;
  std::vector<std::string> replay_rules;
  std::string replay_output = "text";
  std::string replay_min_priority = "debug";
  auto* replay_cmd = app.add_subcommand(
      "replay", "Evaluate rules on a capture file and print alerts as `vigil run` would.");
  replay_cmd->add_option("file", replay_file, "Capture file from `vigil capture`")
      ->required()
      ->check(CLI::ExistingFile);
  replay_cmd->add_option("-r,--rules", replay_rules, "Rules file instead of the built-in rules")
      ->check(CLI::ExistingFile);
  replay_cmd->add_option("-o,--output", replay_output, "Alert format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  replay_cmd->add_option("--min-priority", replay_min_priority, "Minimum rule priority");
  bool replay_resolve_names = false;
  replay_cmd->add_flag("--resolve-names", replay_resolve_names,
                       "Resolve the domain names the rules compare (fd.sip.name = example.com) "
                       "before replaying, as `vigil run --resolve-names` does (it sends DNS "
                       "queries; off: such comparisons never hold)");

  auto* rules_cmd = app.add_subcommand("rules", "Work with rule files.");
  rules_cmd->require_subcommand(1);
  std::vector<std::string> validate_files;
  auto* validate_cmd = rules_cmd->add_subcommand(
      "validate", "Check rule files (the built-in rules when none is given): every error with "
                  "file:line:col and a caret, and what vigil cannot observe yet. Exit 0 when all "
                  "load (warnings allowed), 1 otherwise.");
  validate_cmd->add_option("files", validate_files, "Rules files");
  std::vector<std::string> list_files;
  bool list_json = false;
  auto* list_cmd = rules_cmd->add_subcommand("list", "List the rules (built-in, or from -r files).");
  list_cmd->add_option("-r,--rules", list_files, "Rules files")->check(CLI::ExistingFile);
  list_cmd->add_flag("--json", list_json, "JSON output");
  bool fields_json = false;
  bool fields_markdown = false;
  auto* fields_cmd = rules_cmd->add_subcommand("fields", "List the fields conditions and outputs can use.");
  fields_cmd->add_flag("--json", fields_json, "JSON output");
  fields_cmd->add_flag("--markdown", fields_markdown, "Markdown table (docs/FIELDS.md)");

  AuditOptions audit;
  audit.tool_version = VIGIL_VERSION;
  CLI::App* audit_cmd = AddAuditCommand(app, audit);

  LogscanOptions logscan;
  CLI::App* logscan_cmd = AddLogscanCommand(app, logscan);

  BaselineOptions baseline;
  CLI::App* baseline_cmd = AddBaselineCommand(app, baseline);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (verbose) vigil::log::SetLevel(vigil::log::Level::kDebug);

  if (*run_cmd) {
    std::optional<bool> logs;
    if (run_cmd->get_option("--logs")->count() > 0) logs = run.logs;
    auto settings = run_flags.Settings(verbose, run.audit, run.audit_policy, logs);
    if (!settings) {
      fmt::print(stderr, "{}\n", settings.error().message);
      return 2;
    }
    run.config_path = run_flags.config_path();
    run.settings = std::move(*settings);
    return RunAgent(run);
  }
  if (*capture_cmd) return RunAgent(capture);
  if (*audit_cmd) return Audit(audit);
  if (*logscan_cmd) return Logscan(logscan);
  if (*baseline_cmd) return Baseline(baseline);
  if (*replay_cmd) {
    return Replay(replay_file, replay_rules, replay_output, replay_min_priority,
                  replay_resolve_names);
  }
  if (*validate_cmd) return RulesValidate(validate_files);
  if (*list_cmd) return RulesList(list_files, list_json);
  if (*fields_cmd) return RulesFields(fields_json, fields_markdown);
  return 2;
}
