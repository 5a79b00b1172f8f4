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

namespace {
// passwd and group lines both hold the name first and the id third.
std::unordered_map<uint32_t, std::string> ParseIdTable(std::string_view text) {
  std::unordered_map<uint32_t, std::string> table;
  for (auto line : Split(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    auto fields = Split(line, ':');
    if (fields.size() < 3 || fields[0].empty()) continue;
    auto id = ParseUint(fields[2]);
    if (!id || *id > UINT32_MAX) continue;
    table.try_emplace(static_cast<uint32_t>(*id), std::string(fields[0]));
  }
  return table;
}
}  // namespace

std::unordered_map<uint32_t, std::string> ParsePasswd(std::string_view text) {
  return ParseIdTable(text);
}

std::unordered_map<uint32_t, std::string> ParseGroup(std::string_view text) {
  return ParseIdTable(text);
}

void UserDb::LoadFrom(const std::string& container_id, const std::string& root) {
  std::string text;
  if (ReadSmallFile(root + "/etc/passwd", text)) Store(container_id, ParsePasswd(text), false);
  if (ReadSmallFile(root + "/etc/group", text)) Store(container_id, ParseGroup(text), true);
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
  LoadFrom(container_id, root);
}

void UserDb::LoadContainerFromDirs(const std::string& container_id,
                                   const std::vector<std::string>& rootfs_dirs) {
  if (!read_files_ || container_id == kHostContainerId || tables_.contains(container_id)) return;
  for (const auto& dir : rootfs_dirs) {
    struct stat st {};
    if (::stat((dir + "/etc/passwd").c_str(), &st) == 0) {
      LoadFrom(container_id, dir);
      return;
    }
  }
}

void UserDb::Store(const std::string& container_id, Table table, bool group) {
  if (on_loaded_) {
    for (const auto& [id, name] : table) on_loaded_(UserInfo{container_id, id, name, group});
  }
  (group ? groups_ : tables_)[container_id] = std::move(table);
}

void UserDb::LoadHost() {
  if (host_loaded_ || !read_files_) return;
  host_loaded_ = true;
  LoadFrom(std::string(kHostContainerId), "");
}

const UserDb::Table* UserDb::TableFor(const std::string& container_id, const Tables& tables) {
  if (container_id == kHostContainerId) LoadHost();
  auto it = tables.find(container_id);
  return it == tables.end() ? nullptr : &it->second;
}

std::optional<std::string_view> UserDb::Lookup(const std::string& container_id, uint32_t id,
                                               const Tables& tables) {
  if (const Table* table = TableFor(container_id, tables)) {
    auto it = table->find(id);
    if (it != table->end()) return it->second;
  }
  if (id == 0) return "root";  // user and group 0 are root on every Linux system
  return std::nullopt;
}

std::optional<std::string_view> UserDb::Name(const std::string& container_id, uint32_t uid) {
  return Lookup(container_id, uid, tables_);
}

std::optional<std::string_view> UserDb::GroupName(const std::string& container_id, uint32_t gid) {
  return Lookup(container_id, gid, groups_);
}

void UserDb::Add(const UserInfo& user) {
  (user.group ? groups_ : tables_)[user.container_id][user.uid] = user.name;
}

}  // namespace vigil
