// Keeps container metadata coming from the Docker engine, off the event loop: lists the
// engine's containers at start, follows its event stream (a container is inspected when it is
// created, before its first process runs), and answers on-demand lookups.
//
// Thread-safe. Two threads of its own (event follower, lookup worker). The event loop pulls
// results with TakeUpdates() between batches, so no lock is taken per event.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "events/container.h"
#include "runtime/docker_client.h"

namespace vigil {

// What an engine event says: its action ("create", "destroy", ...) and the container's id.
// Untrusted: a missing member or one of another type reads as empty, never throws.
struct ContainerEvent {
  std::string action;
  std::string id;
};
ContainerEvent ContainerEventOf(const nlohmann::json& event);

class ContainerMetadataService {
 public:
  explicit ContainerMetadataService(DockerClient client) : client_(std::move(client)) {}
  ~ContainerMetadataService() { Stop(); }
  ContainerMetadataService(const ContainerMetadataService&) = delete;
  ContainerMetadataService& operator=(const ContainerMetadataService&) = delete;

  // Starts the threads. Without an engine (no socket) it stays idle and says so once.
  void Start();
  void Stop();

  // Asks for `id` (12 or 64 hex characters) to be inspected, unless it already was.
  void Request(const std::string& id);
  // Metadata that arrived since the last call.
  std::vector<ContainerInfo> TakeUpdates();
  // 12-character ids of containers the engine destroyed since the last call.
  std::vector<std::string> TakeRemovals();
  // Waits until `id` has been looked up (found or not) or `timeout` passed. True if looked up.
  bool WaitFor(const std::string& id, std::chrono::milliseconds timeout);
  bool engine_available() const { return available_.load(); }

 private:
  void LookupLoop();
  void FollowEvents();
  void Enqueue(const std::string& short_id, bool force);
  void Forget(const std::string& short_id);

  DockerClient client_;
  std::atomic<bool> running_{false};
  std::atomic<bool> available_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> pending_;
  std::set<std::string> requested_;  // queued or done
  std::set<std::string> done_;
  std::vector<ContainerInfo> updates_;
  std::vector<std::string> removals_;
  std::thread lookup_thread_;
  std::thread events_thread_;
};

}  // namespace vigil
