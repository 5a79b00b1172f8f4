// Log scanning inside `vigil run` (--logs): follows the Docker json-file log of every running
// container — those running when it starts from that moment on, those started later from their
// start — and scans each line as `vigil logscan` does. Lines logged before (by an earlier run of
// the container, or before the agent) are numbered but not scanned.
//
// Thread-safe. One thread of its own (list containers every 2 s, poll their logs every 100 ms);
// the event loop takes the alerts with TakeAlerts(), so the sink is only used from the loop.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/alert.h"
#include "logscan/runner.h"
#include "logscan/signatures.h"
#include "runtime/docker_client.h"

namespace vigil::logscan {

class LogWatcher {
 public:
  LogWatcher(DockerClient client, SignatureSet signatures, std::string hostname);
  ~LogWatcher() { Stop(); }
  LogWatcher(const LogWatcher&) = delete;
  LogWatcher& operator=(const LogWatcher&) = delete;

  void Start();
  void Stop();
  // Alerts raised since the last call.
  std::vector<Alert> TakeAlerts();

 private:
  void Follow();
  void Refresh(uint64_t started_ns);

  DockerClient client_;
  const SignatureSet signatures_;
  std::mutex mutex_;
  std::vector<Alert> alerts_;            // guarded by mutex_
  LogScanRunner runner_;                 // used by the thread only
  std::vector<std::string> unreadable_;  // containers whose logs cannot be read (thread only)
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace vigil::logscan
