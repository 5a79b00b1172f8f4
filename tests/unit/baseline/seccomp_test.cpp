#include "baseline/seccomp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace vigil::baseline {
namespace {

TEST(BaselineSeccompTest, NamesAndNumbers) {
  EXPECT_EQ(SyscallName(0), "read");
  EXPECT_EQ(SyscallName(257), "openat");
  EXPECT_EQ(SyscallName(59), "execve");
  EXPECT_EQ(SyscallName(-1), std::nullopt);
  EXPECT_EQ(SyscallName(100000), std::nullopt);
  EXPECT_EQ(SyscallNumber("openat"), 257);
  EXPECT_EQ(SyscallNumber("read"), 0);
  EXPECT_EQ(SyscallNumber("no_such_call"), std::nullopt);
  EXPECT_EQ(SyscallNumber(""), std::nullopt);
  EXPECT_EQ(SyscallNumber("socketcall"), std::nullopt);  // i386 only
}

TEST(BaselineSeccompTest, RuntimeSyscallsAreRealAndExcludeEscapes) {
  const auto& runtime = RuntimeSyscalls();
  EXPECT_GT(runtime.size(), 10u);
  for (const auto& name : runtime) EXPECT_TRUE(SyscallNumber(name)) << name;
  for (const char* forbidden : {"unshare", "mount", "setns", "socket", "clone", "clone3", "ptrace",
                                "bpf", "init_module", "keyctl"}) {
    EXPECT_EQ(std::count(runtime.begin(), runtime.end(), forbidden), 0) << forbidden;
  }
  for (const char* needed : {"execve", "futex", "capset", "exit_group", "fstatfs", "getcwd"}) {
    EXPECT_EQ(std::count(runtime.begin(), runtime.end(), needed), 1) << needed;
  }
}

TEST(BaselineSeccompTest, ProfileJsonAsDockerTakesIt) {
  Profile p;
  p.key = "app:1";
  p.syscalls = {"uname", "openat", "sendfile"};
  auto text = SeccompProfileJson(p);
  ASSERT_TRUE(text) << text.error().message;
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(j["defaultErrnoRet"], 1);
  EXPECT_EQ(j["architectures"],
            nlohmann::json::array({"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
  ASSERT_EQ(j["syscalls"].size(), 1u);
  EXPECT_EQ(j["syscalls"][0]["action"], "SCMP_ACT_ALLOW");
  std::vector<std::string> names = j["syscalls"][0]["names"];
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());  // no duplicates
  for (const char* learned : {"uname", "openat", "sendfile"}) {
    EXPECT_EQ(std::count(names.begin(), names.end(), learned), 1) << learned;
  }
  for (const auto& name : RuntimeSyscalls()) {
    EXPECT_EQ(std::count(names.begin(), names.end(), name), 1) << name;
  }
  EXPECT_EQ(std::count(names.begin(), names.end(), "unshare"), 0);
}

TEST(BaselineSeccompTest, RefusesEmptyAndUnknown) {
  Profile p;
  p.key = "app:1";
  auto empty = SeccompProfileJson(p);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("no syscalls"), std::string::npos);
  p.syscalls = {"read", "frobnicate"};
  auto unknown = SeccompProfileJson(p);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("'frobnicate'"), std::string::npos);
}

}  // namespace
}  // namespace vigil::baseline
