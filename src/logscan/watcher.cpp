#include "logscan/watcher.h"

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "common/log.h"

namespace vigil::logscan {

LogWatcher::LogWatcher(DockerClient client, SignatureSet signatures, std::string hostname)
    : client_(std::move(client)),
      signatures_(std::move(signatures)),
      runner_(
          signatures_,
          [this](const Alert& alert) {
            std::lock_guard lock(mutex_);
            alerts_.push_back(alert);
          },
          std::move(hostname)) {}

void LogWatcher::Start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { Follow(); });
}

void LogWatcher::Stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

std::vector<Alert> LogWatcher::TakeAlerts() {
  std::lock_guard lock(mutex_);
  return std::exchange(alerts_, {});
}

void LogWatcher::Follow() {
  const uint64_t started_ns = WallClockNs();
  auto last_refresh = std::chrono::steady_clock::time_point{};
  while (running_) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_refresh >= std::chrono::seconds(2)) {
      last_refresh = now;
      Refresh(started_ns);
    }
    if (!runner_.PollOnce(true)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  runner_.PollOnce(true);  // what was written before the stop
}

// Opens the logs of containers that run now and were not followed; drops those that stopped
// (after a last read): a restart opens the log again, past what the earlier run logged.
void LogWatcher::Refresh(uint64_t started_ns) {
  if (!client_.SocketPresent()) return;
  auto ids = client_.ListContainerIds(false);
  if (!ids) {
    log::Debug("logscan: {}", ids.error().message);
    return;
  }
  std::vector<std::string> running;
  for (const std::string& full : *ids) running.push_back(full.substr(0, 12));
  runner_.PollOnce(true);
  for (const std::string& id : runner_.ContainerIds()) {
    if (std::find(running.begin(), running.end(), id) == running.end()) {
      runner_.RemoveContainer(id);
    }
  }
  for (const std::string& id : running) {
    if (runner_.HasContainer(id) ||
        std::find(unreadable_.begin(), unreadable_.end(), id) != unreadable_.end()) {
      continue;
    }
    auto source = OpenContainerLog(client_, id);
    if (!source) {
      log::Debug("logscan: {}", source.error().message);
      // Another log driver: not asked again (other errors are retried at the next refresh).
      if (source.error().message.find("driver") != std::string::npos) unreadable_.push_back(id);
      continue;
    }
    const uint64_t container_started = (*source)->container()->started_ns;
    (*source)->SkipEntriesBefore(std::max(started_ns, container_started));
    runner_.Add(std::move(*source));
  }
}

}  // namespace vigil::logscan
