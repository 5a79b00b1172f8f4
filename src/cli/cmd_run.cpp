// `vigil run` and `vigil capture`: the sensor feeding the pipeline until a signal.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>

#include <fmt/core.h>

#include "audit/watcher.h"
#include "logscan/watcher.h"
#include "cli/commands.h"
#include "cli/pipeline.h"
#include "common/clock.h"
#include "common/host.h"
#include "common/log.h"
#include "events/capture.h"
#include "output/health.h"
#include "output/sink.h"
#include "rules/loader.h"
#include "runtime/metadata_service.h"
#include "sensor/sensor.h"
#include "state/proc_scan.h"

namespace vigil::cli {
namespace {

std::atomic<bool> g_stop{false};

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
  SampleSelf(c);
  return c;
}

// The kernel wakes the reader only once 256 KiB wait (see bpf/vigil_core.bpf.h); this timeout
// bounds how long a quiet trickle of records waits before the rules see it.
constexpr int kPollTimeoutMs = 20;

void OnSignal(int) { g_stop.store(true); }

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: let poll() return EINTR promptly
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool WantsOpens(const rules::RuleSet* set) {
  if (!set) return true;
  auto in_use = set->EventTypesInUse();
  for (auto t : {EventType::kOpen, EventType::kOpenat, EventType::kOpenat2, EventType::kCreat}) {
    if (in_use.test(static_cast<std::size_t>(t))) return true;
  }
  return false;
}

}  // namespace

int RunAgent(const AgentOptions& options) {
  const bool capturing = !options.capture_path.empty();
  Priority min_priority = Priority::kDebug;
  if (!ParsePriority(options.min_priority, &min_priority)) {
    fmt::print(stderr, "vigil: unknown priority '{}'\n", options.min_priority);
    return 2;
  }
  std::unique_ptr<rules::RuleSet> rule_set;
  if (!capturing) {
    rule_set = LoadRulesOrReport(options.rule_files);
    if (!rule_set) {
      fmt::print(stderr, "vigil: rules failed to load; not starting\n");
      return 1;
    }
    rule_set->SetMinimumPriority(min_priority);
  }
  // vigil audit's checks on each container that starts (--audit); null when not asked for.
  auto audit_watcher = StartAuditWatcher(options, Hostname());
  if (!audit_watcher) {
    fmt::print(stderr, "{}\nvigil: audit policy failed to load; not starting\n",
               audit_watcher.error().message);
    return 1;
  }
  // vigil logscan on every running container's Docker log (--logs); null when not asked for.
  auto log_watcher = StartLogWatcher(options, Hostname());
  std::unique_ptr<CaptureWriter> capture;
  if (capturing) {
    auto writer = CaptureWriter::Create(options.capture_path);
    if (!writer) {
      fmt::print(stderr, "vigil: {}\n", writer.error().message);
      return 1;
    }
    capture = std::move(*writer);
  }

  output::StreamSink sink(stdout, options.output == "json" ? output::Format::kJson
                                                           : output::Format::kText);
  // With --logs: an HTTP attack and the container's open of the file it named, linked.
  auto correlating_sink = CorrelateLogAlerts(log_watcher.get(), sink);
  output::AlertSink& alert_sink = correlating_sink ? *correlating_sink : sink;
  ContainerMetadataService metadata{DockerClient(options.docker_socket)};
  metadata.Start();

  sensor::SensorOptions sensor_options;
  sensor_options.opens = WantsOpens(rule_set.get());
  // Only opens some loaded rule could match leave the kernel; a capture keeps them all.
  if (rule_set) sensor_options.open_filter = rule_set->OpenFilterInUse();
  // Other syscalls: those some rule matches (a capture records them all).
  for (std::size_t t = 0; t < kEventTypeCount; ++t) {
    auto type = static_cast<EventType>(t);
    if (IsGenericSyscall(type) && (!rule_set || rule_set->EventTypesInUse().test(t))) {
      sensor_options.syscalls.set(t);
    }
  }
  sensor_options.ring_buffer_bytes = options.ring_buffer_mb << 20;
  sensor_options.reader_thread = options.reader_thread == "on"    ? sensor::ReaderThread::kOn
                                 : options.reader_thread == "off" ? sensor::ReaderThread::kOff
                                                                  : sensor::ReaderThread::kAuto;
  auto sensor = sensor::Sensor::Open(sensor_options);
  if (!sensor) {
    fmt::print(stderr, "vigil: {}\n", sensor.error().message);
    return 1;
  }

  PipelineOptions pipeline_options;
  pipeline_options.rules = rule_set.get();
  pipeline_options.sink = &alert_sink;
  pipeline_options.metadata = &metadata;
  pipeline_options.capture = capture.get();
  pipeline_options.hostname = Hostname();
  EventPipeline pipeline(pipeline_options);

  // What already runs, after the probes are attached so nothing falls between the two.
  for (auto& event : ScanProcesses()) pipeline.Handle(event);

  InstallSignalHandlers();
  if (capturing) {
    log::Info("ready: capturing to {} (probes: {})", options.capture_path,
              (*sensor)->AttachedSummary());
  } else {
    log::Info("ready: {} rules loaded, probes: {}", rule_set->active_count(),
              (*sensor)->AttachedSummary());
  }

  const auto started = std::chrono::steady_clock::now();
  auto last_tick = started;
  output::DropReporter drops;
  auto last_stats = started;
  output::HealthCounters stats_before = Sample(pipeline, **sensor);
  const sensor::Sensor::Handler handler = [&pipeline](Event& e) { pipeline.Handle(e); };
  int exit_code = 0;
  while (!g_stop.load()) {
    auto polled = (*sensor)->Poll(kPollTimeoutMs, handler);
    if (!polled) {
      log::Error("{}", polled.error().message);
      exit_code = 1;
      break;
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_tick >= std::chrono::milliseconds(500)) {
      last_tick = now;
      pipeline.Tick(WallClockNs());
      auto counters = Sample(pipeline, **sensor);
      if (auto alert = drops.Check(counters, WallClockNs())) pipeline.EmitInternal(*alert);
      if (*audit_watcher) {
        for (const Alert& alert : (*audit_watcher)->TakeAlerts()) {
          if (alert.priority <= min_priority) sink.Emit(alert);
        }
      }
      if (log_watcher) {
        for (const Alert& alert : log_watcher->TakeAlerts()) {
          if (alert.priority <= min_priority) alert_sink.Emit(alert);
        }
      }
      const double since_stats = std::chrono::duration<double>(now - last_stats).count();
      if (options.stats_interval_s > 0 && since_stats >= options.stats_interval_s) {
        log::Info("{}", output::FormatStats(stats_before, counters, since_stats));
        stats_before = std::move(counters);
        last_stats = now;
      }
    }
    if (options.duration_s > 0 &&
        std::chrono::duration<double>(now - started).count() >= options.duration_s) {
      break;
    }
  }
  // Drain what the kernel already produced, so nothing seen before the signal is lost.
  for (int i = 0; i < 64; ++i) {
    auto n = (*sensor)->Poll(0, handler);
    if (!n || *n == 0) break;
  }
  pipeline.Tick(WallClockNs());
  if (auto alert = drops.Check(Sample(pipeline, **sensor), WallClockNs(), /*final=*/true)) {
    pipeline.EmitInternal(*alert);
  }
  if (*audit_watcher) {
    (*audit_watcher)->Stop();
    for (const Alert& alert : (*audit_watcher)->TakeAlerts()) {
      if (alert.priority <= min_priority) sink.Emit(alert);
    }
  }
  if (log_watcher) {
    log_watcher->Stop();
    for (const Alert& alert : log_watcher->TakeAlerts()) {
      if (alert.priority <= min_priority) alert_sink.Emit(alert);
    }
  }
  sink.Flush();
  metadata.Stop();
  auto stats = (*sensor)->Stats();
  log::Info("stopped: {} events, {} alerts, {} kernel records sent, {} dropped, {} undecodable, "
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
  return exit_code;
}

}  // namespace vigil::cli
