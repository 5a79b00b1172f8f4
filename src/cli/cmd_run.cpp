// `vigil run` and `vigil capture`: the sensor feeding the pipeline until a signal.
#include <linux/capability.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <initializer_list>

#include <fmt/core.h>

#include "audit/watcher.h"
#include "cli/agent_config.h"
#include "cli/commands.h"
#include "cli/pipeline.h"
#include "cli/run_baseline.h"
#include "common/clock.h"
#include "common/host.h"
#include "common/log.h"
#include "common/strings.h"
#include "events/capture.h"
#include "logscan/watcher.h"
#include "output/health.h"
#include "output/outputs.h"
#include "output/web_server.h"
#include "privileges/capabilities.h"
#include "rules/loader.h"
#include "runtime/metadata_service.h"
#include "sensor/sensor.h"
#include "state/name_resolver.h"
#include "state/proc_scan.h"

namespace vigil::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};  // SIGHUP: reload the config and rules
std::atomic<bool> g_reopen{false};  // SIGUSR1: reopen output files (logrotate)

// The agent's own CPU time and resident memory.
void SampleSelf(output::HealthCounters& c) {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    auto ns = [](const timeval& tv) {
      return static_cast<uint64_t>(tv.tv_sec) * 1'000'000'000ull +
             static_cast<uint64_t>(tv.tv_usec) * 1000ull;
    };
    c.cpu_ns = ns(usage.ru_utime) + ns(usage.ru_stime);
  }
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long size = 0, resident = 0;
    if (std::fscanf(f, "%lu %lu", &size, &resident) == 2) {
      c.rss_bytes = static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    }
    std::fclose(f);
  }
}

output::HealthCounters Sample(const EventPipeline& pipeline, const sensor::Sensor& sensor) {
  output::HealthCounters c;
  auto stats = sensor.Stats();
  c.events = pipeline.events();
  c.alerts = pipeline.alerts();
  c.kernel_sent = stats.kernel_sent;
  c.kernel_filtered = stats.kernel_filtered;
  c.kernel_dropped = stats.kernel_dropped;
  c.decode_errors = stats.decode_errors;
  c.kernel_dropped_per_cpu = std::move(stats.kernel_dropped_per_cpu);
  c.kernel_dropped_by_kind = std::move(stats.kernel_dropped_by_kind);
  c.ring_buffer_bytes = stats.ring_buffer_bytes;
  c.processes = pipeline.processes_tracked();
  c.containers = pipeline.containers_known();
  c.rule_eval_ns = pipeline.rule_eval_ns();
  if (const baseline::Engine* engine = pipeline.baseline()) {
    auto stats = engine->stats();
    c.baseline_profiles = stats.profiles;
    c.baseline_deviations = stats.deviations;
  }
  SampleSelf(c);
  return c;
}

// The kernel wakes the reader only once 256 KiB wait (see bpf/vigil_core.bpf.h); this timeout
// bounds how long a quiet trickle of records waits before the rules see it.
constexpr int kPollTimeoutMs = 20;

void OnSignal(int sig) {
  if (sig == SIGHUP) {
    g_reload.store(true);
  } else if (sig == SIGUSR1) {
    g_reopen.store(true);
  } else {
    g_stop.store(true);
  }
}

void Handle(std::initializer_list<int> signals) {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: let poll() return EINTR promptly
  for (int sig : signals) sigaction(sig, &action, nullptr);
}

// At once: SIGHUP and SIGUSR1 only raise flags (their default would end vigil while it starts),
// and a program output or a stdout reader that went away is an output error, not our death.
void InstallEarlySignalHandlers() {
  Handle({SIGHUP, SIGUSR1});
  signal(SIGPIPE, SIG_IGN);
}

void InstallSignalHandlers() {
  Handle({SIGINT, SIGTERM});
}

std::string OutputNames(const output::Outputs& outputs) {
  std::string names;
  for (const auto& [name, stats] : outputs.Stats()) names += (names.empty() ? "" : " ") + name;
  return names.empty() ? "none" : names;
}

std::string OutputStatsLine(const output::Outputs& outputs) {
  std::string line;
  for (const auto& [name, s] : outputs.Stats()) {
    line += fmt::format("{}{} {} delivered, {} dropped, {} queued{}", line.empty() ? "" : "; ",
                        name, s.delivered, s.dropped, s.queued,
                        s.spilled ? fmt::format(", {} spilled", s.spilled) : "");
  }
  return line.empty() ? "none" : line;
}

bool WantsOpens(const rules::RuleSet* set) {
  if (!set) return true;
  auto in_use = set->EventTypesInUse();
  for (auto t : {EventType::kOpen, EventType::kOpenat, EventType::kOpenat2, EventType::kCreat}) {
    if (in_use.test(static_cast<std::size_t>(t))) return true;
  }
  return false;
}

// What SIGHUP replaces: the config, the rules built from it, the minimum priority.
struct Running {
  config::Config config;
  std::unique_ptr<rules::RuleSet> rules;
  Priority min_priority = Priority::kDebug;
  uint64_t reloads_ok = 0;
  uint64_t reloads_rejected = 0;
};

// Between batches: swaps in the new config and rules, or keeps the running ones and says why.
void Reload(Running& running, const AgentOptions& options, const sensor::SensorOptions& attached,
            EventPipeline& pipeline, output::Outputs& outputs, NameResolver* resolver) {
  log::Info("SIGHUP: reloading the config and rules");
  auto reloaded = ReloadAgentConfig(options, running.config, attached);
  if (!reloaded) {
    log::Error("reload rejected, the running config and rules stay: {}", reloaded.error().message);
    ++running.reloads_rejected;
    return;
  }
  ++running.reloads_ok;
  running.config = std::move(reloaded->config);
  ParsePriority(running.config.priority, &running.min_priority);
  pipeline.SetRules(reloaded->rules.get());
  running.rules = std::move(reloaded->rules);  // the old rules go: no event is in flight
  if (resolver) resolver->Watch(running.rules->DomainNamesInUse());
  outputs.Configure(running.config);
  ApplyLogLevel(running.config.log_level);
  log::Info("reloaded: {} rules loaded, outputs: {}", running.rules->active_count(),
            OutputNames(outputs));
}

sensor::SensorOptions SensorOptionsFor(const rules::RuleSet* rules, const AgentOptions& options) {
  sensor::SensorOptions sensor_options;
  sensor_options.opens = WantsOpens(rules);
  // Only opens some loaded rule could match leave the kernel; a capture keeps them all.
  if (rules) sensor_options.open_filter = rules->OpenFilterInUse();
  // Other syscalls: those some rule matches (a capture records them all).
  for (std::size_t t = 0; t < kEventTypeCount; ++t) {
    auto type = static_cast<EventType>(t);
    if (IsGenericSyscall(type) && (!rules || rules->EventTypesInUse().test(t))) {
      sensor_options.syscalls.set(t);
    }
  }
  // send()/recv() on TCP connections only for rules that could match them.
  if (rules) {
    const auto tcp_wanted = rules->TcpDataInUse();
    for (std::size_t t = 0; t < kEventTypeCount; ++t) {
      if (rules::IsDataCall(static_cast<EventType>(t)) && !tcp_wanted.test(t)) {
        sensor_options.drop_tcp_data.set(t);
      }
    }
  }
  // Data buffers only where a rule reads them; a capture keeps them for any rule later.
  if (!rules || rules->ReadsField("evt.buffer")) sensor_options.buffer_bytes = sensor::kBufferSnaplen;
  sensor_options.ring_buffer_bytes = options.ring_buffer_mb << 20;
  sensor_options.reader_thread = options.reader_thread == "on"    ? sensor::ReaderThread::kOn
                                 : options.reader_thread == "off" ? sensor::ReaderThread::kOff
                                                                  : sensor::ReaderThread::kAuto;
  return sensor_options;
}

// The domain names the rules compare (fd.sip.name = example.com), kept resolved on a thread
// when the config asks for it; null otherwise (and said when rules compare names).
std::unique_ptr<NameResolver> StartNameResolver(const Running& running, bool capturing,
                                                const std::shared_ptr<DomainNames>& table) {
  if (capturing) return nullptr;
  const auto names = running.rules->DomainNamesInUse();
  if (!running.config.name_resolution_enabled) {
    if (!names.empty()) {
      log::Info("name resolution is off (--resolve-names, name_resolution.enabled): rules "
                "comparing addresses with {} domain name{} ({}) never match by name",
                names.size(), names.size() == 1 ? "" : "s",
                Join(std::vector<std::string>(names.begin(), names.end()), ", "));
    }
    return nullptr;
  }
  auto resolver = std::make_unique<NameResolver>(table);
  resolver->Watch(names);
  resolver->Start();
  log::Info("name resolution on: {} domain name{} the rules compare, looked up now", names.size(),
            names.size() == 1 ? "" : "s");
  return resolver;
}

// Least privilege, once the probes are attached and while vigil is one thread: keeps the
// capabilities still needed (privileges::NeededAfterAttach) and says which. False: not starting
// (what stands in the way is said on stderr).
bool DropCapabilities(const config::Config& config, bool capturing, const sensor::Sensor& sensor) {
  if (!config.drop_capabilities) {
    auto now = privileges::CurrentCaps();
    log::Info("capabilities kept (drop_capabilities: false): {}",
              now ? privileges::FormatCaps(now->effective) : now.error().message);
    return true;
  }
  const bool web_server = config.webserver.enabled && !capturing;
  privileges::CapSet keep = privileges::NeededAfterAttach(web_server, config.webserver.listen_port);
  // Kernels before 6.5 with kernel.unprivileged_bpf_disabled refuse a bpf() map lookup without
  // CAP_BPF: the drop counters would read as zeros. Asked of the kernel, not of its version.
  auto readable = privileges::WorksWithOnly(
      keep, [&sensor] { return static_cast<bool>(sensor.CheckCountersReadable()); });
  if (readable && !*readable) {
    keep.set(CAP_BPF);
    log::Warning("this kernel refuses BPF map reads without cap_bpf "
                 "(kernel.unprivileged_bpf_disabled before Linux 6.5): cap_bpf is kept");
  }
  auto dropped = readable ? privileges::DropCapabilitiesExcept(keep) : Fail(readable.error());
  if (!dropped) {
    fmt::print(stderr,
               "vigil: {}\nvigil: not starting (drop_capabilities: false keeps every "
               "capability)\n",
               dropped.error().message);
    return false;
  }
  log::Info("{}", privileges::DescribeDrop(*dropped));
  return true;
}

// The web server (/healthz, /metrics) when the config enables it; null otherwise.
Result<std::unique_ptr<output::WebServer>> StartWebServer(const Running& running, bool capturing) {
  if (capturing || !running.config.webserver.enabled) return nullptr;
  auto server = output::WebServer::Start(running.config.webserver);
  if (!server) return Fail(server.error());
  log::Info("web server on {}{}:{}: {}{}", running.config.webserver.ssl_enabled ? "https://" : "",
            running.config.webserver.listen_address, (*server)->port(),
            running.config.webserver.healthz_endpoint,
            running.config.webserver.prometheus_metrics_enabled ? " /metrics" : "");
  return std::move(*server);
}

void PublishMetrics(output::WebServer* server, output::HealthCounters counters,
                    const output::Outputs& outputs, const Running& running) {
  if (!server) return;
  output::MetricsSnapshot snapshot;
  snapshot.counters = std::move(counters);
  snapshot.outputs = outputs.Stats();
  snapshot.alerts_by_rule = outputs.alerts_by_rule();
  snapshot.alerts_suppressed = outputs.suppressed_total();
  snapshot.reloads_ok = running.reloads_ok;
  snapshot.reloads_rejected = running.reloads_rejected;
  server->Publish(output::FormatPrometheus(snapshot));
}

void EmitAuditAlerts(audit::AuditWatcher* watcher, Priority min_priority,
                     output::Outputs& outputs) {
  if (!watcher) return;
  for (const Alert& alert : watcher->TakeAlerts()) {
    if (alert.priority <= min_priority) outputs.Emit(alert);
  }
}

// At stop: the last internal alerts, then what the outputs hold is delivered (or spilled)
// within a grace period; the drops that leaves are said on stderr, the last place left.
void CloseOutputs(EventPipeline& pipeline, output::Outputs& outputs) {
  for (Alert& alert : outputs.Check(WallClockNs(), /*final=*/true)) {
    pipeline.EmitInternal(std::move(alert));
  }
  outputs.Close(output::Outputs::kGrace);
  for (const Alert& alert : outputs.Check(WallClockNs(), /*final=*/true)) {
    log::Error("{}", alert.output);
  }
}

// The agent's options with its config applied; for `run`, an error (exit 2) when the config
// is rejected. A capture reads no config.
Result<std::optional<config::Config>> ResolveConfig(const AgentOptions& given,
                                                    AgentOptions& options) {
  if (!given.capture_path.empty()) return std::nullopt;
  auto config = LoadAgentConfig(given);
  if (!config) return Fail(config.error());
  ApplyConfig(*config, options);
  ApplyLogLevel(config->log_level);
  return std::optional<config::Config>(std::move(*config));
}

// Reads the config (run) and loads the rules into `running`; an exit code when it cannot
// start (2: the config, 1: the rules), 0 otherwise.
int Prepare(const AgentOptions& given, AgentOptions& options, Running& running) {
  auto config = ResolveConfig(given, options);
  if (!config) {
    fmt::print(stderr, "{}\nvigil: configuration rejected; not starting\n", config.error().message);
    return 2;
  }
  const bool capturing = !options.capture_path.empty();
  if (*config) running.config = **config;
  if (!ParsePriority(options.min_priority, &running.min_priority)) {
    fmt::print(stderr, "vigil: unknown priority '{}'\n", options.min_priority);
    return 2;
  }
  if (!capturing) {
    running.rules = LoadRulesOrReport(options.rule_files);
    if (!running.rules) {
      fmt::print(stderr, "vigil: rules failed to load; not starting\n");
      return 1;
    }
    running.rules->SetMinimumPriority(running.min_priority);
  }
  return 0;
}

// The last line on stderr, and the capture's end; 1 when the capture failed.
int Report(const sensor::Sensor& sensor, const EventPipeline& pipeline, CaptureWriter* capture,
           const AgentOptions& options) {
  auto stats = sensor.Stats();
  log::Info(
      "stopped: {} events, {} alerts, {} kernel records sent, {} dropped, {} undecodable, "
      "{} opens filtered in the kernel",
      pipeline.events(), pipeline.alerts(), stats.kernel_sent, stats.kernel_dropped,
      stats.decode_errors, stats.kernel_filtered);
  if (capture) {
    if (auto s = capture->Finish(); !s) {
      log::Error("{}", s.error().message);
      return 1;
    }
    if (!pipeline.capture_status()) return 1;
    log::Info("capture {}: {} records", options.capture_path, capture->records());
  }
  return 0;
}

using SteadyTime = std::chrono::steady_clock::time_point;

// The agent's event loop: polls the sensor, applies SIGHUP and SIGUSR1 between batches, and
// does the periodic work every half second. Single-threaded; borrows everything it uses.
class EventLoop {
 public:
  EventLoop(const AgentOptions& given, const AgentOptions& options,
            const sensor::SensorOptions& attached, Running& running, sensor::Sensor& sensor,
            EventPipeline& pipeline, output::Outputs& outputs, audit::AuditWatcher* audit,
            logscan::LogWatcher* logs, output::AlertSink& log_sink, output::WebServer* web,
            baseline::Engine* baseline, NameResolver* resolver)
      : given_(given),
        options_(options),
        attached_(attached),
        running_(running),
        sensor_(sensor),
        pipeline_(pipeline),
        outputs_(outputs),
        audit_(audit),
        logs_(logs),
        log_sink_(log_sink),
        web_(web),
        baseline_(baseline),
        resolver_(resolver),
        handler_([&pipeline](Event& e) { pipeline.Handle(e); }),
        stats_before_(Sample(pipeline, sensor)) {}

  // Until SIGINT/SIGTERM, --duration or a sensor error; the exit code.
  int Run() {
    const bool capturing = !options_.capture_path.empty();
    const SteadyTime started = std::chrono::steady_clock::now();
    last_tick_ = last_stats_ = started;
    while (!g_stop.load()) {
      if (g_reload.exchange(false) && !capturing) {
        Reload(running_, given_, attached_, pipeline_, outputs_, resolver_);
      }
      if (g_reopen.exchange(false)) outputs_.Reopen();
      auto polled = sensor_.Poll(kPollTimeoutMs, handler_);
      if (!polled) {
        log::Error("{}", polled.error().message);
        return 1;
      }
      const SteadyTime now = std::chrono::steady_clock::now();
      if (now - last_tick_ >= std::chrono::milliseconds(500)) Tick(now);
      if (options_.duration_s > 0 &&
          std::chrono::duration<double>(now - started).count() >= options_.duration_s) {
        break;
      }
    }
    return 0;
  }

  // After Run: drains what the kernel already produced (nothing seen before the signal is
  // lost), raises the last internal alerts and closes the outputs.
  void Finish() {
    for (int i = 0; i < 64; ++i) {
      auto n = sensor_.Poll(0, handler_);
      if (!n || *n == 0) break;
    }
    pipeline_.Tick(WallClockNs());
    if (baseline_) {
      TickBaseline(*baseline_, sensor_, pipeline_.TakeForgottenCgroups(), WallClockNs());
      if (auto s = baseline_->Flush(); !s) log::Error("baseline: {}", s.error().message);
    }
    if (auto alert = drops_.Check(Sample(pipeline_, sensor_), WallClockNs(), /*final=*/true)) {
      pipeline_.EmitInternal(*alert);
    }
    if (audit_) audit_->Stop();
    EmitAuditAlerts(audit_, running_.min_priority, outputs_);
    if (logs_) logs_->Stop();
    EmitLogAlerts();
    CloseOutputs(pipeline_, outputs_);
  }

 private:
  void Tick(SteadyTime now) {
    last_tick_ = now;
    pipeline_.Tick(WallClockNs());
    if (baseline_) TickBaseline(*baseline_, sensor_, pipeline_.TakeForgottenCgroups(), WallClockNs());
    auto counters = Sample(pipeline_, sensor_);
    if (auto alert = drops_.Check(counters, WallClockNs())) pipeline_.EmitInternal(*alert);
    for (Alert& alert : outputs_.Check(WallClockNs())) pipeline_.EmitInternal(std::move(alert));
    EmitAuditAlerts(audit_, running_.min_priority, outputs_);
    EmitLogAlerts();
    PublishMetrics(web_, counters, outputs_, running_);
    const double since_stats = std::chrono::duration<double>(now - last_stats_).count();
    const double interval = StatsInterval();
    if (interval > 0 && since_stats >= interval) {
      log::Info("{}; outputs: {}", output::FormatStats(stats_before_, counters, since_stats),
                OutputStatsLine(outputs_));
      stats_before_ = std::move(counters);
      last_stats_ = now;
    }
  }

  void EmitLogAlerts() {
    if (!logs_) return;
    for (const Alert& alert : logs_->TakeAlerts()) {
      if (alert.priority <= running_.min_priority) log_sink_.Emit(alert);
    }
  }

  // The config's (a reload may change it); a capture's from its options.
  double StatsInterval() const {
    if (!options_.capture_path.empty()) return options_.stats_interval_s;
    const config::Config& c = running_.config;
    return c.stats_enabled ? c.stats_interval_s : 0;
  }

  const AgentOptions& given_;  // for reloads: the config file and settings as given
  const AgentOptions& options_;
  const sensor::SensorOptions& attached_;
  Running& running_;
  sensor::Sensor& sensor_;
  EventPipeline& pipeline_;
  output::Outputs& outputs_;
  audit::AuditWatcher* audit_;
  logscan::LogWatcher* logs_;    // null: container logs are not scanned
  output::AlertSink& log_sink_;  // log alerts go through the correlation with file opens
  output::WebServer* web_;
  baseline::Engine* baseline_;  // null: baselines are off
  NameResolver* resolver_;      // null: domain names are not resolved
  const sensor::Sensor::Handler handler_;
  output::DropReporter drops_;
  SteadyTime last_tick_;
  SteadyTime last_stats_;
  output::HealthCounters stats_before_;
};

}  // namespace

int RunAgent(const AgentOptions& given) {
  InstallEarlySignalHandlers();
  AgentOptions options = given;
  Running running;
  if (int code = Prepare(given, options, running); code != 0) return code;
  const bool capturing = !options.capture_path.empty();
  // Start-up order (least privilege): what can fail is checked first; then the probes are
  // attached while vigil is still one thread, the capabilities it no longer needs are dropped,
  // and only then do threads start (outputs, metadata, audit, logs, the sensor's reader, the
  // web server): capabilities are per thread, and a new thread inherits its creator's.
  // vigil audit's checks on each container that starts (--audit); null when not asked for.
  auto audit_watcher = MakeAuditWatcher(options, Hostname());
  if (!audit_watcher) {
    fmt::print(stderr, "{}\nvigil: audit policy failed to load; not starting\n",
               audit_watcher.error().message);
    return 1;
  }
  // vigil logscan on every running container's Docker log (--logs); null when not asked for.
  auto log_watcher = MakeLogWatcher(options, Hostname());
  std::unique_ptr<CaptureWriter> capture;
  if (capturing) {
    auto writer = CaptureWriter::Create(options.capture_path);
    if (!writer) {
      fmt::print(stderr, "vigil: {}\n", writer.error().message);
      return 1;
    }
    capture = std::move(*writer);
  }

  // Learned profiles per image (--baseline); deviations go out like rule alerts, through the
  // sink the outputs make once threads may start (no deviation is raised before the pipeline).
  output::AlertSink* baseline_sink = nullptr;
  auto baseline = StartBaseline(options, Hostname(), [&](const Alert& alert) {
    if (baseline_sink && alert.priority <= running.min_priority) baseline_sink->Emit(alert);
  });
  if (!baseline) {
    fmt::print(stderr, "vigil: {}\nvigil: not starting\n", baseline.error().message);
    return 1;
  }

  sensor::SensorOptions sensor_options = SensorOptionsFor(running.rules.get(), options);
  if (baseline->engine) AddBaselineSensing(sensor_options, options.baseline_syscalls);
  auto sensor = sensor::Sensor::Open(sensor_options);
  if (!sensor) {
    fmt::print(stderr, "vigil: {}\n", sensor.error().message);
    return 1;
  }
  if (!DropCapabilities(running.config, capturing, **sensor)) return 1;

  // Threads from here on. Every output the config enables, each with its own queue and thread.
  output::Outputs outputs;
  if (!capturing) outputs.Configure(running.config);
  // With --logs: an HTTP attack and the container's open of the file it named, linked.
  auto correlating_sink = CorrelateLogAlerts(log_watcher.get(), outputs);
  output::AlertSink& alert_sink = correlating_sink ? *correlating_sink : outputs;
  baseline_sink = &alert_sink;
  ContainerMetadataService metadata{DockerClient(options.docker_socket)};
  metadata.Start();
  auto domain_names = std::make_shared<DomainNames>();
  auto name_resolver = StartNameResolver(running, capturing, domain_names);
  if (*audit_watcher) (*audit_watcher)->Start();
  if (log_watcher) log_watcher->Start();
  (*sensor)->StartThreads();

  PipelineOptions pipeline_options;
  pipeline_options.rules = running.rules.get();
  pipeline_options.sink = &alert_sink;
  pipeline_options.metadata = &metadata;
  pipeline_options.capture = capture.get();
  pipeline_options.baseline = baseline->engine.get();
  pipeline_options.hostname = Hostname();
  if (name_resolver) pipeline_options.domain_names = domain_names.get();
  EventPipeline pipeline(pipeline_options);

  // What already runs, after the probes are attached so nothing falls between the two.
  for (auto& event : ScanProcesses()) pipeline.Handle(event);

  auto web_server = StartWebServer(running, capturing);
  if (!web_server) {
    fmt::print(stderr, "vigil: {}\n", web_server.error().message);
    return 1;
  }
  PublishMetrics(web_server->get(), Sample(pipeline, **sensor), outputs, running);

  InstallSignalHandlers();
  log::Info("kernel hooks beyond tracepoints: {}; the sensor uses tracepoints",
            (*sensor)->HooksSummary());
  if (capturing) {
    log::Info("ready: capturing to {} (probes: {})", options.capture_path,
              (*sensor)->AttachedSummary());
  } else {
    log::Info("ready: {} rules loaded, probes: {}", running.rules->active_count(),
              (*sensor)->AttachedSummary());
  }

  EventLoop loop(given, options, sensor_options, running, **sensor, pipeline, outputs,
                 audit_watcher->get(), log_watcher.get(), alert_sink, web_server->get(),
                 baseline->engine.get(), name_resolver.get());
  const int exit_code = loop.Run();
  loop.Finish();
  metadata.Stop();
  if (name_resolver) name_resolver->Stop();
  if (int code = Report(**sensor, pipeline, capture.get(), options); code != 0) return code;
  return exit_code;
}

}  // namespace vigil::cli
