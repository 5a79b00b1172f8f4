#include "state/users.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace vigil {
namespace {
bool ReadSmallFile(const std::string& path, std::string& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return out.size() < (4u << 20);
}
}  // namespace

std::unordered_map<uint32_t, std::string> ParsePasswd(std::string_view text) {
  std::unordered_map<uint32_t, std::string> table;
  for (auto line : Split(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    auto fields = Split(line, ':');
    if (fields.size() < 3 || fields[0].empty()) continue;
    auto uid = ParseUint(fields[2]);
    if (!uid || *uid > UINT32_MAX) continue;
    table.try_emplace(static_cast<uint32_t>(*uid), std::string(fields[0]));
  }
  return table;
}

void UserDb::LoadContainer(const std::string& container_id, uint32_t pid) {
  if (!read_files_ || container_id == kHostContainerId || tables_.contains(container_id)) return;
  const std::string root = "/proc/" + std::to_string(pid) + "/root";
  // The runtime's own processes enter the container's cgroup before they enter its root
  // (pivot_root): until then their root is the host's, whose users are not the container's.
  struct stat process_root {}, host_root {};
  if (::stat((root + "/").c_str(), &process_root) != 0 || ::stat("/", &host_root) != 0 ||
      (process_root.st_dev == host_root.st_dev && process_root.st_ino == host_root.st_ino)) {
    return;
  }
  std::string text;
  if (ReadSmallFile(root + "/etc/passwd", text)) Store(container_id, ParsePasswd(text));
}

void UserDb::LoadContainerFromDirs(const std::string& container_id,
                                   const std::vector<std::string>& rootfs_dirs) {
  if (!read_files_ || container_id == kHostContainerId || tables_.contains(container_id)) return;
  for (const auto& dir : rootfs_dirs) {
    std::string text;
    if (ReadSmallFile(dir + "/etc/passwd", text)) {
      Store(container_id, ParsePasswd(text));
      return;
    }
  }
}

void UserDb::Store(const std::string& container_id, Table table) {
  if (on_loaded_) {
    for (const auto& [uid, name] : table) on_loaded_(UserInfo{container_id, uid, name});
  }
  tables_[container_id] = std::move(table);
}

const UserDb::Table* UserDb::TableFor(const std::string& container_id) {
  if (container_id == kHostContainerId && read_files_ && !host_loaded_) {
    host_loaded_ = true;
    std::string text;
    if (ReadSmallFile("/etc/passwd", text)) Store(std::string(kHostContainerId), ParsePasswd(text));
  }
  auto it = tables_.find(container_id);
  return it == tables_.end() ? nullptr : &it->second;
}

std::optional<std::string_view> UserDb::Name(const std::string& container_id, uint32_t uid) {
  std::optional<std::string_view> name;
  if (const Table* table = TableFor(container_id)) {
    auto it = table->find(uid);
    if (it != table->end()) name = it->second;
  }
  if (!name && uid == 0) name = "root";
  return name;
}

void UserDb::Add(const UserInfo& user) { tables_[user.container_id][user.uid] = user.name; }

}  // namespace vigil
