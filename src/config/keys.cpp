#include "config/keys.h"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "common/strings.h"

namespace vigil::config {
namespace {

std::optional<std::string> SetBool(const YAML::Node& node, bool& out) {
  const std::string text = node.IsScalar() ? ToLower(node.Scalar()) : std::string();
  if (text == "true" || text == "yes" || text == "on") {
    out = true;
  } else if (text == "false" || text == "no" || text == "off") {
    out = false;
  } else {
    return "must be true or false";
  }
  return std::nullopt;
}

std::optional<std::string> SetString(const YAML::Node& node, std::string& out) {
  if (node.IsNull()) {
    out.clear();
  } else if (node.IsScalar()) {
    out = node.Scalar();
  } else {
    return "must be a string";
  }
  return std::nullopt;
}

std::optional<double> ToNumber(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string text(Trim(node.Scalar()));
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(value)) return std::nullopt;
  return value;
}

template <class Get>
Setter Bool(Get get) {
  return [get](const YAML::Node& node, Config& c) { return SetBool(node, get(c)); };
}

template <class Get>
Setter String(Get get) {
  return [get](const YAML::Node& node, Config& c) { return SetString(node, get(c)); };
}

// An integer in [min, max].
template <class Get>
Setter Integer(Get get, uint64_t min, uint64_t max) {
  return [get, min, max](const YAML::Node& node, Config& c) -> std::optional<std::string> {
    auto value = node.IsScalar() ? ParseUint(Trim(node.Scalar())) : std::nullopt;
    if (!value || *value < min || *value > max) {
      return fmt::format("must be a whole number from {} to {}", min, max);
    }
    get(c) = static_cast<std::remove_reference_t<decltype(get(c))>>(*value);
    return std::nullopt;
  };
}

// A number of seconds in [min, max].
template <class Get>
Setter Seconds(Get get, double min, double max) {
  return [get, min, max](const YAML::Node& node, Config& c) -> std::optional<std::string> {
    auto value = ToNumber(node);
    if (!value || *value < min || *value > max) {
      return fmt::format("must be a number from {} to {}", min, max);
    }
    get(c) = *value;
    return std::nullopt;
  };
}

// One of `values`, any case; stored lower case.
template <class Get>
Setter OneOf(Get get, std::vector<std::string_view> values) {
  return [get, values](const YAML::Node& node, Config& c) -> std::optional<std::string> {
    const std::string text = node.IsScalar() ? ToLower(Trim(node.Scalar())) : std::string();
    if (std::find(values.begin(), values.end(), text) == values.end()) {
      std::vector<std::string> names(values.begin(), values.end());
      return fmt::format("must be one of {}", Join(names, ", "));
    }
    get(c) = text;
    return std::nullopt;
  };
}

template <class Get>
Setter Strings(Get get) {
  return [get](const YAML::Node& node, Config& c) -> std::optional<std::string> {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      out.push_back(node.Scalar());  // one item, as Falco's rules_file accepts
    } else if (node.IsSequence()) {
      for (const YAML::Node& item : node) {
        if (!item.IsScalar() || item.Scalar().empty()) return "must be a list of non-empty strings";
        out.push_back(item.Scalar());
      }
    } else if (!node.IsNull()) {
      return "must be a list of strings";
    }
    get(c) = std::move(out);
    return std::nullopt;
  };
}

// Accessors of a key's place in the Config.
template <class T>
auto Field(T Config::*member) {
  return [member](Config& c) -> T& { return c.*member; };
}
template <class S, class T>
auto Field(S Config::*section, T S::*member) {
  return [section, member](Config& c) -> T& { return (c.*section).*member; };
}

const std::vector<std::string_view> kPriorities = {"emergency",     "alert",   "critical",
                                                   "error",         "warning", "notice",
                                                   "informational", "info",    "debug"};

// The rules and alert-format keys.
std::vector<KeySpec> FormatKeys() {
  using C = Config;
  auto rules = Strings(Field(&C::rules_files));
  return {
      {"rules_files", rules},
      {"rules_file", rules},  // Falco's older spelling
      {"priority", OneOf(Field(&C::priority), kPriorities)},
      {"json_output", Bool(Field(&C::json_output))},
      {"json_include_output_property", Bool(Field(&C::json_include_output_property))},
      {"json_include_tags_property", Bool(Field(&C::json_include_tags_property))},
      {"buffered_outputs", Bool(Field(&C::buffered_outputs))},
      {"log_level", OneOf(Field(&C::log_level), kPriorities)},
  };
}

// The outputs: stdout, file, syslog, program, http, queues and limits.
std::vector<KeySpec> OutputKeys() {
  using C = Config;
  return {
      {"stdout_output.enabled", Bool(Field(&C::stdout_enabled))},
      {"file_output.enabled", Bool(Field(&C::file, &FileOutput::enabled))},
      {"file_output.keep_alive", Bool(Field(&C::file, &FileOutput::keep_alive))},
      {"file_output.filename", String(Field(&C::file, &FileOutput::filename))},
      {"syslog_output.enabled", Bool(Field(&C::syslog, &SyslogOutput::enabled))},
      {"syslog_output.socket", String(Field(&C::syslog, &SyslogOutput::socket))},
      {"program_output.enabled", Bool(Field(&C::program, &ProgramOutput::enabled))},
      {"program_output.keep_alive", Bool(Field(&C::program, &ProgramOutput::keep_alive))},
      {"program_output.program", String(Field(&C::program, &ProgramOutput::program))},
      {"http_output.enabled", Bool(Field(&C::http, &HttpOutput::enabled))},
      {"http_output.url", String(Field(&C::http, &HttpOutput::url))},
      {"http_output.user_agent", String(Field(&C::http, &HttpOutput::user_agent))},
      {"http_output.insecure", Bool(Field(&C::http, &HttpOutput::insecure))},
      {"http_output.ca_cert", String(Field(&C::http, &HttpOutput::ca_cert))},
      {"http_output.ca_bundle", String(Field(&C::http, &HttpOutput::ca_bundle))},
      {"http_output.ca_path", String(Field(&C::http, &HttpOutput::ca_path))},
      {"http_output.mtls", Bool(Field(&C::http, &HttpOutput::mtls))},
      {"http_output.client_cert", String(Field(&C::http, &HttpOutput::client_cert))},
      {"http_output.client_key", String(Field(&C::http, &HttpOutput::client_key))},
      {"http_output.keep_alive", Bool(Field(&C::http, &HttpOutput::keep_alive))},
      {"http_output.timeout", Seconds(Field(&C::http, &HttpOutput::timeout_s), 0.1, 600)},
      {"http_output.retry_initial_backoff",
       Seconds(Field(&C::http, &HttpOutput::retry_initial_s), 0.01, 3600)},
      {"http_output.retry_max_backoff",
       Seconds(Field(&C::http, &HttpOutput::retry_max_s), 0.01, 3600)},
      {"http_output.retries_before_spill",
       Integer(Field(&C::http, &HttpOutput::retries_before_spill), 1, 1000)},
      {"http_output.spill_file", String(Field(&C::http, &HttpOutput::spill_file))},
      {"http_output.spill_max_mb", Integer(Field(&C::http, &HttpOutput::spill_max_mb), 1, 1 << 20)},
      {"outputs.queue_size", Integer(Field(&C::output_queue_size), 1, 10'000'000)},
      {"outputs.rate", Seconds(Field(&C::rate_limit_rate), 0, 1e9)},
      {"outputs.max_burst", Integer(Field(&C::rate_limit_max_burst), 1, 1'000'000'000)},
      {"outputs.dedup_window", Seconds(Field(&C::dedup_window_s), 0, 86400)},
  };
}

// The web server and what `vigil run`'s flags set.
std::vector<KeySpec> AgentKeys() {
  using C = Config;
  return {
      {"webserver.enabled", Bool(Field(&C::webserver, &WebServer::enabled))},
      {"webserver.listen_address", String(Field(&C::webserver, &WebServer::listen_address))},
      {"webserver.listen_port", Integer(Field(&C::webserver, &WebServer::listen_port), 1, 65535)},
      {"webserver.k8s_healthz_endpoint",
       String(Field(&C::webserver, &WebServer::healthz_endpoint))},
      {"webserver.prometheus_metrics_enabled",
       Bool(Field(&C::webserver, &WebServer::prometheus_metrics_enabled))},
      {"webserver.ssl_enabled", Bool(Field(&C::webserver, &WebServer::ssl_enabled))},
      {"webserver.ssl_certificate", String(Field(&C::webserver, &WebServer::ssl_certificate))},
      {"docker_socket", String(Field(&C::docker_socket))},
      {"ring_buffer_mb", Integer(Field(&C::ring_buffer_mb), 1, 1024)},
      {"reader_thread", OneOf(Field(&C::reader_thread), {"auto", "on", "off"})},
      {"logs.enabled", Bool(Field(&C::logs_enabled))},
      {"stats.enabled", Bool(Field(&C::stats_enabled))},
      {"name_resolution.enabled", Bool(Field(&C::name_resolution_enabled))},
      {"stats.interval", Seconds(Field(&C::stats_interval_s), 0.1, 86400)},
      {"duration", Seconds(Field(&C::duration_s), 0, 1e9)},
      {"audit.enabled", Bool(Field(&C::audit_enabled))},
      {"audit.policy", String(Field(&C::audit_policy))},
      {"baseline.store", String(Field(&C::baseline_store))},
      {"baseline.mode", OneOf(Field(&C::baseline_mode), {"learn", "detect", "auto"})},
      {"baseline.quiet_period", Seconds(Field(&C::baseline_quiet_period_s), 0, 1e9)},
      {"baseline.key", String(Field(&C::baseline_key))},
      {"baseline.syscalls", Bool(Field(&C::baseline_syscalls))},
      {"drop_capabilities", Bool(Field(&C::drop_capabilities))},
  };
}

std::vector<KeySpec> MakeKeys() {
  std::vector<KeySpec> keys = FormatKeys();
  for (auto part : {OutputKeys(), AgentKeys()}) keys.insert(keys.end(), part.begin(), part.end());
  return keys;
}

// Falco keys vigil accepts and ignores (a warning each), with what they are for in Falco.
const std::vector<std::pair<std::string_view, std::string_view>> kIgnored = {
    {"config_files", "extra config files"},
    {"watch_config_files", "reloading on file change (vigil reloads on SIGHUP)"},
    {"rule_matching", "first/all rule matching (vigil matches all)"},
    {"outputs_queue", "Falco's output queue (vigil's is outputs.queue_size)"},
    {"append_output", "appending to outputs"},
    {"static_fields", "static output fields"},
    {"plugins", "plugins"},
    {"load_plugins", "plugins"},
    {"time_format_iso_8601", "text time format"},
    {"json_include_message_property", "the 'message' JSON property"},
    {"json_include_output_fields_property", "dropping 'output_fields' (vigil always sends them)"},
    {"grpc", "the gRPC server"},
    {"grpc_output", "the gRPC output"},
    {"webserver.threadiness", "web server threads (vigil's answers on one)"},
    {"log_stderr", "logging to stderr (vigil always logs to stderr)"},
    {"log_syslog", "logging to syslog"},
    {"libs_logger", "libs logging"},
    {"output_timeout", "the output watchdog (vigil's outputs never block the event loop)"},
    {"syscall_event_timeouts", "event timeouts"},
    {"syscall_event_drops", "drop actions (vigil always alerts on drops)"},
    {"metrics", "Falco's metrics"},
    {"base_syscalls", "the syscall set (vigil derives it from the rules)"},
    {"falco_libs", "libs tuning"},
    {"engine", "the driver (vigil has its own eBPF sensor)"},
    {"modern_bpf", "the driver"},
    {"syscall_buf_size_preset", "the driver buffer (vigil's is ring_buffer_mb)"},
    {"syscall_drop_failed_exit", "the driver"},
    {"container_engines", "container engines (vigil asks Docker at docker_socket)"},
    {"capture", "captures (vigil has `vigil capture`)"},
    {"plugins_hostinfo", "plugins"},
    {"metadata_download", "k8s metadata"},
    {"http_output.echo", "echoing HTTP responses"},
    {"http_output.compress_uploads", "compressed uploads"},
    {"http_output.max_consecutive_timeouts", "the HTTP output timeout count"},
    {"program_output.buffered", "program output buffering"},
};

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<KeySpec>& KeySpecs() {
  static const std::vector<KeySpec> keys = MakeKeys();
  return keys;
}

const KeySpec* FindKey(std::string_view name) {
  for (const KeySpec& key : KeySpecs()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

bool IsSection(std::string_view name) {
  for (const KeySpec& key : KeySpecs()) {
    if (key.name.size() > name.size() && key.name.starts_with(name) &&
        key.name[name.size()] == '.') {
      return true;
    }
  }
  return false;
}

bool IsIgnoredFalcoKey(std::string_view name, std::string* why) {
  for (const auto& [key, reason] : kIgnored) {
    if (name == key) {
      *why = std::string(reason);
      return true;
    }
  }
  return false;
}

std::optional<std::string_view> ClosestKey(std::string_view name) {
  if (name.size() > 200) return std::nullopt;  // untrusted: keep the quadratic bounded
  std::optional<std::string_view> best;
  std::size_t best_distance = 3;  // a typo: at most two edits
  for (const KeySpec& key : KeySpecs()) {
    const std::size_t d = EditDistance(name, key.name);
    if (d < best_distance) {
      best_distance = d;
      best = key.name;
    }
  }
  return best;
}

std::vector<std::string> KnownKeys() {
  std::vector<std::string> out;
  for (const KeySpec& key : KeySpecs()) out.emplace_back(key.name);
  return out;
}

std::vector<std::string> IgnoredFalcoKeys() {
  std::vector<std::string> out;
  for (const auto& [key, reason] : kIgnored) out.emplace_back(key);
  return out;
}

}  // namespace vigil::config
