// User and group names: the host's from /etc/passwd and /etc/group, a container's from that
// container's own files (read through /proc/PID/root while one of its processes lives).
//
// Single-threaded: owned and used by the event loop only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/container.h"

namespace vigil {

class UserDb {
 public:
  // `read_files` false: names come only from Add() (replaying a capture).
  explicit UserDb(bool read_files = true) : read_files_(read_files) {}

  // Reads the container's passwd and group through /proc/PID/root once per container, provided
  // PID already runs inside the container's root.
  void LoadContainer(const std::string& container_id, uint32_t pid);
  // Reads the container's passwd from the first of `rootfs_dirs` (host directories holding its
  // file system: the overlay's merged view, then its layers) that has one. Used when no process
  // of the container lived long enough to be read through /proc.
  void LoadContainerFromDirs(const std::string& container_id,
                             const std::vector<std::string>& rootfs_dirs);
  bool HasContainer(const std::string& container_id) const { return tables_.contains(container_id); }
  // The name of `uid` in `container_id` ("host" for the host). uid 0 is "root" where nothing
  // else is known, as on every Linux system.
  std::optional<std::string_view> Name(const std::string& container_id, uint32_t uid);
  // The name of group `gid` in `container_id`; gid 0 is "root" where nothing else is known.
  std::optional<std::string_view> GroupName(const std::string& container_id, uint32_t gid);
  void Add(const UserInfo& user);
  // Drops a removed container's tables.
  void Forget(const std::string& container_id) {
    tables_.erase(container_id);
    groups_.erase(container_id);
  }
  // Called for every entry of every table read from a file, so a capture can record them.
  void OnLoaded(std::function<void(const UserInfo&)> callback) { on_loaded_ = std::move(callback); }

 private:
  using Table = std::unordered_map<uint32_t, std::string>;
  using Tables = std::map<std::string, Table, std::less<>>;
  const Table* TableFor(const std::string& container_id, const Tables& tables);
  std::optional<std::string_view> Lookup(const std::string& container_id, uint32_t id,
                                         const Tables& tables);
  void LoadHost();
  void LoadFrom(const std::string& container_id, const std::string& root);
  void Store(const std::string& container_id, Table table, bool group);

  bool read_files_;
  bool host_loaded_ = false;
  Tables tables_;  // users
  Tables groups_;
  std::function<void(const UserInfo&)> on_loaded_;
};

// Parses passwd(5) text into uid -> name; malformed lines are skipped.
std::unordered_map<uint32_t, std::string> ParsePasswd(std::string_view text);
// Parses group(5) text into gid -> name; malformed lines are skipped.
std::unordered_map<uint32_t, std::string> ParseGroup(std::string_view text);

}  // namespace vigil
