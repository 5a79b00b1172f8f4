#include "cli/run_flags.h"

#include <fmt/core.h>

#include <CLI/CLI.hpp>

namespace vigil::cli {
namespace {

config::Setting Literal(std::string key, std::string value, std::string origin) {
  config::Setting s;
  s.key = std::move(key);
  s.value = std::move(value);
  s.literal = true;
  s.origin = std::move(origin);
  return s;
}

config::Setting Value(std::string key, std::string value, std::string origin) {
  config::Setting s = Literal(std::move(key), std::move(value), std::move(origin));
  s.literal = false;  // a number or a boolean, checked as the file's would be
  return s;
}

}  // namespace

void RunFlags::Declare(CLI::App& run) {
  run.add_option("-c,--config", config_path_,
                 "Config file (YAML; docs/CONFIG.md). Flags override it, --set overrides both")
      ->check(CLI::ExistingFile);
  run.add_option("--set", sets_,
                 "Override a config key: --set file_output.enabled=true (repeatable; dotted "
                 "keys; the value is YAML: --set rules_files=[a.yaml,b.yaml])");
  run.add_option("-r,--rules", rule_files_,
                 "Rules file or directory to load instead of the built-in rules (repeatable; "
                 "config: rules_files)")
      ->check(CLI::ExistingPath);
  run.add_option("-o,--output", output_,
                 "Alert format: text (Falco's line) or json (config: json_output)")
      ->check(CLI::IsMember({"text", "json"}));
  run.add_option("--min-priority", min_priority_,
                 "Only rules at this priority or more severe (emergency … debug; config: "
                 "priority)");
  run.add_option("--docker-socket", docker_socket_,
                 "Docker Engine API socket (config: docker_socket)");
  run.add_option("--reader-thread", reader_thread_,
                 "Drain and decode the kernel ring buffer on a second thread while rules are "
                 "evaluated: auto (default: start it when evaluation falls behind, the ring half "
                 "full), on, off (config: reader_thread)")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  duration_ = run.add_option("--duration", duration_s_,
                             "Stop after this many seconds (0: never; config: duration)");
  ring_buffer_ = run.add_option("--ring-buffer-mb", ring_buffer_mb_,
                                "Kernel ring buffer size in MiB (default 4; raise it if drops "
                                "are reported; config: ring_buffer_mb)")
                     ->check(CLI::Range(1, 1024));
  run.add_flag("--stats", stats_,
               "Print rates on stderr periodically: events evaluated, alerts, kernel records "
               "sent, opens filtered in the kernel, drops, the agent's CPU and memory, the "
               "outputs' queues (config: stats.enabled)");
  run.add_flag("--resolve-names", resolve_names_,
               "Resolve the domain names rules compare with addresses (fd.sip.name = "
               "example.com) through the system's resolver, at once and then every 10-320 s "
               "as Falco does. Off by default: it sends DNS queries (config: "
               "name_resolution.enabled)");
  stats_interval_option_ =
      run.add_option("--stats-interval", stats_interval_,
                     "Seconds between --stats lines (default 10; config: stats.interval)")
          ->check(CLI::Range(0.1, 86400.0));
  run.add_option("--baseline", baseline_store_,
                 "Learn what each image's containers normally do into this SQLite store and "
                 "alert on what is new (source 'baseline'; docs/BASELINE.md; config: "
                 "baseline.store)");
  run.add_option("--baseline-mode", baseline_mode_,
                 "learn (profiles grow, no alerts), detect (images with a profile are checked, "
                 "nothing learned), auto (default: each image learns until nothing was new for "
                 "--baseline-quiet seconds, then is checked; config: baseline.mode)")
      ->check(CLI::IsMember({"learn", "detect", "auto"}));
  baseline_quiet_ = run.add_option("--baseline-quiet", baseline_quiet_s_,
                                   "auto mode: seconds without anything new before an image's "
                                   "profile is trusted (default 3600; config: "
                                   "baseline.quiet_period)")
                        ->check(CLI::Range(0.0, 1e9));
  run.add_option("--baseline-key", baseline_key_,
                 "What a profile belongs to: image (default: repository@digest, else "
                 "repository:tag), name (the container's name) or label:KEY (a label's value; "
                 "the image without it; config: baseline.key)");
}

Result<std::vector<config::Setting>> RunFlags::Settings(bool verbose, bool audit,
                                                        const std::string& audit_policy,
                                                        std::optional<bool> logs) const {
  std::vector<config::Setting> out;
  if (!rule_files_.empty()) {
    config::Setting s;
    s.key = "rules_files";
    s.list = rule_files_;
    s.is_list = true;
    s.origin = "-r";
    out.push_back(std::move(s));
  }
  if (!output_.empty()) {
    out.push_back(Value("json_output", output_ == "json" ? "true" : "false", "-o " + output_));
  }
  if (!min_priority_.empty()) {
    out.push_back(Literal("priority", min_priority_, "--min-priority " + min_priority_));
  }
  if (!docker_socket_.empty()) {
    out.push_back(Literal("docker_socket", docker_socket_, "--docker-socket"));
  }
  if (!reader_thread_.empty()) {
    out.push_back(Literal("reader_thread", reader_thread_, "--reader-thread " + reader_thread_));
  }
  if (logs) out.push_back(Value("logs.enabled", *logs ? "true" : "false", "--logs/--no-logs"));
  if (duration_->count() > 0) {
    out.push_back(Value("duration", fmt::format("{}", duration_s_), "--duration"));
  }
  if (ring_buffer_->count() > 0) {
    out.push_back(Value("ring_buffer_mb", fmt::format("{}", ring_buffer_mb_), "--ring-buffer-mb"));
  }
  if (stats_) out.push_back(Value("stats.enabled", "true", "--stats"));
  if (resolve_names_) {
    out.push_back(Value("name_resolution.enabled", "true", "--resolve-names"));
  }
  if (stats_interval_option_->count() > 0) {
    out.push_back(Value("stats.interval", fmt::format("{}", stats_interval_), "--stats-interval"));
  }
  if (audit) out.push_back(Value("audit.enabled", "true", "--audit"));
  if (!audit_policy.empty()) {
    out.push_back(Literal("audit.policy", audit_policy, "--audit-policy"));
  }
  if (!baseline_store_.empty()) {
    out.push_back(Literal("baseline.store", baseline_store_, "--baseline"));
  }
  if (!baseline_mode_.empty()) {
    out.push_back(Literal("baseline.mode", baseline_mode_, "--baseline-mode " + baseline_mode_));
  }
  if (baseline_quiet_->count() > 0) {
    out.push_back(
        Value("baseline.quiet_period", fmt::format("{}", baseline_quiet_s_), "--baseline-quiet"));
  }
  if (!baseline_key_.empty()) {
    out.push_back(Literal("baseline.key", baseline_key_, "--baseline-key " + baseline_key_));
  }
  if (verbose) out.push_back(Literal("log_level", "debug", "-v"));
  for (const std::string& argument : sets_) {
    auto setting = config::ParseSetArgument(argument);
    if (!setting) return Fail(setting.error());
    out.push_back(std::move(*setting));
  }
  return out;
}

}  // namespace vigil::cli
