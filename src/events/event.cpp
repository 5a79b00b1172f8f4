#include "events/event.h"

#include <array>

namespace vigil {
namespace {
constexpr std::array<std::string_view, kEventTypeCount> kNames = {
    "unknown", "execve", "clone", "procexit", "open", "openat", "openat2", "creat", "procinfo",
};
}  // namespace

std::string_view EventTypeName(EventType type) {
  auto index = static_cast<std::size_t>(type);
  return index < kNames.size() ? kNames[index] : "unknown";
}

std::optional<EventType> EventTypeFromName(std::string_view name) {
  for (std::size_t i = 1; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

void Event::Reset() {
  type = EventType::kUnknown;
  num = ts_ns = 0;
  pid = tid = ppid = uid = gid = 0;
  loginuid = kNoLoginUid;
  cgroup_id = 0;
  comm.clear();
  exe_path.clear();
  exe_filename.clear();
  args.clear();
  cwd.clear();
  cgroup_path.clear();
  tty = 0;
  exit_code = 0;
  ret = 0;
  open_flags = open_mode = 0;
  dirfd = 0;
  file_mode = 0;
  path_raw.clear();
  path.clear();
  path_truncated = false;
}

}  // namespace vigil
