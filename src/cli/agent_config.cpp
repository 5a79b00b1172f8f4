#include "cli/agent_config.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

#include "common/log.h"
#include "common/strings.h"

namespace vigil::cli {

Result<config::Config> LoadAgentConfig(const AgentOptions& options) {
  auto loaded = config::BuildConfig(options.config_path, options.settings);
  if (!loaded) return Fail(loaded.error());
  for (const std::string& warning : loaded->warnings) fmt::print(stderr, "{}\n", warning);
  return std::move(loaded->config);
}

std::vector<std::string> ExpandRuleFiles(const std::vector<std::string>& entries) {
  std::vector<std::string> files;
  for (const std::string& entry : entries) {
    std::error_code ec;
    if (!std::filesystem::is_directory(entry, ec)) {
      files.push_back(entry);  // a missing file is the rule loader's error to report
      continue;
    }
    std::vector<std::string> inside;
    for (const auto& item : std::filesystem::directory_iterator(entry, ec)) {
      const auto ext = item.path().extension();
      if (item.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) {
        inside.push_back(item.path().string());
      }
    }
    std::sort(inside.begin(), inside.end());
    files.insert(files.end(), inside.begin(), inside.end());
  }
  return files;
}

void ApplyConfig(const config::Config& c, AgentOptions& options) {
  options.rule_files = ExpandRuleFiles(c.rules_files);
  options.output = c.json_output ? "json" : "text";
  options.min_priority = c.priority;
  options.docker_socket = c.docker_socket;
  options.duration_s = c.duration_s;
  options.ring_buffer_mb = c.ring_buffer_mb;
  options.reader_thread = c.reader_thread;
  options.logs = c.logs_enabled;
  options.stats_interval_s = c.stats_enabled ? c.stats_interval_s : 0;
  options.audit = c.audit_enabled;
  options.audit_policy = c.audit_policy;
  options.baseline_store = c.baseline_store;
  options.baseline_mode = c.baseline_mode;
  options.baseline_quiet_s = c.baseline_quiet_period_s;
  options.baseline_key = c.baseline_key;
  options.baseline_syscalls = c.baseline_syscalls;
}

void ApplyLogLevel(const std::string& level) {
  const std::string l = ToLower(level);
  if (l == "debug") {
    log::SetLevel(log::Level::kDebug);
  } else if (l == "warning") {
    log::SetLevel(log::Level::kWarning);
  } else if (l == "error" || l == "critical" || l == "alert" || l == "emergency") {
    log::SetLevel(log::Level::kError);
  } else {
    log::SetLevel(log::Level::kInfo);
  }
}

namespace {

// Why rules that need `rules` cannot run on the sensor as attached; empty when they can.
std::string SensorGap(const rules::RuleSet& rules, const sensor::SensorOptions& attached) {
  const auto in_use = rules.EventTypesInUse();
  std::vector<std::string> syscalls;
  bool opens = false;
  for (std::size_t t = 0; t < kEventTypeCount; ++t) {
    if (!in_use.test(t)) continue;
    const auto type = static_cast<EventType>(t);
    if (type == EventType::kOpen || type == EventType::kOpenat || type == EventType::kOpenat2 ||
        type == EventType::kCreat) {
      opens = true;
    } else if (IsGenericSyscall(type) && !attached.syscalls.test(t)) {
      syscalls.emplace_back(EventTypeName(type));
    }
  }
  if (!syscalls.empty()) return fmt::format("syscalls not traced: {}", Join(syscalls, ", "));
  if (opens && !attached.opens) return "opens are not traced";
  const auto tcp_wanted = rules.TcpDataInUse() & attached.drop_tcp_data;
  if (tcp_wanted.any()) {
    std::vector<std::string> calls;
    for (std::size_t t = 0; t < kEventTypeCount; ++t) {
      if (tcp_wanted.test(t)) calls.emplace_back(EventTypeName(static_cast<EventType>(t)));
    }
    return fmt::format("{} on TCP sockets are dropped in the kernel", Join(calls, ", "));
  }
  if (attached.buffer_bytes == 0 && rules.ReadsField("evt.buffer")) {
    return "data buffers (evt.buffer) are not kept: no rule read them at start";
  }
  std::string missing;
  if (opens && !OpenFilterCovers(attached.open_filter, rules.OpenFilterInUse(), &missing)) {
    return "the in-kernel open filter keeps out " + missing;
  }
  return "";
}

void NoteRestartOnlyChanges(const config::Config& now, const config::Config& running) {
  std::vector<std::string> keys;
  if (now.ring_buffer_mb != running.ring_buffer_mb) keys.emplace_back("ring_buffer_mb");
  if (now.docker_socket != running.docker_socket) keys.emplace_back("docker_socket");
  if (now.reader_thread != running.reader_thread) keys.emplace_back("reader_thread");
  if (now.logs_enabled != running.logs_enabled) keys.emplace_back("logs.enabled");
  if (now.audit_enabled != running.audit_enabled) keys.emplace_back("audit.enabled");
  if (now.audit_policy != running.audit_policy) keys.emplace_back("audit.policy");
  if (now.duration_s != running.duration_s) keys.emplace_back("duration");
  if (now.baseline_store != running.baseline_store || now.baseline_mode != running.baseline_mode ||
      now.baseline_quiet_period_s != running.baseline_quiet_period_s ||
      now.baseline_key != running.baseline_key ||
      now.baseline_syscalls != running.baseline_syscalls) {
    keys.emplace_back("baseline");
  }
  if (!(now.webserver == running.webserver)) keys.emplace_back("webserver");
  if (now.drop_capabilities != running.drop_capabilities) keys.emplace_back("drop_capabilities");
  if (now.name_resolution_enabled != running.name_resolution_enabled) {
    keys.emplace_back("name_resolution.enabled");
  }
  if (!keys.empty()) {
    log::Warning("reload: {} changed; read at start only, applied at the next restart",
                 Join(keys, ", "));
  }
}

}  // namespace

Result<Reloaded> ReloadAgentConfig(const AgentOptions& options, const config::Config& running,
                                   const sensor::SensorOptions& attached) {
  auto config = LoadAgentConfig(options);
  if (!config) return Fail("the config does not load:\n{}", config.error().message);
  Priority min_priority = Priority::kDebug;
  ParsePriority(config->priority, &min_priority);  // checked by the config loader
  auto rules = LoadRulesOrReport(ExpandRuleFiles(config->rules_files));
  if (!rules) return Fail("the rules do not load (the errors are above)");
  rules->SetMinimumPriority(min_priority);
  if (std::string gap = SensorGap(*rules, attached); !gap.empty()) {
    return Fail(
        "the new rules need events the sensor was not started for ({}); restart vigil "
        "to apply them",
        gap);
  }
  NoteRestartOnlyChanges(*config, running);
  return Reloaded{std::move(*config), std::move(rules)};
}

}  // namespace vigil::cli
