#include "output/outputs.h"

#include <fmt/core.h>

#include "common/clock.h"
#include "common/log.h"
#include "output/http_output.h"
#include "output/queued_output.h"
#include "output/writers.h"

namespace vigil::output {
namespace {

LineFormat FormatOf(const config::Config& c) {
  LineFormat f;
  f.json = c.json_output;
  f.json_options.include_output = c.json_include_output_property;
  f.json_options.include_tags = c.json_include_tags_property;
  f.buffered = c.buffered_outputs;
  return f;
}

std::string Spec(const LineFormat& f, std::size_t queue) {
  return fmt::format("{}/{}/{}/{}/{}", f.json, f.json_options.include_output,
                     f.json_options.include_tags, f.buffered, queue);
}

}  // namespace

Outputs::~Outputs() {
  Close(std::chrono::milliseconds(0));
}

void Outputs::Put(const std::string& name, bool enabled, const std::string& spec,
                  const std::function<std::unique_ptr<Output>()>& make) {
  auto it = slots_.find(name);
  if (it != slots_.end() && enabled && it->second.spec == spec) return;  // unchanged: keep
  if (it != slots_.end()) {
    it->second.output->Close(kGrace);
    const uint64_t dropped = it->second.output->Stats().dropped;
    carried_dropped_ += dropped - std::min(dropped, it->second.reported_dropped);
    slots_.erase(it);
  }
  if (enabled) slots_[name] = Slot{spec, make(), 0};
}

void Outputs::Configure(const config::Config& c) {
  const LineFormat format = FormatOf(c);
  const std::size_t queue = c.output_queue_size;
  const std::string base = Spec(format, queue);
  Put("stdout", c.stdout_enabled, base, [&] {
    return std::make_unique<QueuedOutput>("stdout", MakeStreamWriter(stdout_, format.buffered),
                                          format, queue);
  });
  Put("file", c.file.enabled, fmt::format("{}/{}/{}", base, c.file.keep_alive, c.file.filename),
      [&] {
        return std::make_unique<QueuedOutput>(
            "file", MakeFileWriter(c.file.filename, c.file.keep_alive, format.buffered), format,
            queue);
      });
  Put("syslog", c.syslog.enabled, fmt::format("{}/{}", base, c.syslog.socket), [&] {
    return std::make_unique<QueuedOutput>("syslog", MakeSyslogWriter(c.syslog.socket), format,
                                          queue);
  });
  Put("program", c.program.enabled,
      fmt::format("{}/{}/{}", base, c.program.keep_alive, c.program.program), [&] {
        return std::make_unique<QueuedOutput>(
            "program", MakeProgramWriter(c.program.program, c.program.keep_alive), format, queue);
      });
  // The HTTP body is always JSON; only the json_include_* keys shape it.
  const auto& h = c.http;
  const std::string http_spec =
      fmt::format("{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}", Spec(format, queue), h.url,
                  h.user_agent, h.insecure, h.ca_cert, h.ca_bundle, h.ca_path, h.mtls,
                  h.client_cert, h.client_key, h.keep_alive, h.timeout_s, h.retry_initial_s,
                  h.retry_max_s, h.retries_before_spill, h.spill_file, h.spill_max_mb);
  Put("http", h.enabled, http_spec, [&] {
    return std::make_unique<HttpOutput>(MakeCurlTransport(h), SpillOptionsFor(h, queue),
                                        format.json_options);
  });
  GateOptions gate;
  gate.rate = c.rate_limit_rate;
  gate.max_burst = c.rate_limit_max_burst;
  gate.dedup_window_ns = static_cast<uint64_t>(c.dedup_window_s * 1e9);
  if (!(gate == gate_.options())) {
    // What the old gate held back and no alert carried yet is still reported by Check().
    if (auto unreported = gate_.TakeUnreported(WallClockNs(), 0, /*final=*/true)) {
      pending_internal_.push_back(std::move(*unreported));
    }
    suppressed_before_ += gate_.suppressed_total();
    gate_ = AlertGate(gate);
  }
}

void Outputs::Emit(const Alert& alert) {
  auto counted = alerts_by_rule_.find(alert.rule);
  if (counted == alerts_by_rule_.end())
    counted = alerts_by_rule_.emplace(alert.rule, std::array<uint64_t, 8>{}).first;
  ++counted->second[static_cast<std::size_t>(alert.priority) % counted->second.size()];
  uint64_t suppressed = 0;
  if (alert.source != "internal" && !gate_.Admit(alert, WallClockNs(), &suppressed)) return;
  if (suppressed == 0) {
    for (auto& [name, slot] : slots_) slot.output->Enqueue(alert);
    return;
  }
  Alert marked = alert;
  MarkSuppressed(marked, suppressed);
  for (auto& [name, slot] : slots_) slot.output->Enqueue(marked);
}

void Outputs::Reopen() {
  for (auto& [name, slot] : slots_) slot.output->Reopen();
}

std::optional<Alert> Outputs::DropAlert(uint64_t now_ns, bool final) {
  uint64_t dropped = carried_dropped_;
  std::string by_output;
  for (const auto& [name, slot] : slots_) {
    const uint64_t d = slot.output->Stats().dropped;
    const uint64_t delta = d - std::min(d, slot.reported_dropped);
    dropped += delta;
    if (delta > 0) by_output += fmt::format("{}{}={}", by_output.empty() ? "" : " ", name, delta);
  }
  if (dropped == 0) return std::nullopt;
  if (!final && drop_alerted_ && now_ns - last_drop_alert_ns_ < kDropReportIntervalNs) {
    return std::nullopt;
  }
  for (auto& [name, slot] : slots_) slot.reported_dropped = slot.output->Stats().dropped;
  if (carried_dropped_ > 0) {
    by_output +=
        fmt::format("{}replaced outputs={}", by_output.empty() ? "" : " ", carried_dropped_);
  }
  carried_dropped_ = 0;
  dropped_total_ += dropped;
  last_drop_alert_ns_ = now_ns;
  drop_alerted_ = true;
  Alert alert;
  alert.time_ns = now_ns;
  alert.rule = "vigil internal: alerts dropped";
  alert.priority = Priority::kCritical;
  alert.source = "internal";
  alert.tags = {"vigil", "internal"};
  alert.output = fmt::format(
      "vigil internal: alerts dropped. {} alerts were not delivered by some outputs since the "
      "last report ({} since start; {}). See the errors on stderr.",
      dropped, dropped_total_, by_output);
  alert.output_fields = {{"n_alerts_dropped", dropped},
                         {"n_alerts_dropped_total", dropped_total_},
                         {"n_alerts_dropped_by_output", by_output}};
  return alert;
}

std::vector<Alert> Outputs::Check(uint64_t now_ns, bool final) {
  std::vector<Alert> out = std::move(pending_internal_);
  pending_internal_.clear();
  const uint64_t after = std::max<uint64_t>(gate_.options().dedup_window_ns, 10'000'000'000ull);
  if (auto a = gate_.TakeUnreported(now_ns, after, final)) out.push_back(std::move(*a));
  if (auto a = DropAlert(now_ns, final)) out.push_back(std::move(*a));
  return out;
}

void Outputs::Close(std::chrono::milliseconds grace) {
  for (auto& [name, slot] : slots_) slot.output->Close(grace);
}

std::vector<std::pair<std::string, OutputStats>> Outputs::Stats() const {
  std::vector<std::pair<std::string, OutputStats>> out;
  for (const auto& [name, slot] : slots_) out.emplace_back(name, slot.output->Stats());
  return out;
}

}  // namespace vigil::output
