// The audit inside `vigil run`: follows the engine's container start events, audits each
// container that starts, and turns findings at or above a severity into one Alert per
// container (source "audit"), for the event loop to hand to its sink.
//
// Thread-safe. One thread of its own (follow, inspect, audit); the event loop takes the alerts
// with TakeAlerts() between batches, so the sink is only ever used from the loop.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit/auditor.h"
#include "events/alert.h"
#include "runtime/docker_client.h"

namespace vigil::audit {

// The alert for a container that starts with findings at or above `min_severity`; nullopt
// when it has none. Priority follows the worst finding (critical -> Critical, high -> Error,
// medium -> Warning, low -> Notice, info -> Informational).
std::optional<Alert> ContainerStartAlert(const ContainerReport& report, const Json& container,
                                         Severity min_severity, const std::string& hostname,
                                         uint64_t time_ns);

class AuditWatcher {
 public:
  AuditWatcher(DockerClient client, Policy policy, Severity min_severity, std::string hostname)
      : client_(std::move(client)),
        policy_(std::move(policy)),
        min_severity_(min_severity),
        hostname_(std::move(hostname)) {}
  ~AuditWatcher() { Stop(); }
  AuditWatcher(const AuditWatcher&) = delete;
  AuditWatcher& operator=(const AuditWatcher&) = delete;

  // Starts following the engine's events. Without an engine socket it stays idle.
  void Start();
  void Stop();
  // Alerts raised since the last call.
  std::vector<Alert> TakeAlerts();

 private:
  void Follow();
  void AuditStarted(const std::string& id);

  DockerClient client_;
  const Policy policy_;
  const Severity min_severity_;
  const std::string hostname_;
  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::vector<Alert> alerts_;
  std::thread thread_;
};

}  // namespace vigil::audit
