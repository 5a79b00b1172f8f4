#include "audit/watcher.h"

#include <fmt/core.h>

#include <chrono>

#include "audit/collector.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "events/image_ref.h"

namespace vigil::audit {

std::optional<Alert> ContainerStartAlert(const ContainerReport& report, const Json& container,
                                         Severity min_severity, const std::string& hostname,
                                         uint64_t time_ns) {
  std::vector<std::string> listed;
  for (const Finding& finding : report.findings) {  // worst first
    if (finding.severity < min_severity) break;
    listed.push_back(fmt::format("{}({})", finding.check, SeverityName(finding.severity)));
  }
  if (listed.empty()) return std::nullopt;
  const Finding& worst = report.findings.front();
  ImageRef image = ParseImageRef(report.image);
  Alert alert;
  alert.time_ns = time_ns;
  alert.rule = "Container started with insecure configuration";
  alert.priority = SeverityPriority(worst.severity);
  alert.source = "audit";
  alert.hostname = hostname;
  alert.tags = {"container", "audit", "cis"};
  const std::string findings = Join(listed, ", ");
  alert.output = fmt::format(
      "Container started with insecure configuration (container_id={} container_name={} "
      "image={} findings={} first={}: {})",
      report.id, EscapeForDisplay(report.name, 128), EscapeForDisplay(report.image, 256), findings,
      worst.check, worst.detail);
  alert.output_fields = {
      {"container.id", report.id},
      {"container.name", report.name},
      {"container.image.repository", image.repository},
      {"container.image.tag", image.tag},
      {"container.privileged", JsonBool(container, {"HostConfig", "Privileged"}).value_or(false)},
      {"audit.findings", findings},
      {"audit.count", static_cast<int64_t>(listed.size())},
      {"audit.worst", std::string(SeverityName(worst.severity))},
  };
  return alert;
}

void AuditWatcher::Start() {
  if (running_.exchange(true)) return;
  if (!client_.SocketPresent()) {
    log::Info("audit: no Docker engine socket at {}: containers that start are not audited",
              client_.socket_path());
    return;
  }
  thread_ = std::thread([this] { Follow(); });
}

void AuditWatcher::Stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
}

std::vector<Alert> AuditWatcher::TakeAlerts() {
  std::lock_guard lock(mutex_);
  std::vector<Alert> out;
  out.swap(alerts_);
  return out;
}

void AuditWatcher::AuditStarted(const std::string& id) {
  auto info = client_.GetJson("/info");
  CollectOptions options;
  options.examine_changes = false;  // a container that just started has not drifted yet
  auto input = CollectContainer(client_, id, info ? *info : Json(), options);
  if (!input) {
    log::Debug("audit: {}", input.error().message);
    return;
  }
  ContainerReport report = AuditContainer(*input, policy_);
  auto alert =
      ContainerStartAlert(report, input->container, min_severity_, hostname_, WallClockNs());
  if (!alert) return;
  std::lock_guard lock(mutex_);
  alerts_.push_back(std::move(*alert));
}

void AuditWatcher::Follow() {
  while (running_) {
    auto status = client_.StreamEvents(
        [this](const Json& event) {
          const std::string action = JsonString(event, {"Action"});
          const std::string id = JsonString(event, {"id"});
          if (action == "start" && id.size() >= 12 &&
              id.find_first_not_of("0123456789abcdef") == std::string::npos) {
            AuditStarted(id);
          }
        },
        [this] { return running_.load(); });
    if (!status) log::Debug("audit: {}", status.error().message);
    // The engine restarted or the stream broke: reconnect after a pause.
    for (int i = 0; i < 10 && running_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace vigil::audit
