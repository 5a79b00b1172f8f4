// User names: the host's from /etc/passwd, a container's from that container's own
// /etc/passwd (read through /proc/PID/root while one of its processes lives).
//
// Single-threaded: owned and used by the event loop only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "events/container.h"

namespace vigil {

class UserDb {
 public:
  // `read_files` false: names come only from Add() (replaying a capture).
  explicit UserDb(bool read_files = true) : read_files_(read_files) {}

  // Reads the container's passwd through /proc/PID/root once per container.
  void LoadContainer(const std::string& container_id, uint32_t pid);
  // The name of `uid` in `container_id` ("host" for the host). uid 0 is "root" where nothing
  // else is known, as on every Linux system.
  std::optional<std::string_view> Name(const std::string& container_id, uint32_t uid);
  void Add(const UserInfo& user);
  // Called once for every name first resolved, so a capture can record it.
  void OnResolved(std::function<void(const UserInfo&)> callback) { on_resolved_ = std::move(callback); }

 private:
  using Table = std::unordered_map<uint32_t, std::string>;
  const Table* TableFor(const std::string& container_id);

  bool read_files_;
  bool host_loaded_ = false;
  std::map<std::string, Table, std::less<>> tables_;
  std::map<std::string, std::map<uint32_t, bool>, std::less<>> reported_;
  std::function<void(const UserInfo&)> on_resolved_;
};

// Parses passwd(5) text into uid -> name; malformed lines are skipped.
std::unordered_map<uint32_t, std::string> ParsePasswd(std::string_view text);

}  // namespace vigil
