#include "rules/syscall_args.h"

#include <fcntl.h>

#include <gtest/gtest.h>

namespace vigil::rules {
namespace {

std::string Render(const Event& e, const Process* p, std::string_view name) {
  for (const auto& a : SyscallArgs(e.type)) {
    std::string out;
    if (a.name == name) return RenderSyscallArg(e, p, a, out) ? out : "<unknown>";
  }
  return "<no such argument>";
}

Event Syscall(EventType type, std::array<uint64_t, 6> args) {
  Event e;
  e.type = type;
  e.syscall_args = args;
  return e;
}

TEST(SyscallArgsTest, PathsAreMadeAbsoluteAgainstTheCwd) {
  Process p;
  p.cwd = "/srv/app";
  Event e = Syscall(EventType::kUnlinkat, {static_cast<uint64_t>(AT_FDCWD), 0, 0, 0, 0, 0});
  e.syscall_strings[0] = "../data/./x";
  e.syscall_string_arg[0] = 1;
  EXPECT_EQ(Render(e, &p, "name"), "/srv/data/x");
  EXPECT_EQ(Render(e, &p, "dirfd"), "-100");
  e.syscall_args[0] = 5;  // relative to another directory: left as passed
  EXPECT_EQ(Render(e, &p, "name"), "../data/./x");
  Event sym = Syscall(EventType::kSymlink, {});
  sym.syscall_strings = {std::string("/etc/shadow"), std::string("l"), std::string()};
  sym.syscall_string_arg = {0, 1, -1};
  EXPECT_EQ(Render(sym, &p, "target"), "/etc/shadow");
  EXPECT_EQ(Render(sym, &p, "linkpath"), "/srv/app/l");
}

TEST(SyscallArgsTest, FlagsAndRequestsByName) {
  EXPECT_EQ(Render(Syscall(EventType::kChmod, {0, 04755, 0, 0, 0, 0}), nullptr, "mode"),
            "S_ISUID|S_IRUSR|S_IWUSR|S_IXUSR|S_IRGRP|S_IXGRP|S_IROTH|S_IXOTH");
  EXPECT_EQ(Render(Syscall(EventType::kPtrace, {16, 42, 0, 0, 0, 0}), nullptr, "request"),
            "PTRACE_ATTACH");
  EXPECT_EQ(Render(Syscall(EventType::kPtrace, {0, 0, 0, 0, 0, 0}), nullptr, "request"),
            "PTRACE_TRACEME");
  EXPECT_EQ(Render(Syscall(EventType::kUnshare, {0x40020000, 0, 0, 0, 0, 0}), nullptr, "flags"),
            "CLONE_NEWNS|CLONE_NEWNET");
  EXPECT_EQ(Render(Syscall(EventType::kMount, {0, 0, 0, 4096 | 16384, 0, 0}), nullptr, "flags"),
            "MS_BIND|MS_REC");
  EXPECT_EQ(Render(Syscall(EventType::kBpf, {5, 0, 0, 0, 0, 0}), nullptr, "cmd"), "BPF_PROG_LOAD");
  EXPECT_EQ(Render(Syscall(EventType::kKill, {1, 9, 0, 0, 0, 0}), nullptr, "sig"), "SIGKILL");
  EXPECT_EQ(Render(Syscall(EventType::kSetuid, {0xffffffff, 0, 0, 0, 0, 0}), nullptr, "uid"),
            "-1");
  Event capset = Syscall(EventType::kCapset, {0, 0, 1ull << 21, 1ull << 21, 0, 0});
  EXPECT_EQ(Render(capset, nullptr, "cap_effective"), "CAP_SYS_ADMIN");
  capset.ret = -1;  // a refused capset sets nothing
  EXPECT_EQ(Render(capset, nullptr, "cap_effective"), "<unknown>");
}

TEST(SyscallArgsTest, EveryTracedSyscallHasNamedArguments) {
  for (std::size_t t = 0; t < kEventTypeCount; ++t) {
    auto type = static_cast<EventType>(t);
    if (IsGenericSyscall(type)) {
      EXPECT_FALSE(SyscallArgs(type).empty()) << EventTypeName(type);
    }
  }
}

}  // namespace
}  // namespace vigil::rules
