// `vigil logscan`: scan web/application logs (files, stdin, Docker containers' json-file logs)
// for attacks; alerts as `vigil run` prints them.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "common/host.h"
#include "common/log.h"
#include "logscan/correlator.h"
#include "logscan/runner.h"
#include "logscan/watcher.h"
#include "output/sink.h"

namespace vigil::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnStopSignal(int) {
  g_stop = true;
}

// Container ids and names as Docker allows them (they end up in an Engine API URL).
std::string ContainerNameError(std::string& value) {
  const bool ok = !value.empty() && value.size() <= 256 &&
                  value.find_first_not_of(
                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789_.-") == std::string::npos;
  return ok ? std::string() : "not a container id or name: " + value;
}

void PrintSignatures(const logscan::SignatureSet& set) {
  for (const auto& c : set.classes()) {
    fmt::print("{} — {} ({}; {} on a 2xx answer)\n", c.name, c.rule, PriorityName(c.priority),
               PriorityName(c.priority_on_success));
    for (const auto& s : set.signatures()) {
      if (&set.classes()[s.class_index] == &c) fmt::print("  {}\n", s.id);
    }
  }
}

Result<logscan::SignatureSet> LoadSignatures(const LogscanOptions& options) {
  return options.signatures_path.empty() ? logscan::SignatureSet::BuiltIn()
                                         : logscan::SignatureSet::LoadFile(options.signatures_path);
}

// The file or stdin, and every container's log; false (said on stderr) when one cannot be opened.
bool AddSources(const LogscanOptions& options, logscan::LogScanRunner& runner) {
  if (options.file == "-") {
    runner.Add(logscan::LogSource::Stdin());
  } else if (!options.file.empty()) {
    auto source = logscan::LogSource::Open(options.file, logscan::LogSource::Kind::kFile);
    if (!source) {
      fmt::print(stderr, "logscan: {}\n", source.error().message);
      return false;
    }
    runner.Add(std::move(*source));
  }
  DockerClient docker(options.docker_socket);
  for (const std::string& container : options.containers) {
    auto source = logscan::OpenContainerLog(docker, container);
    if (!source) {
      fmt::print(stderr, "logscan: {}\n", source.error().message);
      return false;
    }
    runner.Add(std::move(*source));
  }
  return true;
}

class CorrelatingSink final : public output::AlertSink {
 public:
  explicit CorrelatingSink(output::AlertSink& next) : next_(next) {}
  void Emit(const Alert& alert) override {
    next_.Emit(alert);
    if (auto linked = correlator_.Observe(alert)) next_.Emit(*linked);
  }
  void Flush() override { next_.Flush(); }

 private:
  output::AlertSink& next_;
  logscan::FileCorrelator correlator_;
};

}  // namespace

CLI::App* AddLogscanCommand(CLI::App& app, LogscanOptions& options) {
  auto* cmd = app.add_subcommand(
      "logscan",
      "Scan HTTP access and application logs for attacks: path traversal and file inclusion,\n"
      "SQL injection, XSS, command injection (shellshock), Log4Shell, SSRF, scanners and\n"
      "secret-file probes. Reads a file (followed like `tail -F` with --follow), stdin ('-'),\n"
      "and the json-file logs of Docker containers (-c, repeatable; followed across rotation\n"
      "and restarts). Formats: Common/Combined Log Format, busybox httpd, JSON lines, plain\n"
      "text. Payloads are decoded (percent, double, %u, overlong UTF-8, HTML entities, paths)\n"
      "before matching. Alerts as `vigil run` prints them (source 'logs'). Exit 0 (findings\n"
      "included, unless --fail-on), 1 on failure or a finding at --fail-on, 2 on usage errors.\n"
      "docs/LOGSCAN.md explains every class, field and the signature file.");
  cmd->add_option("file", options.file, "Log file to scan, or '-' for stdin");
  cmd->add_option("-c,--container", options.containers,
                  "Scan this Docker container's log (id, id prefix or name; repeatable)")
      ->check(CLI::Validator(ContainerNameError, "ID|NAME", "container"));
  cmd->add_flag("-f,--follow", options.follow,
                "Keep reading as the logs grow (across rotation and truncation) until "
                "SIGINT/SIGTERM; 'ready' is printed on stderr once every source is open");
  cmd->add_option("-o,--output", options.output, "Alert format: text (Falco's line) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--fail-on", options.fail_on,
                  "Exit 1 when an alert is at least this severe (emergency … debug); none (the "
                  "default): findings never change the exit code");
  cmd->add_option("--signatures", options.signatures_path,
                  "Signature file (YAML) instead of the built-in one")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--list-signatures", options.list_signatures,
                "List the attack classes and their signatures, and exit");
  cmd->add_option("--docker-socket", options.docker_socket, "Docker Engine API socket");
  return cmd;
}

int Logscan(const LogscanOptions& options) {
  Priority fail_on = Priority::kDebug;
  const bool fail_on_findings = options.fail_on != "none";
  if (fail_on_findings && !ParsePriority(options.fail_on, &fail_on)) {
    fmt::print(stderr, "--fail-on: unknown priority '{}'\n", options.fail_on);
    return 2;
  }
  auto signatures = LoadSignatures(options);
  if (!signatures) {
    fmt::print(stderr, "{}\n", signatures.error().message);
    return 1;
  }
  if (options.list_signatures) {
    PrintSignatures(*signatures);
    return 0;
  }
  if (options.file.empty() && options.containers.empty()) {
    fmt::print(stderr, "logscan: nothing to scan: give a FILE, '-' (stdin) or --container\n");
    return 2;
  }
  output::StreamSink sink(stdout,
                          options.output == "json" ? output::Format::kJson : output::Format::kText);
  bool failed_threshold = false;
  logscan::LogScanRunner runner(
      *signatures,
      [&](const Alert& alert) {
        sink.Emit(alert);
        failed_threshold |= fail_on_findings && alert.priority <= fail_on;
      },
      Hostname());
  if (!AddSources(options, runner)) return 1;
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  if (options.follow) fmt::print(stderr, "ready\n");
  std::fflush(stderr);
  const logscan::RunStats stats = runner.Run(options.follow, [] { return g_stop.load(); });
  sink.Flush();
  fmt::print(stderr, "logscan: {} lines, {} requests, {} alerts, {} malformed, {} truncated\n",
             stats.lines, stats.requests, stats.alerts, stats.malformed, stats.truncated);
  return failed_threshold ? 1 : 0;
}

void AddRunLogscanOptions(CLI::App& run, AgentOptions& options) {
  run.add_flag("--logs,!--no-logs", options.logs,
               "Scan the Docker logs of every running container for attacks (the signatures of "
               "`vigil logscan`): alerts with source 'logs'. On by default; --no-logs turns it "
               "off");
}

std::unique_ptr<logscan::LogWatcher> MakeLogWatcher(const AgentOptions& options,
                                                    const std::string& hostname) {
  if (!options.logs || !options.capture_path.empty()) return nullptr;
  auto signatures = logscan::SignatureSet::BuiltIn();
  if (!signatures) {  // the built-in file is tested; this would be a build defect
    log::Error("logscan: {}", signatures.error().message);
    return nullptr;
  }
  auto watcher = std::make_unique<logscan::LogWatcher>(DockerClient(options.docker_socket),
                                                       std::move(*signatures), hostname);
  return watcher;
}

std::unique_ptr<output::AlertSink> CorrelateLogAlerts(const logscan::LogWatcher* watcher,
                                                      output::AlertSink& sink) {
  if (!watcher) return nullptr;
  return std::make_unique<CorrelatingSink>(sink);
}

}  // namespace vigil::cli
