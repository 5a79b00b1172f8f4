// The built-in rules on synthetic events: the seed's reference alerts, and silence for
// benign activity.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/rules/rules_fixture.h"

namespace vigil::rules {
namespace {

using testing_support::RulesHarness;

TEST(DefaultRulesTest, Load) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  EXPECT_EQ(h.set()->rules().size(), 2u);
  EXPECT_TRUE(h.diagnostics().empty()) << h.diagnostics()[0];
}

TEST(DefaultRulesTest, CatShadowInContainerIsTheReferenceAlert) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  h.Spawn(200, "cat", {"cat", "/etc/shadow"});
  auto matches = h.Open(200, "/etc/shadow", O_RDONLY);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].rule, "Read sensitive file untrusted");
  EXPECT_EQ(matches[0].output,
            "Sensitive file opened for reading by non-trusted program (user=root "
            "user_loginuid=-1 program=cat command=cat /etc/shadow file=/etc/shadow parent=sh "
            "gparent=containerd-shim ggparent=systemd gggparent=<NA> container_id=e8904b80c959 "
            "image=alpine)");
}

TEST(DefaultRulesTest, TouchBinIsWriteBelowBinaryDir) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  h.Spawn(200, "touch", {"touch", "/bin/test"});
  auto matches = h.Open(200, "/bin/test", O_RDWR | O_CREAT);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].rule, "Write below binary dir");
  EXPECT_THAT(matches[0].output, testing::StartsWith("File below a known binary directory opened "
                                                     "for writing (user=root"));
  EXPECT_THAT(matches[0].output, testing::HasSubstr("command=touch /bin/test file=/bin/test"));
}

TEST(DefaultRulesTest, BenignActivityIsSilent) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  h.Spawn(200, "cat", {"cat", "/etc/passwd"});
  EXPECT_TRUE(h.Open(200, "/etc/passwd", O_RDONLY).empty());
  EXPECT_TRUE(h.Open(200, "/tmp/x", O_WRONLY | O_CREAT | O_TRUNC).empty());
  EXPECT_TRUE(h.Open(200, "/bin/busybox", O_RDONLY).empty());  // reading a binary is fine
  // Failed opens do not alert (fd.num>=0): nothing was read.
  EXPECT_TRUE(h.Open(200, "/etc/shadow", O_RDONLY, -13).empty());
  // A directory is not a file.
  EXPECT_TRUE(h.Open(200, "/etc/sudoers.d", O_RDONLY | O_DIRECTORY, 3, 040755).empty());
}

TEST(DefaultRulesTest, TrustedProgramsMayReadShadow) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  for (const char* trusted : {"passwd", "sshd", "sudo", "dpkg", "unix_chkpwd"}) {
    h.Spawn(300, trusted, {trusted});
    EXPECT_TRUE(h.Open(300, "/etc/shadow", O_RDONLY).empty()) << trusted;
  }
  h.Spawn(300, "dpkg", {"dpkg", "-i", "x.deb"});
  EXPECT_TRUE(h.Open(300, "/usr/bin/tool", O_WRONLY | O_CREAT).empty());
}

TEST(DefaultRulesTest, HostProcessesSayHost) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  h.Spawn(400, "cat", {"cat", "/etc/shadow"}, /*in_container=*/false, 1000);
  auto matches = h.Open(400, "/etc/shadow", O_RDONLY);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_THAT(matches[0].output, testing::HasSubstr("user=alice"));
  EXPECT_THAT(matches[0].output, testing::HasSubstr("container_id=host image=<NA>"));
}

}  // namespace
}  // namespace vigil::rules
