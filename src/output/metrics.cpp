#include "output/metrics.h"

#include <fmt/core.h>

namespace vigil::output {
namespace {

void Metric(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void Sample(std::string& out, std::string_view name, uint64_t value) {
  out += fmt::format("{} {}\n", name, value);
}

void Counters(std::string& out, const HealthCounters& c) {
  const std::pair<const char*, std::pair<const char*, uint64_t>> counters[] = {
      {"vigil_events_total", {"Events evaluated by the rules", c.events}},
      {"vigil_alerts_total", {"Alerts raised by the rules", c.alerts}},
      {"vigil_kernel_records_sent_total",
       {"Records the kernel put in the ring buffer", c.kernel_sent}},
      {"vigil_kernel_opens_filtered_total",
       {"Opens kept in the kernel: no rule wants them", c.kernel_filtered}},
      {"vigil_kernel_records_dropped_total",
       {"Records lost: the ring buffer was full", c.kernel_dropped}},
      {"vigil_decode_errors_total", {"Records lost in user space: undecodable", c.decode_errors}},
      {"vigil_baseline_deviations_total",
       {"Alerts on behaviour new to an image's baseline", c.baseline_deviations}},
  };
  for (const auto& [name, what] : counters) {
    Metric(out, name, "counter", what.first);
    Sample(out, name, what.second);
  }
  Metric(out, "vigil_cpu_seconds_total", "counter", "The agent's CPU time, user and system");
  out += fmt::format("vigil_cpu_seconds_total {:.3f}\n", static_cast<double>(c.cpu_ns) / 1e9);
  Metric(out, "vigil_rule_evaluation_seconds_total", "counter",
         "Time spent evaluating rules (estimated from one event in 32)");
  out += fmt::format("vigil_rule_evaluation_seconds_total {:.6f}\n",
                     static_cast<double>(c.rule_eval_ns) / 1e9);
  const std::pair<const char*, std::pair<const char*, uint64_t>> gauges[] = {
      {"vigil_resident_memory_bytes", {"The agent's resident memory", c.rss_bytes}},
      {"vigil_ring_buffer_bytes", {"The kernel ring buffer's size", c.ring_buffer_bytes}},
      {"vigil_processes_tracked", {"Processes in the state table", c.processes}},
      {"vigil_containers_known", {"Containers with metadata", c.containers}},
      {"vigil_baseline_profiles", {"Baseline profiles held (--baseline)", c.baseline_profiles}},
  };
  for (const auto& [name, what] : gauges) {
    Metric(out, name, "gauge", what.first);
    Sample(out, name, what.second);
  }
}

void Outputs(std::string& out, const std::vector<std::pair<std::string, OutputStats>>& outputs) {
  struct Field {
    const char* name;
    const char* type;
    const char* help;
    uint64_t OutputStats::*member;
  };
  const Field fields[] = {
      {"vigil_output_delivered_total", "counter", "Alerts an output delivered",
       &OutputStats::delivered},
      {"vigil_output_dropped_total", "counter", "Alerts an output dropped (never delivered)",
       &OutputStats::dropped},
      {"vigil_output_failures_total", "counter", "Deliveries that failed (some retried)",
       &OutputStats::failed_attempts},
      {"vigil_output_queue_depth", "gauge", "Alerts waiting in an output's memory queue",
       &OutputStats::queued},
      {"vigil_output_spilled", "gauge", "Alerts waiting in an output's spill file",
       &OutputStats::spilled},
  };
  for (const Field& f : fields) {
    Metric(out, f.name, f.type, f.help);
    for (const auto& [name, stats] : outputs) {
      out += fmt::format("{}{{output=\"{}\"}} {}\n", f.name, EscapeLabel(name), stats.*f.member);
    }
  }
}

}  // namespace

std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatPrometheus(const MetricsSnapshot& s) {
  std::string out;
  Counters(out, s.counters);
  Metric(out, "vigil_alerts_by_rule_total", "counter",
         "Alerts emitted, by rule and priority (internal alerts included)");
  for (const auto& [rule, by_priority] : s.alerts_by_rule) {
    for (std::size_t p = 0; p < by_priority.size(); ++p) {
      if (by_priority[p] == 0) continue;
      out += fmt::format("vigil_alerts_by_rule_total{{rule=\"{}\",priority=\"{}\"}} {}\n",
                         EscapeLabel(rule), PriorityName(static_cast<Priority>(p)), by_priority[p]);
    }
  }
  Metric(out, "vigil_alerts_suppressed_total", "counter",
         "Alerts held back by rate limits and deduplication");
  Sample(out, "vigil_alerts_suppressed_total", s.alerts_suppressed);
  Outputs(out, s.outputs);
  Metric(out, "vigil_config_reloads_total", "counter", "SIGHUP reloads, applied or rejected");
  out += fmt::format("vigil_config_reloads_total{{result=\"applied\"}} {}\n", s.reloads_ok);
  out += fmt::format("vigil_config_reloads_total{{result=\"rejected\"}} {}\n", s.reloads_rejected);
  return out;
}

}  // namespace vigil::output
