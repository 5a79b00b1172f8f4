#include "privileges/capabilities.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace vigil::privileges {
namespace {

using testing::HasSubstr;

TEST(Capabilities, NamesAreLibcapsAndUnknownNumbersStayReadable) {
  EXPECT_EQ(CapabilityName(CAP_SYS_ADMIN), "cap_sys_admin");
  EXPECT_EQ(CapabilityName(CAP_DAC_READ_SEARCH), "cap_dac_read_search");
  EXPECT_EQ(CapabilityName(CAP_BPF), "cap_bpf");
  EXPECT_EQ(CapabilityName(63), "cap_63");
}

TEST(Capabilities, FormatsByNumberOrNone) {
  EXPECT_EQ(FormatCaps({}), "none");
  EXPECT_EQ(FormatCaps(Caps({CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH})),
            "cap_dac_read_search,cap_sys_ptrace");
  EXPECT_EQ(FormatCaps(Caps({CAP_BPF, CAP_CHOWN}), ", "), "cap_chown, cap_bpf");
}

struct NeededCase {
  bool web_server;
  uint32_t port;
  CapSet expected;
};

class NeededAfterAttachTest : public testing::TestWithParam<NeededCase> {};

TEST_P(NeededAfterAttachTest, KeepsProcAccessAndALowPortOnly) {
  const NeededCase& c = GetParam();
  const CapSet needed = NeededAfterAttach(c.web_server, c.port);
  EXPECT_EQ(FormatCaps(needed), FormatCaps(c.expected));
  // Loading and attaching is over: never kept.
  for (int cap : {CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE, CAP_DAC_OVERRIDE,
                  CAP_SETPCAP, CAP_SETUID, CAP_NET_ADMIN}) {
    EXPECT_FALSE(needed.test(static_cast<std::size_t>(cap))) << CapabilityName(cap);
  }
}

const CapSet kProc = Caps({CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH});

INSTANTIATE_TEST_SUITE_P(
    Table, NeededAfterAttachTest,
    testing::Values(NeededCase{false, 8765, kProc}, NeededCase{true, 8765, kProc},
                    NeededCase{true, 1024, kProc},
                    NeededCase{true, 443,
                               Caps({CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, CAP_NET_BIND_SERVICE})},
                    NeededCase{false, 80, kProc}));

TEST(Capabilities, DescribesWhatIsKeptAndDropped) {
  DropResult r;
  r.kept = kProc;
  r.dropped = Caps({CAP_CHOWN, CAP_SYS_ADMIN, CAP_BPF});
  r.bounding = kProc;
  r.bounding_trimmed = true;
  EXPECT_EQ(DescribeDrop(r),
            "capabilities now: cap_dac_read_search,cap_sys_ptrace (dropped: cap_chown, "
            "cap_sys_admin, cap_bpf; bounding set: the same)");
  // A container without CAP_SETPCAP: its runtime's bounding set stays, and the line says so.
  r.bounding = kProc | Caps({CAP_SYS_ADMIN});
  r.bounding_trimmed = false;
  EXPECT_THAT(DescribeDrop(r),
              HasSubstr("bounding set: cap_dac_read_search,cap_sys_ptrace,cap_sys_admin, as "
                        "given: no cap_setpcap to trim it)"));
}

TEST(Capabilities, RefusesWhileAnotherThreadRuns) {
  auto before = CurrentCaps();
  ASSERT_TRUE(before) << before.error().message;
  auto alone = ThreadCount();
  ASSERT_TRUE(alone) << alone.error().message;
  std::atomic<bool> stop{false};
  std::thread other([&stop] {
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  auto count = ThreadCount();
  auto dropped = DropCapabilitiesExcept(kProc);
  stop = true;
  other.join();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, *alone + 1);
  ASSERT_FALSE(dropped);
  EXPECT_THAT(dropped.error().message, HasSubstr("threads run, and capabilities belong to each"));
  auto after = CurrentCaps();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->permitted, before->permitted);
  EXPECT_EQ(after->bounding, before->bounding);
}

// Lowering the effective set for a check, then raising it again; in a forked child, as root.
TEST(Capabilities, WorksWithOnlyLowersTheEffectiveSetForTheCheckOnly) {
  auto before = CurrentCaps();
  ASSERT_TRUE(before);
  if (!before->effective.test(CAP_SYS_ADMIN)) GTEST_SKIP() << "needs root (cap_sys_admin)";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    CapSet during;
    auto works = WorksWithOnly(kProc, [&during] {
      auto now = CurrentCaps();
      if (now) during = now->effective;
      return false;
    });
    if (!works || *works) _exit(10);
    if (during != kProc) _exit(11);
    auto after = CurrentCaps();
    if (!after || after->effective != before->effective) _exit(12);
    if (after->permitted != before->permitted) _exit(13);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's check that failed: 10 result, 11 during, "
                                       "12 effective after, 13 permitted after";
}

// The real drop, in a forked child (one thread, whatever this process runs); as root only.
TEST(Capabilities, DropsToTheKeptSetTrimsTheBoundingSetAndSetsNoNewPrivs) {
  auto before = CurrentCaps();
  ASSERT_TRUE(before);
  if (!before->permitted.test(CAP_SYS_ADMIN) || !before->permitted.test(CAP_SETPCAP)) {
    GTEST_SKIP() << "needs root (cap_sys_admin, cap_setpcap)";
  }
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto dropped = DropCapabilitiesExcept(kProc);
    if (!dropped) _exit(10);
    auto now = CurrentCaps();
    if (!now) _exit(11);
    if (now->permitted != kProc || now->effective != kProc) _exit(12);
    if (now->bounding != kProc || !dropped->bounding_trimmed) _exit(13);
    if (dropped->kept != kProc || !dropped->dropped.test(CAP_SYS_ADMIN)) _exit(14);
    if (dropped->dropped.test(CAP_SYS_PTRACE)) _exit(15);
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) _exit(16);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's check that failed: 10 drop, 11 read, "
                                       "12 sets, 13 bounding, 14 result, 15 kept, 16 nnp";
}

}  // namespace
}  // namespace vigil::privileges
