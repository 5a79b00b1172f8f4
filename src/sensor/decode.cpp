#include "sensor/decode.h"

#include <linux/types.h>

#include <algorithm>
#include <cstring>

#include "common/strings.h"

extern "C" {
#include "shared/events.h"
}

namespace vigil::sensor {
namespace {

// Reads variable-length parts in order, refusing to run past the record.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> record, std::size_t offset) : record_(record), offset_(offset) {}
  bool Take(std::size_t length, std::string_view& out) {
    if (offset_ > record_.size() || length > record_.size() - offset_) return false;
    out = std::string_view(reinterpret_cast<const char*>(record_.data()) + offset_, length);
    offset_ += length;
    return true;
  }

 private:
  std::span<const uint8_t> record_;
  std::size_t offset_;
};

std::string_view UntilNul(std::string_view s) {
  auto nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

template <class T>
bool Fixed(std::span<const uint8_t> record, T& out) {
  if (record.size() < sizeof(T)) return false;
  std::memcpy(&out, record.data(), sizeof(T));
  return true;
}

void Header(const vigil_header& h, int64_t offset, Event& e) {
  e.ts_ns = static_cast<uint64_t>(static_cast<int64_t>(h.ts_boot_ns) + offset);
  e.pid = h.pid;
  e.tid = h.tid;
  e.ppid = h.ppid;
  e.uid = h.uid;
  e.gid = h.gid;
  e.loginuid = h.loginuid;
  e.cgroup_id = h.cgroup_id;
  e.comm.assign(UntilNul(std::string_view(h.comm, sizeof(h.comm))));
}

// "a\0b\0" -> {a, b}; a list cut short keeps its complete items and the partial last one.
void SplitNulList(std::string_view blob, std::vector<std::string>& out) {
  while (!blob.empty() && blob.back() == '\0') blob.remove_suffix(1);
  if (blob.empty()) return;
  for (auto item : Split(blob, '\0')) out.emplace_back(item);
}

// A pseudo file outside any tree (memfd, pipe) is named by its last component alone, without
// a leading '/': "memfd:payload".
void DetachedName(std::string_view components, std::string& out) {
  ComponentsToPath(components, out);
  auto slash = out.rfind('/');
  if (slash != std::string::npos) out.erase(0, slash + 1);
}

EventType SyscallType(uint16_t id) {
  static const EventType kTypes[VIGIL_SC_MAX] = {
      EventType::kUnknown,     EventType::kUnlink,      EventType::kUnlinkat,
      EventType::kRename,      EventType::kRenameat,    EventType::kRenameat2,
      EventType::kMkdir,       EventType::kMkdirat,     EventType::kRmdir,
      EventType::kSymlink,     EventType::kSymlinkat,   EventType::kLink,
      EventType::kLinkat,      EventType::kChmod,       EventType::kFchmod,
      EventType::kFchmodat,    EventType::kChown,       EventType::kFchown,
      EventType::kLchown,      EventType::kFchownat,    EventType::kSetuid,
      EventType::kSetgid,      EventType::kSetresuid,   EventType::kSetresgid,
      EventType::kSetreuid,    EventType::kSetregid,    EventType::kPtrace,
      EventType::kMount,       EventType::kUmount2,     EventType::kInitModule,
      EventType::kFinitModule, EventType::kDeleteModule, EventType::kMemfdCreate,
      EventType::kDup,         EventType::kDup2,        EventType::kDup3,
      EventType::kUnshare,     EventType::kSetns,       EventType::kBpf,
      EventType::kUserfaultfd, EventType::kKill,        EventType::kTkill,
      EventType::kTgkill,      EventType::kChdir,       EventType::kFchdir,
      EventType::kPrctl,       EventType::kCapset,      EventType::kIoUringSetup,
      EventType::kSocket,      EventType::kConnect,     EventType::kAccept,
      EventType::kAccept4,     EventType::kBind,        EventType::kListen,
      EventType::kSendto,      EventType::kRecvfrom,    EventType::kSendmsg,
      EventType::kRecvmsg,     EventType::kExecve,      EventType::kExecveat,
  };
  return id < VIGIL_SC_MAX ? kTypes[id] : EventType::kUnknown;
}

EventType OpenType(uint16_t syscall) {
  switch (syscall) {
    case VIGIL_SYS_OPEN: return EventType::kOpen;
    case VIGIL_SYS_OPENAT: return EventType::kOpenat;
    case VIGIL_SYS_OPENAT2: return EventType::kOpenat2;
    case VIGIL_SYS_CREAT: return EventType::kCreat;
    default: return EventType::kUnknown;
  }
}

}  // namespace

void ComponentsToPath(std::string_view components, std::string& out) {
  out.clear();
  // Walk backwards over NUL-terminated names: root-most component is last.
  std::size_t end = components.size();
  while (end > 0 && components[end - 1] == '\0') --end;
  while (end > 0) {
    std::size_t start = components.rfind('\0', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    out += '/';
    out.append(components.substr(start, end - start));
    if (start == 0) break;
    end = start - 1;
  }
  if (out.empty()) out = "/";
}

namespace {

bool IsV4Mapped(const std::array<uint8_t, 16>& a) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a.data(), kPrefix, sizeof(kPrefix)) == 0;
}

bool IsUnspecified(const std::array<uint8_t, 16>& a) {
  return std::all_of(a.begin(), a.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

// A dual-stack IPv6 socket talking IPv4 (::ffff:a.b.c.d at both ends, or at the peer of a
// socket bound to ::) is an IPv4 connection, as Falco reports it: rules compare with IPv4.
void UnmapIpv4(Event::FdInfo& f) {
  if (f.kind != Event::FdInfo::Kind::kIpv6 || !IsV4Mapped(f.remote_addr)) return;
  if (!IsV4Mapped(f.local_addr) && !IsUnspecified(f.local_addr)) return;
  auto unmap = [](std::array<uint8_t, 16>& a) {
    std::array<uint8_t, 16> v4{};
    if (IsV4Mapped(a)) std::copy(a.begin() + 12, a.end(), v4.begin());
    a = v4;
  };
  unmap(f.local_addr);
  unmap(f.remote_addr);
  f.kind = Event::FdInfo::Kind::kIpv4;
}

Status DecodeRecord(std::span<const uint8_t> record, int64_t offset, Event& e) {
  vigil_header h;
  if (!Fixed(record, h)) return Fail("record of {} bytes is shorter than a header", record.size());
  if (h.abi_version != VIGIL_ABI_VERSION) {
    return Fail("record ABI version {} (expected {})", h.abi_version, VIGIL_ABI_VERSION);
  }
  e.Reset();
  Header(h, offset, e);
  switch (h.type) {
    case VIGIL_EV_EXEC: {
      vigil_exec x;
      if (!Fixed(record, x)) return Fail("short exec record");
      Cursor c(record, sizeof(x));
      std::string_view exe, args, cwd, cgroup, filename, env;
      if (!c.Take(x.exe_len, exe) || !c.Take(x.args_len, args) || !c.Take(x.cwd_len, cwd) ||
          !c.Take(x.cgroup_len, cgroup) || !c.Take(x.filename_len, filename) ||
          !c.Take(x.env_len, env)) {
        return Fail("exec record lengths exceed the record");
      }
      e.type = (x.exe_flags & VIGIL_EXE_VIA_EXECVEAT) ? EventType::kExecveat : EventType::kExecve;
      e.tty = x.tty;
      e.vpid = x.vpid;
      e.cap_effective = x.cap_effective;
      e.cap_permitted = x.cap_permitted;
      e.caps_known = true;
      e.exe_facts_known = true;
      e.exe_upper_layer = x.exe_flags & VIGIL_EXE_UPPER_LAYER;
      e.exe_from_memfd = x.exe_flags & VIGIL_EXE_MEMFD;
      e.exe_writable = x.exe_flags & VIGIL_EXE_WRITABLE;
      e.pgid_known = true;
      e.pgid_leader = x.exe_flags & VIGIL_EXE_PGID_LEADER;
      e.sid = x.sid;
      e.exe_mtime_ns = x.exe_mtime_ns;
      e.exe_ctime_ns = x.exe_ctime_ns;
      SplitNulList(env, e.env);
      ComponentsToPath(exe, e.exe_path);
      if (x.path_flags & VIGIL_PATH_DETACHED) DetachedName(exe, e.exe_path);
      ComponentsToPath(cwd, e.cwd);
      if (!cgroup.empty()) ComponentsToPath(cgroup, e.cgroup_path);
      e.exe_filename.assign(UntilNul(filename));
      SplitNulList(args, e.args);
      e.path_truncated = (x.path_flags & VIGIL_PATH_TRUNCATED) != 0;
      return {};
    }
    case VIGIL_EV_FORK: {
      vigil_fork f;
      if (!Fixed(record, f)) return Fail("short fork record");
      Cursor c(record, sizeof(f));
      std::string_view cgroup;
      if (!c.Take(f.cgroup_len, cgroup)) return Fail("fork record lengths exceed the record");
      e.type = EventType::kClone;
      e.vpid = f.vpid;
      if (!cgroup.empty()) ComponentsToPath(cgroup, e.cgroup_path);
      return {};
    }
    case VIGIL_EV_EXIT: {
      vigil_exit x;
      if (!Fixed(record, x)) return Fail("short exit record");
      e.type = EventType::kProcExit;
      e.exit_code = x.exit_code;
      return {};
    }
    case VIGIL_EV_OPEN: {
      vigil_open o;
      if (!Fixed(record, o)) return Fail("short open record");
      e.type = OpenType(o.syscall);
      if (e.type == EventType::kUnknown) return Fail("open record with unknown syscall {}", o.syscall);
      Cursor c(record, sizeof(o));
      std::string_view raw, path;
      if (!c.Take(o.raw_len, raw) || !c.Take(o.path_len, path)) {
        return Fail("open record lengths exceed the record");
      }
      e.ret = o.ret;
      e.open_flags = o.flags;
      e.open_mode = o.mode;
      e.dirfd = o.dirfd;
      e.file_mode = o.file_mode;
      e.path_raw.assign(UntilNul(raw));
      if (o.path_flags & VIGIL_PATH_RESOLVED) ComponentsToPath(path, e.path);
      if (o.path_flags & VIGIL_PATH_DETACHED) DetachedName(path, e.path);
      e.path_truncated = (o.path_flags & VIGIL_PATH_TRUNCATED) != 0;
      return {};
    }
    case VIGIL_EV_SYSCALL: {
      vigil_syscall x;
      if (!Fixed(record, x)) return Fail("short syscall record");
      e.type = SyscallType(x.syscall);
      if (e.type == EventType::kUnknown) return Fail("syscall record with unknown id {}", x.syscall);
      e.ret = x.ret;
      for (std::size_t i = 0; i < 6; ++i) e.syscall_args[i] = x.args[i];
      e.cap_effective = x.cap_effective;
      e.cap_permitted = x.cap_permitted;
      e.caps_known = true;
      if (x.fd_arg <= VIGIL_FD_ARG_RET && x.fd.kind != VIGIL_FD_NONE &&
          x.fd.kind <= VIGIL_FD_OTHER) {
        auto& f = e.fd_info;
        f.kind = static_cast<Event::FdInfo::Kind>(x.fd.kind);
        f.sock_type = x.fd.sock_type;
        f.protocol = x.fd.protocol;
        f.local_port = x.fd.local_port;
        f.remote_port = x.fd.remote_port;
        std::memcpy(f.local_addr.data(), x.fd.local_addr, 16);
        std::memcpy(f.remote_addr.data(), x.fd.remote_addr, 16);
        f.peer_from_call = (x.fd.flags & VIGIL_FD_PEER_FROM_CALL) != 0;
        f.fd = x.fd_arg == VIGIL_FD_ARG_RET ? x.ret : static_cast<int32_t>(x.args[x.fd_arg]);
        UnmapIpv4(f);
      }
      Cursor c(record, sizeof(x));
      for (std::size_t i = 0; i < VIGIL_SC_STRINGS; ++i) {
        std::string_view text;
        if (!c.Take(x.str_len[i], text)) return Fail("syscall record lengths exceed the record");
        if (x.str_arg[i] < 6) {
          e.syscall_string_arg[i] = static_cast<int8_t>(x.str_arg[i]);
          e.syscall_strings[i].assign(UntilNul(text));
        }
      }
      std::string_view data;
      if (!c.Take(x.buffer_len, data)) return Fail("syscall record lengths exceed the record");
      e.buffer.assign(data);
      // A failed exec: what it tried to run is its filename argument (as passed).
      if (IsProcessImage(e.type)) e.exe_filename = e.syscall_strings[0];
      return {};
    }
    default:
      return Fail("unknown record type {}", h.type);
  }
}

}  // namespace vigil::sensor
