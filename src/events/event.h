// The Event model: one thing a process did, as the sensor saw it (or as /proc showed it when
// vigil started). Events are plain values; the sensor reuses one Event object per record so
// the strings keep their capacity and decoding allocates nothing once warm.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// The event types vigil models, named as Falco's evt.type values. The sensor produces a subset
// (EventTypeProduced); rules may name the others, and any name in Falco's catalogue
// (IsKnownEventName), and simply never match them until the sensor learns them.
enum class EventType : uint16_t {
  kUnknown = 0,
  // process lifecycle
  kExecve, kExecveat, kClone, kClone3, kFork, kVfork, kProcExit,
  // files
  kOpen, kOpenat, kOpenat2, kCreat, kUnlink, kUnlinkat, kRename, kRenameat, kRenameat2,
  kMkdir, kMkdirat, kRmdir, kSymlink, kSymlinkat, kLink, kLinkat, kChmod, kFchmod, kFchmodat,
  kChown, kFchown, kLchown, kFchownat, kChdir, kFchdir, kDup, kDup2, kDup3, kMemfdCreate,
  kMount, kUmount, kUmount2,
  // network
  kSocket, kConnect, kAccept, kAccept4, kBind, kListen, kSendto, kRecvfrom, kSendmsg, kRecvmsg,
  // identity, privileges, isolation
  kSetuid, kSetgid, kSetresuid, kSetresgid, kSetreuid, kSetregid, kCapset, kPrctl, kPtrace,
  kUnshare, kSetns,
  // the kernel itself
  kInitModule, kFinitModule, kDeleteModule, kBpf, kUserfaultfd, kIoUringSetup, kKill, kTkill,
  kTgkill,
  // synthetic: a process that already ran when vigil started (from /proc)
  kProcInfo,
  kCount,
};
inline constexpr std::size_t kEventTypeCount = static_cast<std::size_t>(EventType::kCount);

std::string_view EventTypeName(EventType type);
std::optional<EventType> EventTypeFromName(std::string_view name);
// Whether vigil's sensor delivers events of this type today.
bool EventTypeProduced(EventType type);
// Any event type name Falco knows (every syscall, Falco's own events).
bool IsKnownEventName(std::string_view name);

// Events reported at a syscall's exit with its arguments (not the open family, not lifecycle).
bool IsGenericSyscall(EventType t);

inline bool IsOpenFamily(EventType t) {
  return t == EventType::kOpen || t == EventType::kOpenat || t == EventType::kOpenat2 ||
         t == EventType::kCreat;
}
// Events that (re)define a process's image: exe, args, cwd.
inline bool IsProcessImage(EventType t) {
  return t == EventType::kExecve || t == EventType::kExecveat || t == EventType::kProcInfo;
}

inline constexpr uint32_t kNoLoginUid = 0xffffffffu;

struct Event {
  EventType type = EventType::kUnknown;
  uint64_t num = 0;    // sequence number, assigned in arrival order
  uint64_t ts_ns = 0;  // wall clock, ns since the epoch
  uint32_t pid = 0;    // thread group id (initial pid namespace)
  uint32_t tid = 0;
  uint32_t ppid = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t loginuid = kNoLoginUid;
  uint64_t cgroup_id = 0;
  std::string comm;

  // kExecve, kProcInfo (and kClone: cgroup_path)
  std::string exe_path;      // the executed file, resolved by the kernel (symlinks followed)
  std::string exe_filename;  // the path exec was asked for
  std::vector<std::string> args;  // argv, argv[0] included
  std::string cwd;
  std::string cgroup_path;   // "/docker/<id>"; empty when unknown
  uint32_t tty = 0;
  uint32_t vpid = 0;         // pid in the process's own pid namespace (also on kClone); 0: unknown
  uint64_t cap_effective = 0;
  uint64_t cap_permitted = 0;
  bool caps_known = false;
  bool exe_facts_known = false;  // exe_upper_layer and exe_from_memfd are meaningful
  bool exe_upper_layer = false;  // the executed file is on an overlay's writable layer
  bool exe_from_memfd = false;   // the executed file is an anonymous memory file
  bool exe_writable = false;     // (exe_facts_known) the running user could write the file
  bool pgid_known = false;
  bool pgid_leader = false;      // (pgid_known) the process leads its process group
  uint32_t sid = 0;              // session id (its leader's pid, initial namespace); 0: unknown
  uint64_t exe_mtime_ns = 0;     // the executed file's modification time; 0: unknown
  uint64_t exe_ctime_ns = 0;     // and its status-change time
  std::vector<std::string> env;  // NAME=value, as far as kept

  // kProcExit
  int32_t exit_code = 0;

  // other syscalls (unlink, rename, mkdir, setuid, ptrace, mount, ...): the raw arguments and
  // up to three of them copied as strings (syscall_string_arg[i] says which argument, -1 none).
  std::array<uint64_t, 6> syscall_args{};
  std::array<std::string, 3> syscall_strings;
  // recvfrom, sendto: the first bytes of the data moved, when a rule reads evt.buffer.
  std::string buffer;
  std::array<int8_t, 3> syscall_string_arg{-1, -1, -1};

  // The descriptor a syscall is about (network syscalls, dup), as the kernel's objects describe
  // it: its kind and, for sockets, protocol and both ends.
  struct FdInfo {
    enum class Kind : uint8_t { kNone, kFile, kDirectory, kIpv4, kIpv6, kUnix, kPipe,
                                kSocketOther, kOther };
    Kind kind = Kind::kNone;
    uint8_t sock_type = 0;   // SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3
    uint16_t protocol = 0;   // IPPROTO_*
    uint16_t local_port = 0;
    uint16_t remote_port = 0;
    std::array<uint8_t, 16> local_addr{};
    std::array<uint8_t, 16> remote_addr{};
    int64_t fd = -1;         // the descriptor number
    // The remote end came from the call's address argument, not the socket (the socket is not
    // connected: an unconnected UDP sendto, a connect that failed early).
    bool peer_from_call = false;
  };
  FdInfo fd_info;
  // fd.name_changed: the call gave the socket a new peer (an unconnected UDP socket sending to
  // or receiving from another address than its last one). Set by the process table.
  bool fd_name_changed = false;

  // open family (and every syscall's result)
  int64_t ret = 0;           // fd or -errno
  uint32_t open_flags = 0;   // O_* as passed
  uint32_t open_mode = 0;
  int32_t dirfd = 0;
  uint32_t file_mode = 0;    // S_IFMT bits of the opened inode; 0 when the open failed
  std::string path_raw;      // what the program asked for
  std::string path;          // absolute and normalised; from the kernel's struct file when the
                             // open succeeded, else resolved lexically (may stay empty)
  bool path_truncated = false;

  // Clears every field, keeping string capacity.
  void Reset();
};

}  // namespace vigil
