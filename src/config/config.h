// vigil's configuration: one YAML file (docs/CONFIG.md, deploy/vigil.yaml), every key with a
// default. Keys follow falco.yaml's names where the concept is the same; vigil's own keys cover
// what `vigil run`'s flags set. Command-line flags and `--set key=value` are applied on top as
// Settings, in order, by the same code that reads the file, so they are checked the same way.
//
// Untrusted input: a config file never crashes vigil. Every unknown key and bad value is
// reported, each as `file:line:col: error: message`, then the line and a caret.
// Plain values, no threads: copy freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vigil::config {

struct FileOutput {
  bool enabled = false;
  bool keep_alive = false;  // false: open, append and close for every alert (as Falco)
  std::string filename = "./events.txt";
  bool operator==(const FileOutput&) const = default;
};

struct SyslogOutput {
  bool enabled = false;
  std::string socket = "/dev/log";  // vigil's own key: the local syslog datagram socket
  bool operator==(const SyslogOutput&) const = default;
};

struct ProgramOutput {
  bool enabled = false;
  bool keep_alive = false;  // false: one `sh -c program` per alert (as Falco)
  std::string program;
  bool operator==(const ProgramOutput&) const = default;
};

struct HttpOutput {
  bool enabled = false;
  std::string url;  // http:// or https://; falcosidekick listens on http://host:2801/
  std::string user_agent = "vigil";
  bool insecure = false;  // skip TLS verification
  std::string ca_cert;    // a CA certificate file
  std::string ca_bundle;  // a CA bundle file
  std::string ca_path;    // a directory of CA certificates
  bool mtls = false;
  std::string client_cert = "/etc/vigil/certs/client/client.crt";
  std::string client_key = "/etc/vigil/certs/client/client.key";
  bool keep_alive = true;  // reuse the connection between alerts
  // vigil's own delivery keys (docs/OUTPUTS.md).
  double timeout_s = 5;
  double retry_initial_s = 0.5;  // first backoff; doubles up to retry_max_s
  double retry_max_s = 30;
  uint32_t retries_before_spill = 3;
  std::string spill_file;  // empty: no spill, alerts beyond the queue are dropped (counted)
  uint64_t spill_max_mb = 100;
  bool operator==(const HttpOutput&) const = default;
};

// Falco's `webserver`: /healthz and Prometheus /metrics on a local port.
struct WebServer {
  bool enabled = false;
  std::string listen_address = "127.0.0.1";  // an IPv4 address
  uint32_t listen_port = 8765;
  std::string healthz_endpoint = "/healthz";  // k8s_healthz_endpoint
  bool prometheus_metrics_enabled = true;     // GET /metrics
  bool ssl_enabled = false;                   // HTTPS instead of HTTP
  // PEM: the private key and the certificate (then its chain), in one file as Falco's.
  std::string ssl_certificate = "/etc/vigil/vigil.pem";
  bool operator==(const WebServer&) const = default;
};

struct Config {
  std::vector<std::string> rules_files;  // files or directories; empty: the built-in rules
  std::string priority = "debug";        // minimum rule priority, Falco's names, any case
  bool json_output = false;
  bool json_include_output_property = true;
  bool json_include_tags_property = true;
  bool buffered_outputs = false;   // false: flush every alert
  std::string log_level = "info";  // debug, info, warning, error (Falco's names accepted)

  bool stdout_enabled = true;  // stdout_output.enabled
  FileOutput file;
  SyslogOutput syslog;
  ProgramOutput program;
  HttpOutput http;
  WebServer webserver;
  uint32_t output_queue_size = 10000;  // outputs.queue_size: alerts waiting per output

  // Per rule: at most `rate` alerts a second with bursts of `max_burst`; 0: unlimited.
  double rate_limit_rate = 0;
  uint32_t rate_limit_max_burst = 1000;
  // Identical alerts (same rule and output) within this many seconds are one; 0: off.
  double dedup_window_s = 0;

  std::string docker_socket = "/var/run/docker.sock";
  uint32_t ring_buffer_mb = 4;
  std::string reader_thread = "auto";  // auto, on, off: decode on a second thread
  bool logs_enabled = true;            // scan running containers' Docker logs
  bool stats_enabled = false;
  // Resolve the domain names rules compare (fd.sip.name = example.com) with the system's
  // resolver; off by default: it sends DNS queries from the host.
  bool name_resolution_enabled = false;
  double stats_interval_s = 10;
  double duration_s = 0;  // stop after this long; 0: never
  bool audit_enabled = false;
  std::string audit_policy;  // implies audit
  // Baselines (docs/BASELINE.md): the profile store; empty: off.
  std::string baseline_store;
  std::string baseline_mode = "auto";  // learn, detect, auto
  double baseline_quiet_period_s = 3600;  // auto: learning ends after this long without news
  std::string baseline_key = "image";   // image, name, or label:KEY
  bool baseline_syscalls = true;  // the per-container syscall bitmap (a program on sys_enter)
  // Once the probes are attached, keep only the capabilities still needed (docs/DEPLOY.md).
  bool drop_capabilities = true;
};

// A value placed on top of the file: a flag or a `--set key=value`. `value` is YAML (so
// `--set rules_files=[a.yaml,b.yaml]` gives a list) unless `literal`, when it is taken as a
// plain string; `list` values are a sequence of literal strings. `origin` names it in errors.
struct Setting {
  std::string key;  // dotted: file_output.enabled
  std::string value;
  std::vector<std::string> list;
  bool is_list = false;
  bool literal = false;
  std::string origin;
};

// "key=value" from `--set`; an error when there is no '=' or no key.
Result<Setting> ParseSetArgument(std::string_view argument);

struct Loaded {
  Config config;
  std::vector<std::string> warnings;  // Falco keys accepted and ignored, one line each
};

// Parses config text; `file_name` prefixes the diagnostics. Every error in one Error message.
Result<Loaded> ParseConfig(std::string_view text, std::string_view file_name);
// Reads and parses a file.
Result<Loaded> LoadConfig(const std::string& path);
// Applies settings in order onto `loaded`, then checks the whole (every error reported).
Status ApplySettings(Loaded& loaded, const std::vector<Setting>& settings);
// The file (if `path` is not empty) with `settings` on top: what `vigil run -c` does.
Result<Loaded> BuildConfig(const std::string& path, const std::vector<Setting>& settings);

// Every key vigil reads, dotted, and the Falco keys it accepts and ignores.
std::vector<std::string> KnownKeys();
std::vector<std::string> IgnoredFalcoKeys();

}  // namespace vigil::config
