#include "runtime/metadata_service.h"

#include <nlohmann/json.hpp>

#include "common/log.h"

namespace vigil {

ContainerEvent ContainerEventOf(const nlohmann::json& event) {
  auto text = [&event](const char* key) -> std::string {
    if (!event.is_object()) return "";
    auto it = event.find(key);
    return it != event.end() && it->is_string() ? it->get<std::string>() : "";
  };
  ContainerEvent out{text("Action"), text("id")};
  if (out.action.empty()) out.action = text("status");  // engines before API 1.22
  return out;
}

void ContainerMetadataService::Start() {
  if (running_.exchange(true)) return;
  if (!client_.SocketPresent()) {
    log::Info("no Docker engine socket at {}: container names and images will be unknown",
              client_.socket_path());
    return;
  }
  available_ = true;
  lookup_thread_ = std::thread([this] { LookupLoop(); });
  events_thread_ = std::thread([this] { FollowEvents(); });
  if (auto ids = client_.ListContainerIds(true)) {
    for (const auto& id : *ids) Enqueue(id.substr(0, 12), false);
  } else {
    log::Warning("listing containers: {}", ids.error().message);
  }
}

void ContainerMetadataService::Stop() {
  if (!running_.exchange(false)) return;
  changed_.notify_all();
  if (lookup_thread_.joinable()) lookup_thread_.join();
  if (events_thread_.joinable()) events_thread_.join();
}

void ContainerMetadataService::Enqueue(const std::string& short_id, bool force) {
  {
    std::lock_guard lock(mutex_);
    if (!force && requested_.contains(short_id)) return;
    requested_.insert(short_id);
    if (force) done_.erase(short_id);
    pending_.push_back(short_id);
  }
  changed_.notify_all();
}

void ContainerMetadataService::Forget(const std::string& short_id) {
  std::lock_guard lock(mutex_);
  requested_.erase(short_id);
  done_.erase(short_id);
  removals_.push_back(short_id);
}

void ContainerMetadataService::Request(const std::string& id) {
  if (!available_) return;
  Enqueue(id.substr(0, 12), false);
}

std::vector<ContainerInfo> ContainerMetadataService::TakeUpdates() {
  std::lock_guard lock(mutex_);
  std::vector<ContainerInfo> out;
  out.swap(updates_);
  return out;
}

std::vector<std::string> ContainerMetadataService::TakeRemovals() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.swap(removals_);
  return out;
}

bool ContainerMetadataService::WaitFor(const std::string& id, std::chrono::milliseconds timeout) {
  if (!available_) return false;
  std::string short_id = id.substr(0, 12);
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return done_.contains(short_id) || !running_; });
}

void ContainerMetadataService::LookupLoop() {
  while (running_) {
    std::string id;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return !pending_.empty() || !running_; });
      if (!running_) return;
      id = pending_.front();
      pending_.pop_front();
    }
    auto info = client_.InspectContainer(id);
    {
      std::lock_guard lock(mutex_);
      if (info) {
        updates_.push_back(std::move(*info));
      } else {
        log::Debug("inspect container {}: {}", id, info.error().message);
      }
      done_.insert(id);
    }
    changed_.notify_all();
  }
}

void ContainerMetadataService::FollowEvents() {
  while (running_) {
    auto status = client_.StreamEvents(
        [this](const nlohmann::json& event) {
          auto [action, id] = ContainerEventOf(event);
          if (id.size() < 12) return;
          if (action == "create" || action == "start" || action == "rename" ||
              action == "update") {
            Enqueue(id.substr(0, 12), true);
          } else if (action == "destroy") {
            Forget(id.substr(0, 12));
          }
        },
        [this] { return running_.load(); });
    if (!status) log::Debug("{}", status.error().message);
    // The engine restarted or the stream broke: reconnect, after a pause.
    for (int i = 0; i < 10 && running_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace vigil
