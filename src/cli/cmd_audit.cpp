// `vigil audit`: collect from the engine, run the checks, print the report, exit by --fail-on.
#include <fmt/core.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "audit/auditor.h"
#include "audit/collector.h"
#include "audit/report.h"
#include "audit/watcher.h"
#include "cli/commands.h"
#include "common/log.h"

namespace vigil::cli {
namespace {

// Container ids and names as Docker allows them; anything else is a usage error (and never
// reaches a URL).
std::string ContainerArgumentError(std::string& value) {
  const bool ok = !value.empty() && value.size() <= 256 &&
                  value.find_first_not_of(
                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789_.-") == std::string::npos;
  return ok ? std::string() : "not a container id or name: " + value;
}

}  // namespace

CLI::App* AddAuditCommand(CLI::App& app, AuditOptions& options) {
  auto* cmd = app.add_subcommand(
      "audit",
      "Hardening audit of containers (created, running and stopped) and of the Docker daemon:\n"
      "privileged mode, capabilities, root user, host namespaces, seccomp/AppArmor/SELinux,\n"
      "sensitive and socket mounts, limits, ports, image tags and digests, drift in running\n"
      "containers, and a trust policy. --list-checks lists every check; docs/AUDIT.md explains\n"
      "each. Exit 0, or 1 when a finding reaches --fail-on (or the engine or the policy cannot\n"
      "be read), 2 on usage errors.");
  cmd->add_option("-c,--container", options.containers,
                  "Audit this container (id, id prefix or name; repeatable). Default: every "
                  "container the engine knows")
      ->check(CLI::Validator(ContainerArgumentError, "ID|NAME", "container"));
  cmd->add_flag("--running", options.running_only, "Only running containers");
  cmd->add_option("-p,--policy", options.policy_path,
                  "Trust policy (YAML): trusted registries, digests, allowed/denied images, "
                  "capabilities, root, severity overrides, exemptions by label")
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", options.output, "Report format: table (default), json, sarif")
      ->check(CLI::IsMember({"table", "json", "sarif"}));
  cmd->add_option("--fail-on", options.fail_on,
                  "Exit 1 when a finding (of a container or the daemon) is at least this severe: "
                  "critical, high, medium, low, info; none (the default) never fails")
      ->check(
          CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}, CLI::ignore_case));
  cmd->add_option("--docker-socket", options.docker_socket, "Docker Engine API socket");
  cmd->add_flag("--list-checks", options.list_checks,
                "List every check (id, severity, scope, CIS id, title) and exit");
  cmd->add_flag("--markdown", options.markdown,
                "With --list-checks: a Markdown table with rationale and remediation "
                "(docs/AUDIT.md)");
  return cmd;
}

int Audit(const AuditOptions& options) {
  if (options.list_checks) {
    fmt::print("{}", options.markdown ? audit::RenderCheckMarkdown() : audit::RenderCheckList());
    return 0;
  }
  audit::Policy policy;
  if (!options.policy_path.empty()) {
    auto loaded = audit::LoadPolicy(options.policy_path);
    if (!loaded) {
      fmt::print(stderr, "{}\n{}: invalid policy\n", loaded.error().message, options.policy_path);
      return 1;
    }
    policy = std::move(*loaded);
  }
  DockerClient docker(options.docker_socket);
  audit::CollectOptions collect;
  collect.containers = options.containers;
  collect.running_only = options.running_only;
  auto collected = audit::Collect(docker, collect);
  if (!collected) {
    log::Error("audit: {}", collected.error().message);
    return 1;
  }
  audit::AuditReport report;
  report.daemon = audit::AuditDaemon(collected->daemon, policy);
  for (const audit::AuditInput& input : collected->containers) {
    report.containers.push_back(audit::AuditContainer(input, policy));
  }
  if (options.output == "json") {
    fmt::print("{}\n", audit::RenderJson(report, policy.source));
  } else if (options.output == "sarif") {
    fmt::print("{}\n", audit::RenderSarif(report, options.tool_version));
  } else {
    const bool color = ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    fmt::print("{}", audit::RenderTable(report, color));
  }
  auto threshold = audit::ParseSeverity(options.fail_on);
  return threshold && audit::ReachesSeverity(report, *threshold) ? 1 : 0;
}

void AddRunAuditOptions(CLI::App& run, AgentOptions& options) {
  run.add_flag("--audit", options.audit,
               "Audit each container as it starts (the checks of `vigil audit`): one alert with "
               "source 'audit' listing its medium or worse findings");
  run.add_option("--audit-policy", options.audit_policy,
                 "Trust policy for --audit (implies --audit); see `vigil audit --policy`")
      ->check(CLI::ExistingFile);
}

Result<std::unique_ptr<audit::AuditWatcher>> MakeAuditWatcher(const AgentOptions& options,
                                                              const std::string& hostname) {
  if ((!options.audit && options.audit_policy.empty()) || !options.capture_path.empty()) {
    return nullptr;
  }
  audit::Policy policy;
  if (!options.audit_policy.empty()) {
    auto loaded = audit::LoadPolicy(options.audit_policy);
    if (!loaded) return Fail(loaded.error());
    policy = std::move(*loaded);
  }
  auto watcher = std::make_unique<audit::AuditWatcher>(
      DockerClient(options.docker_socket), std::move(policy), audit::Severity::kMedium, hostname);
  return watcher;
}

}  // namespace vigil::cli
