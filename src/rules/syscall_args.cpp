#include "rules/syscall_args.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <map>
#include <vector>

#include <fmt/core.h>

#include "common/paths.h"
#include "rules/fields.h"
#include "rules/socket_ends.h"

namespace vigil::rules {
namespace {

using K = SyscallArgKind;

const std::map<EventType, std::vector<SyscallArg>>& Table() {
  static const std::map<EventType, std::vector<SyscallArg>> table = {
      {EventType::kUnlink, {{"path", 0, K::kPath, -1}}},
      {EventType::kUnlinkat, {{"dirfd", 0, K::kInt, -1}, {"name", 1, K::kPath, 0},
                              {"flags", 2, K::kUint, -1}}},
      {EventType::kRename, {{"oldpath", 0, K::kPath, -1}, {"newpath", 1, K::kPath, -1}}},
      {EventType::kRenameat, {{"olddirfd", 0, K::kInt, -1}, {"oldpath", 1, K::kPath, 0},
                              {"newdirfd", 2, K::kInt, -1}, {"newpath", 3, K::kPath, 2}}},
      {EventType::kRenameat2, {{"olddirfd", 0, K::kInt, -1}, {"oldpath", 1, K::kPath, 0},
                               {"newdirfd", 2, K::kInt, -1}, {"newpath", 3, K::kPath, 2},
                               {"flags", 4, K::kUint, -1}}},
      {EventType::kMkdir, {{"path", 0, K::kPath, -1}, {"mode", 1, K::kMode, -1}}},
      {EventType::kMkdirat, {{"dirfd", 0, K::kInt, -1}, {"path", 1, K::kPath, 0},
                             {"mode", 2, K::kMode, -1}}},
      {EventType::kRmdir, {{"path", 0, K::kPath, -1}}},
      {EventType::kSymlink, {{"target", 0, K::kString, -1}, {"linkpath", 1, K::kPath, -1}}},
      {EventType::kSymlinkat, {{"target", 0, K::kString, -1}, {"linkdirfd", 1, K::kInt, -1},
                               {"linkpath", 2, K::kPath, 1}}},
      {EventType::kLink, {{"oldpath", 0, K::kPath, -1}, {"newpath", 1, K::kPath, -1}}},
      {EventType::kLinkat, {{"olddir", 0, K::kInt, -1}, {"oldpath", 1, K::kPath, 0},
                            {"newdir", 2, K::kInt, -1}, {"newpath", 3, K::kPath, 2},
                            {"flags", 4, K::kUint, -1}}},
      {EventType::kChmod, {{"filename", 0, K::kPath, -1}, {"mode", 1, K::kMode, -1}}},
      {EventType::kFchmod, {{"fd", 0, K::kInt, -1}, {"mode", 1, K::kMode, -1}}},
      {EventType::kFchmodat, {{"dirfd", 0, K::kInt, -1}, {"filename", 1, K::kPath, 0},
                              {"mode", 2, K::kMode, -1}}},
      {EventType::kChown, {{"path", 0, K::kPath, -1}, {"uid", 1, K::kInt, -1},
                           {"gid", 2, K::kInt, -1}}},
      {EventType::kLchown, {{"path", 0, K::kPath, -1}, {"uid", 1, K::kInt, -1},
                            {"gid", 2, K::kInt, -1}}},
      {EventType::kFchown, {{"fd", 0, K::kInt, -1}, {"uid", 1, K::kInt, -1},
                            {"gid", 2, K::kInt, -1}}},
      {EventType::kFchownat, {{"dirfd", 0, K::kInt, -1}, {"pathname", 1, K::kPath, 0},
                              {"uid", 2, K::kInt, -1}, {"gid", 3, K::kInt, -1},
                              {"flags", 4, K::kUint, -1}}},
      {EventType::kSetuid, {{"uid", 0, K::kInt, -1}}},
      {EventType::kSetgid, {{"gid", 0, K::kInt, -1}}},
      {EventType::kSetresuid, {{"ruid", 0, K::kInt, -1}, {"euid", 1, K::kInt, -1},
                               {"suid", 2, K::kInt, -1}}},
      {EventType::kSetresgid, {{"rgid", 0, K::kInt, -1}, {"egid", 1, K::kInt, -1},
                               {"sgid", 2, K::kInt, -1}}},
      {EventType::kSetreuid, {{"ruid", 0, K::kInt, -1}, {"euid", 1, K::kInt, -1}}},
      {EventType::kSetregid, {{"rgid", 0, K::kInt, -1}, {"egid", 1, K::kInt, -1}}},
      {EventType::kPtrace, {{"request", 0, K::kPtraceRequest, -1}, {"pid", 1, K::kInt, -1}}},
      {EventType::kMount, {{"dev", 0, K::kString, -1}, {"dir", 1, K::kPath, -1},
                           {"type", 2, K::kString, -1}, {"flags", 3, K::kMountFlags, -1}}},
      {EventType::kUmount2, {{"name", 0, K::kPath, -1}, {"flags", 1, K::kUint, -1}}},
      {EventType::kInitModule, {{"length", 1, K::kUint, -1}, {"uargs", 2, K::kString, -1}}},
      {EventType::kFinitModule, {{"fd", 0, K::kInt, -1}, {"uargs", 1, K::kString, -1},
                                 {"flags", 2, K::kUint, -1}}},
      {EventType::kDeleteModule, {{"name", 0, K::kString, -1}, {"flags", 1, K::kUint, -1}}},
      {EventType::kMemfdCreate, {{"name", 0, K::kString, -1}, {"flags", 1, K::kUint, -1}}},
      {EventType::kDup, {{"oldfd", 0, K::kInt, -1}}},
      {EventType::kDup2, {{"oldfd", 0, K::kInt, -1}, {"newfd", 1, K::kInt, -1}}},
      {EventType::kDup3, {{"oldfd", 0, K::kInt, -1}, {"newfd", 1, K::kInt, -1},
                          {"flags", 2, K::kUint, -1}}},
      {EventType::kUnshare, {{"flags", 0, K::kNamespaceFlags, -1}}},
      {EventType::kSetns, {{"fd", 0, K::kInt, -1}, {"nstype", 1, K::kNamespaceFlags, -1}}},
      {EventType::kBpf, {{"cmd", 0, K::kBpfCommand, -1}}},
      {EventType::kUserfaultfd, {{"flags", 0, K::kUint, -1}}},
      {EventType::kKill, {{"pid", 0, K::kInt, -1}, {"sig", 1, K::kSignal, -1}}},
      {EventType::kTkill, {{"tid", 0, K::kInt, -1}, {"sig", 1, K::kSignal, -1}}},
      {EventType::kTgkill, {{"pid", 0, K::kInt, -1}, {"tid", 1, K::kInt, -1},
                            {"sig", 2, K::kSignal, -1}}},
      {EventType::kChdir, {{"path", 0, K::kPath, -1}}},
      {EventType::kFchdir, {{"fd", 0, K::kInt, -1}}},
      {EventType::kPrctl, {{"option", 0, K::kInt, -1}, {"arg2", 1, K::kUint, -1}}},
      {EventType::kCapset, {{"cap_effective", 2, K::kCapabilities, -1},
                            {"cap_permitted", 3, K::kCapabilities, -1},
                            {"cap_inheritable", 4, K::kCapabilities, -1}}},
      {EventType::kIoUringSetup, {{"entries", 0, K::kUint, -1}}},
      {EventType::kSocket, {{"domain", 0, K::kSocketDomain, -1}, {"type", 1, K::kSocketType, -1},
                            {"proto", 2, K::kInt, -1}}},
      {EventType::kConnect, {{"fd", 0, K::kInt, -1}, {"tuple", 1, K::kSocketTuple, -1}}},
      {EventType::kAccept, {{"fd", 0, K::kInt, -1}, {"tuple", 1, K::kSocketTuple, -1}}},
      {EventType::kAccept4, {{"fd", 0, K::kInt, -1}, {"tuple", 1, K::kSocketTuple, -1},
                             {"flags", 3, K::kUint, -1}}},
      {EventType::kBind, {{"fd", 0, K::kInt, -1}, {"addr", 1, K::kSocketTuple, -1}}},
      {EventType::kListen, {{"fd", 0, K::kInt, -1}, {"backlog", 1, K::kInt, -1}}},
      {EventType::kSendto, {{"fd", 0, K::kInt, -1}, {"size", 2, K::kUint, -1},
                            {"tuple", 4, K::kSocketTuple, -1}}},
      {EventType::kRecvfrom, {{"fd", 0, K::kInt, -1}, {"size", 2, K::kUint, -1},
                              {"tuple", 4, K::kSocketTuple, -1}}},
      {EventType::kSendmsg, {{"fd", 0, K::kInt, -1}, {"tuple", 1, K::kSocketTuple, -1}}},
      {EventType::kRecvmsg, {{"fd", 0, K::kInt, -1}, {"tuple", 1, K::kSocketTuple, -1}}},
  };
  return table;
}

void Flags(uint64_t value, std::span<const std::pair<uint64_t, std::string_view>> names,
           std::string& out) {
  out.clear();
  for (const auto& [bit, name] : names) {
    if ((value & bit) == bit && bit != 0) {
      if (!out.empty()) out += '|';
      out += name;
      value &= ~bit;
    }
  }
  if (value != 0) {
    if (!out.empty()) out += '|';
    out += fmt::format("{:#x}", value);
  }
  if (out.empty()) out.push_back('0');  // (not `out = "0"`: GCC 12 -Wrestrict false positive)
}

std::string_view Named(uint64_t value, std::span<const std::pair<uint64_t, std::string_view>> names) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return {};
}

constexpr std::pair<uint64_t, std::string_view> kModeBits[] = {
    {04000, "S_ISUID"}, {02000, "S_ISGID"}, {01000, "S_ISVTX"}, {0400, "S_IRUSR"},
    {0200, "S_IWUSR"},  {0100, "S_IXUSR"},  {040, "S_IRGRP"},   {020, "S_IWGRP"},
    {010, "S_IXGRP"},   {04, "S_IROTH"},    {02, "S_IWOTH"},    {01, "S_IXOTH"},
};

constexpr std::pair<uint64_t, std::string_view> kPtraceRequests[] = {
    {0, "PTRACE_TRACEME"},     {1, "PTRACE_PEEKTEXT"},     {2, "PTRACE_PEEKDATA"},
    {3, "PTRACE_PEEKUSR"},     {4, "PTRACE_POKETEXT"},     {5, "PTRACE_POKEDATA"},
    {6, "PTRACE_POKEUSR"},     {7, "PTRACE_CONT"},         {8, "PTRACE_KILL"},
    {9, "PTRACE_SINGLESTEP"},  {12, "PTRACE_GETREGS"},     {13, "PTRACE_SETREGS"},
    {14, "PTRACE_GETFPREGS"},  {15, "PTRACE_SETFPREGS"},   {16, "PTRACE_ATTACH"},
    {17, "PTRACE_DETACH"},     {24, "PTRACE_SYSCALL"},     {0x4200, "PTRACE_SETOPTIONS"},
    {0x4201, "PTRACE_GETEVENTMSG"}, {0x4202, "PTRACE_GETSIGINFO"},
    {0x4203, "PTRACE_SETSIGINFO"},  {0x4204, "PTRACE_GETREGSET"},
    {0x4205, "PTRACE_SETREGSET"},   {0x4206, "PTRACE_SEIZE"}, {0x4207, "PTRACE_INTERRUPT"},
    {0x4208, "PTRACE_LISTEN"},
};

constexpr std::pair<uint64_t, std::string_view> kNamespaceFlags[] = {
    {0x00020000, "CLONE_NEWNS"},   {0x02000000, "CLONE_NEWCGROUP"}, {0x04000000, "CLONE_NEWUTS"},
    {0x08000000, "CLONE_NEWIPC"},  {0x10000000, "CLONE_NEWUSER"},   {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},  {0x00000080, "CLONE_NEWTIME"},   {0x00000200, "CLONE_FS"},
    {0x00000400, "CLONE_FILES"},   {0x00040000, "CLONE_SYSVSEM"},
};

constexpr std::pair<uint64_t, std::string_view> kMountFlags[] = {
    {1, "MS_RDONLY"},          {2, "MS_NOSUID"},          {4, "MS_NODEV"},
    {8, "MS_NOEXEC"},          {16, "MS_SYNCHRONOUS"},    {32, "MS_REMOUNT"},
    {64, "MS_MANDLOCK"},       {128, "MS_DIRSYNC"},       {1024, "MS_NOATIME"},
    {2048, "MS_NODIRATIME"},   {4096, "MS_BIND"},         {8192, "MS_MOVE"},
    {16384, "MS_REC"},         {32768, "MS_SILENT"},      {1 << 16, "MS_POSIXACL"},
    {1 << 17, "MS_UNBINDABLE"}, {1 << 18, "MS_PRIVATE"},  {1 << 19, "MS_SLAVE"},
    {1 << 20, "MS_SHARED"},    {1 << 21, "MS_RELATIME"},  {1 << 22, "MS_KERNMOUNT"},
    {1 << 23, "MS_I_VERSION"}, {1 << 24, "MS_STRICTATIME"}, {1 << 25, "MS_LAZYTIME"},
};

constexpr std::pair<uint64_t, std::string_view> kBpfCommands[] = {
    {0, "BPF_MAP_CREATE"},     {1, "BPF_MAP_LOOKUP_ELEM"}, {2, "BPF_MAP_UPDATE_ELEM"},
    {3, "BPF_MAP_DELETE_ELEM"}, {4, "BPF_MAP_GET_NEXT_KEY"}, {5, "BPF_PROG_LOAD"},
    {6, "BPF_OBJ_PIN"},        {7, "BPF_OBJ_GET"},         {8, "BPF_PROG_ATTACH"},
    {9, "BPF_PROG_DETACH"},    {10, "BPF_PROG_TEST_RUN"},  {11, "BPF_PROG_GET_NEXT_ID"},
    {12, "BPF_MAP_GET_NEXT_ID"}, {13, "BPF_PROG_GET_FD_BY_ID"}, {14, "BPF_MAP_GET_FD_BY_ID"},
    {15, "BPF_OBJ_GET_INFO_BY_FD"}, {16, "BPF_PROG_QUERY"}, {17, "BPF_RAW_TRACEPOINT_OPEN"},
    {18, "BPF_BTF_LOAD"},      {28, "BPF_LINK_CREATE"},
};

constexpr std::pair<uint64_t, std::string_view> kSignals[] = {
    {1, "SIGHUP"},   {2, "SIGINT"},   {3, "SIGQUIT"},  {4, "SIGILL"},   {5, "SIGTRAP"},
    {6, "SIGABRT"},  {7, "SIGBUS"},   {8, "SIGFPE"},   {9, "SIGKILL"},  {10, "SIGUSR1"},
    {11, "SIGSEGV"}, {12, "SIGUSR2"}, {13, "SIGPIPE"}, {14, "SIGALRM"}, {15, "SIGTERM"},
    {17, "SIGCHLD"}, {18, "SIGCONT"}, {19, "SIGSTOP"}, {20, "SIGTSTP"},
};

constexpr std::pair<uint64_t, std::string_view> kSocketDomains[] = {
    {1, "AF_UNIX"},  {2, "AF_INET"},     {10, "AF_INET6"}, {16, "AF_NETLINK"},
    {17, "AF_PACKET"}, {40, "AF_VSOCK"}, {44, "AF_XDP"},
};

constexpr std::pair<uint64_t, std::string_view> kSocketTypes[] = {
    {1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"}, {4, "SOCK_RDM"},
    {5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"}, {10, "SOCK_PACKET"},
};

}  // namespace

std::span<const SyscallArg> SyscallArgs(EventType type) {
  const auto& table = Table();
  auto it = table.find(type);
  if (it == table.end()) return {};
  return it->second;
}

bool RenderSyscallArg(const Event& e, const Process* process, const SyscallArg& arg,
                      std::string& out) {
  if (!IsGenericSyscall(e.type) || arg.index < 0 || arg.index > 5) return false;
  const uint64_t raw = e.syscall_args[arg.index];
  switch (arg.kind) {
    case K::kPath:
    case K::kString: {
      for (std::size_t i = 0; i < e.syscall_strings.size(); ++i) {
        if (e.syscall_string_arg[i] != arg.index) continue;
        const std::string& text = e.syscall_strings[i];
        if (arg.kind == K::kString || text.empty()) {
          out = text;
          return true;
        }
        // Resolve relative paths against the cwd when the directory is the cwd.
        bool from_cwd = arg.dirfd_index < 0 ||
                        static_cast<int32_t>(e.syscall_args[arg.dirfd_index]) == AT_FDCWD;
        if (text.front() == '/') {
          out = NormalizePath(text);
        } else if (from_cwd && process && !process->cwd.empty()) {
          out = AbsolutePath(process->cwd, text);
        } else {
          out = text;
        }
        return true;
      }
      return false;
    }
    case K::kInt:
      out = std::to_string(static_cast<int32_t>(raw));
      return true;
    case K::kUint:
      out = std::to_string(raw);
      return true;
    case K::kMode:
      Flags(raw & 07777, kModeBits, out);
      return true;
    case K::kPtraceRequest: {
      auto name = Named(raw, kPtraceRequests);
      out = name.empty() ? std::to_string(raw) : std::string(name);
      return true;
    }
    case K::kNamespaceFlags:
      Flags(raw, kNamespaceFlags, out);
      return true;
    case K::kMountFlags:
      Flags(raw & 0xffffffffull, kMountFlags, out);
      return true;
    case K::kBpfCommand: {
      auto name = Named(raw, kBpfCommands);
      out = name.empty() ? std::to_string(raw) : std::string(name);
      return true;
    }
    case K::kSignal: {
      auto name = Named(raw, kSignals);
      out = name.empty() ? std::to_string(raw) : std::string(name);
      return true;
    }
    case K::kCapabilities:
      if (e.type != EventType::kCapset || e.ret != 0) return false;
      out = CapabilitiesText(raw);
      return true;
    case K::kSocketDomain: {
      auto name = Named(raw, kSocketDomains);
      out = name.empty() ? std::to_string(raw) : std::string(name);
      return true;
    }
    case K::kSocketType: {
      auto name = Named(raw & 0xf, kSocketTypes);
      out = name.empty() ? std::to_string(raw & 0xf) : std::string(name);
      if (raw & SOCK_NONBLOCK) out += "|SOCK_NONBLOCK";
      if (raw & SOCK_CLOEXEC) out += "|SOCK_CLOEXEC";
      return true;
    }
    case K::kSocketTuple:
      out = SocketName(e);
      return !out.empty();
  }
  return false;
}

}  // namespace vigil::rules
