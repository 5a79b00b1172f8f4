#include "output/health.h"

#include <fmt/core.h>

namespace vigil::output {
namespace {

std::string PerCpu(const std::vector<uint64_t>& counts) {
  std::string out;
  for (std::size_t cpu = 0; cpu < counts.size(); ++cpu) {
    if (counts[cpu] == 0) continue;
    if (!out.empty()) out += ' ';
    out += fmt::format("cpu{}={}", cpu, counts[cpu]);
  }
  return out.empty() ? "none" : out;
}

std::string ByKind(const std::vector<std::pair<std::string, uint64_t>>& counts) {
  std::string out;
  for (const auto& [kind, n] : counts) {
    if (n == 0) continue;
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", kind, n);
  }
  return out.empty() ? "none" : out;
}

double Rate(uint64_t before, uint64_t after, double seconds) {
  return seconds > 0 && after >= before ? static_cast<double>(after - before) / seconds : 0;
}

}  // namespace

std::optional<Alert> DropReporter::Check(const HealthCounters& c, uint64_t now_ns, bool final) {
  const uint64_t kernel = c.kernel_dropped - std::min(c.kernel_dropped, reported_kernel_);
  const uint64_t decode = c.decode_errors - std::min(c.decode_errors, reported_decode_);
  if (kernel + decode == 0) return std::nullopt;
  if (!final && alerted_ && now_ns - last_alert_ns_ < min_interval_ns_) return std::nullopt;
  const uint64_t events = c.events - std::min(c.events, reported_events_);
  const uint64_t total = c.kernel_dropped + c.decode_errors;
  Alert alert;
  alert.time_ns = now_ns;
  alert.rule = "vigil internal: event drop";
  alert.priority = Priority::kCritical;
  alert.source = "internal";
  alert.tags = {"vigil", "internal"};
  alert.output = fmt::format(
      "vigil internal: event drop. {} events lost since the last report ({} since start): {} "
      "when the kernel ring buffer was full ({}; per CPU: {}), {} undecodable; {} events were "
      "evaluated meanwhile. Alerts may be missing: raise --ring-buffer-mb or narrow the rules.",
      kernel + decode, total, kernel, ByKind(c.kernel_dropped_by_kind),
      PerCpu(c.kernel_dropped_per_cpu), decode, events);
  alert.output_fields = {
      {"n_drops", kernel + decode},
      {"n_drops_total", total},
      {"n_drops_buffer", kernel},
      {"n_drops_decode", decode},
      {"n_drops_by_kind", ByKind(c.kernel_dropped_by_kind)},
      {"n_drops_per_cpu", PerCpu(c.kernel_dropped_per_cpu)},
      {"n_evts", events},
  };
  reported_kernel_ = c.kernel_dropped;
  reported_decode_ = c.decode_errors;
  reported_events_ = c.events;
  last_alert_ns_ = now_ns;
  alerted_ = true;
  return alert;
}

std::string FormatStats(const HealthCounters& p, const HealthCounters& n, double seconds) {
  const double cpu_pct = seconds > 0 ? Rate(p.cpu_ns, n.cpu_ns, seconds) / 1e7 : 0;
  return fmt::format(
      "stats: {:.0f} events/s evaluated, {:.0f} alerts/s; kernel: {:.0f} records/s sent, {:.0f} "
      "opens/s filtered, {} dropped ({} since start), {} undecodable; agent cpu {:.1f}% of a "
      "core, rss {:.1f} MB ({:.1f} MB of it maps the {:.0f} MB ring buffer twice); state: {} "
      "processes, {} containers",
      Rate(p.events, n.events, seconds), Rate(p.alerts, n.alerts, seconds),
      Rate(p.kernel_sent, n.kernel_sent, seconds),
      Rate(p.kernel_filtered, n.kernel_filtered, seconds),
      n.kernel_dropped - std::min(n.kernel_dropped, p.kernel_dropped), n.kernel_dropped,
      n.decode_errors, cpu_pct, static_cast<double>(n.rss_bytes) / (1 << 20),
      2.0 * static_cast<double>(n.ring_buffer_bytes) / (1 << 20),
      static_cast<double>(n.ring_buffer_bytes) / (1 << 20), n.processes, n.containers);
}

}  // namespace vigil::output
