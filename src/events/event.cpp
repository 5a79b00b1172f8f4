#include "events/event.h"

#include <array>

namespace vigil {
namespace {
constexpr std::array<std::string_view, kEventTypeCount> kNames = {
    "unknown",
    "execve", "execveat", "clone", "clone3", "fork", "vfork", "procexit",
    "open", "openat", "openat2", "creat", "unlink", "unlinkat", "rename", "renameat", "renameat2",
    "mkdir", "mkdirat", "rmdir", "symlink", "symlinkat", "link", "linkat", "chmod", "fchmod",
    "fchmodat", "chown", "fchown", "lchown", "fchownat", "chdir", "fchdir", "dup", "dup2", "dup3",
    "memfd_create", "mount", "umount", "umount2",
    "socket", "connect", "accept", "accept4", "bind", "listen", "sendto", "recvfrom", "sendmsg",
    "recvmsg",
    "setuid", "setgid", "setresuid", "setresgid", "setreuid", "setregid", "capset", "prctl",
    "ptrace", "unshare", "setns",
    "init_module", "finit_module", "delete_module", "bpf", "userfaultfd", "io_uring_setup", "kill",
    "tkill", "tgkill",
    "procinfo",
};

constexpr std::string_view kKnownNames[] = {
#include "events/known_event_names.inc"
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

bool IsGenericSyscall(EventType t) {
  switch (t) {
    case EventType::kUnlink: case EventType::kUnlinkat: case EventType::kRename:
    case EventType::kRenameat: case EventType::kRenameat2: case EventType::kMkdir:
    case EventType::kMkdirat: case EventType::kRmdir: case EventType::kSymlink:
    case EventType::kSymlinkat: case EventType::kLink: case EventType::kLinkat:
    case EventType::kChmod: case EventType::kFchmod: case EventType::kFchmodat:
    case EventType::kChown: case EventType::kFchown: case EventType::kLchown:
    case EventType::kFchownat: case EventType::kSetuid: case EventType::kSetgid:
    case EventType::kSetresuid: case EventType::kSetresgid: case EventType::kSetreuid:
    case EventType::kSetregid: case EventType::kPtrace: case EventType::kMount:
    case EventType::kUmount2: case EventType::kInitModule: case EventType::kFinitModule:
    case EventType::kDeleteModule: case EventType::kMemfdCreate: case EventType::kDup:
    case EventType::kDup2: case EventType::kDup3: case EventType::kUnshare:
    case EventType::kSetns: case EventType::kBpf: case EventType::kUserfaultfd:
    case EventType::kKill: case EventType::kTkill: case EventType::kTgkill:
    case EventType::kChdir: case EventType::kFchdir: case EventType::kPrctl:
    case EventType::kCapset: case EventType::kIoUringSetup: case EventType::kSocket:
    case EventType::kConnect: case EventType::kAccept: case EventType::kAccept4:
    case EventType::kBind: case EventType::kListen: case EventType::kSendto:
    case EventType::kRecvfrom: case EventType::kSendmsg: case EventType::kRecvmsg:
      return true;
    default:
      return false;
  }
}

bool EventTypeProduced(EventType type) {
  // Keep in step with bpf/vigil.bpf.c and src/sensor/decode.cpp.
  switch (type) {
    case EventType::kExecve:
    case EventType::kExecveat:
    case EventType::kClone:
    case EventType::kProcExit:
    case EventType::kOpen:
    case EventType::kOpenat:
    case EventType::kOpenat2:
    case EventType::kCreat:
      return true;
    default:
      return IsGenericSyscall(type);
  }
}

bool IsKnownEventName(std::string_view name) {
  if (EventTypeFromName(name)) return true;
  for (auto known : kKnownNames) {
    if (known == name) return true;
  }
  return false;
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
  vpid = 0;
  cap_effective = cap_permitted = 0;
  caps_known = exe_facts_known = exe_upper_layer = exe_from_memfd = false;
  exe_writable = pgid_known = pgid_leader = false;
  sid = 0;
  exe_mtime_ns = exe_ctime_ns = 0;
  env.clear();
  syscall_args.fill(0);
  for (auto& str : syscall_strings) str.clear();
  buffer.clear();
  syscall_string_arg = {-1, -1, -1};
  fd_info = FdInfo();
  fd_name_changed = false;
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
