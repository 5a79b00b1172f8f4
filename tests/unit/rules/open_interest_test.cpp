// The in-kernel open filter derived from rules: what a condition needs of an open, found
// conservatively (an open a rule could match must always pass).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/rules/rules_fixture.h"

namespace vigil::rules {
namespace {

using testing_support::RulesHarness;

OpenFilter FilterOf(const std::string& condition, const std::string& extra = "") {
  RulesHarness h;
  EXPECT_TRUE(h.Load(extra + "- rule: r\n  desc: d\n  condition: " + condition +
                     "\n  output: o\n  priority: INFO\n"));
  return h.set() ? h.set()->OpenFilterInUse() : OpenFilter::PassAll();
}

TEST(RuleSetTest, ReadsFieldInConditionsAndOutputs) {
  auto reads = [](const std::string& condition, const std::string& output) {
    RulesHarness h;
    EXPECT_TRUE(h.Load("- rule: r\n  desc: d\n  condition: " + condition + "\n  output: " +
                       output + "\n  priority: INFO\n"));
    return h.set() && h.set()->ReadsField("proc.env");
  };
  EXPECT_FALSE(reads("evt.type = execve", "x %proc.name"));
  EXPECT_TRUE(reads("evt.type = execve and proc.env contains HTTP_PROXY", "x"));
  EXPECT_TRUE(reads("evt.type = execve and proc.env[HOME] = /root", "x"));
  EXPECT_TRUE(reads("evt.type = execve", "x env=%proc.env"));
  EXPECT_FALSE(reads("evt.type = execve and proc.exepath = /bin/sh", "x %proc.exe"));
}

TEST(OpenInterestTest, FileNamesAndDirectories) {
  auto f = FilterOf("evt.type = openat and fd.num >= 0 and fd.name in (/etc/shadow, /etc/sudoers)");
  EXPECT_FALSE(f.pass_all);
  EXPECT_EQ(f.leaves, (std::set<std::string>{"shadow", "sudoers"}));
  EXPECT_FALSE(f.failures);  // fd.num >= 0: a failed open cannot match
  f = FilterOf("evt.type = openat and fd.directory in (/bin, /usr/sbin)");
  EXPECT_EQ(f.parents, (std::set<std::string>{"bin", "sbin"}));
  EXPECT_TRUE(f.failures);  // no success required: a failed open's name cannot be checked
  f = FilterOf("evt.type = openat and fd.filename = authorized_keys");
  EXPECT_EQ(f.leaves, (std::set<std::string>{"authorized_keys"}));
}

TEST(OpenInterestTest, PrefixesFromStartswithPmatchAndGlob) {
  auto f = FilterOf("evt.type = openat and fd.num >= 0 and (fd.name startswith /root/.ssh/ or "
                    "fd.name startswith /dev/sd or fd.name pmatch (/host) or "
                    "fd.name glob '/home/*/.ssh/*')");
  std::vector<std::vector<std::string>> expected = {
      {"root", ".ssh"}, {"dev"}, {"host"}, {"home", "*", ".ssh"}};
  EXPECT_EQ(f.prefixes, expected);
}

TEST(OpenInterestTest, TheCheapestNecessarySignalOfAConjunctionWins) {
  // open_write and a prefix: writes are cheaper to test than a path walk.
  auto f = FilterOf("evt.type = openat and evt.is_open_write = true and fd.name startswith /etc/");
  EXPECT_TRUE(f.writes);
  EXPECT_TRUE(f.prefixes.empty());
  // a file name beats writes
  f = FilterOf("evt.type = openat and evt.is_open_write = true and fd.name = /etc/passwd");
  EXPECT_FALSE(f.writes);
  EXPECT_EQ(f.leaves, (std::set<std::string>{"passwd"}));
  // "../" in the path as passed, but only for files the other conjunct places.
  f = FilterOf("evt.type = openat and fd.nameraw contains '../' and fd.name startswith /etc/");
  EXPECT_FALSE(f.raw_dotdot);
  EXPECT_TRUE(f.gated_dotdot);
  EXPECT_EQ(f.dotdot_gate_prefixes, (std::vector<std::vector<std::string>>{{"etc"}}));
  EXPECT_TRUE(f.prefixes.empty());
}

// A name cannot be checked on a failed open (no file): failures pass, unless every branch
// needs success, or the rule needs a write (a failed open's flags are known).
TEST(OpenInterestTest, FailedOpensPassOnlyWhenARuleCanMatchThem) {
  auto f = FilterOf("(evt.type = openat and fd.num >= 0 and fd.typechar = 'f') or "
                    "(evt.type = openat and fd.num >= 0 and fd.typechar = 'd')",
                    "");
  EXPECT_FALSE(f.failures);
  f = FilterOf("((evt.type = openat and fd.num >= 0) or (evt.type = open and fd.num >= 0)) "
               "and fd.name startswith /root/.ssh/");
  EXPECT_FALSE(f.failures);
  EXPECT_FALSE(f.failed_writes);
  f = FilterOf("(evt.type = creat or (evt.type = openat and evt.arg.flags contains O_CREAT)) "
               "and fd.directory = /dev");
  EXPECT_FALSE(f.failures);
  EXPECT_TRUE(f.failed_writes);
  EXPECT_EQ(f.parents, (std::set<std::string>{"dev"}));
  f = FilterOf("evt.type = openat and fd.directory = /dev");
  EXPECT_TRUE(f.failures);
}

TEST(OpenInterestTest, TraversalScansAreGatedByWhereTheFileIs) {
  auto f = FilterOf("evt.type = openat and fd.nameraw glob '*../*../*' and "
                    "(fd.name startswith /etc/ or fd.name glob '/home/*/.ssh/*' or "
                    "fd.name contains id_rsa)");
  EXPECT_TRUE(f.gated_dotdot);
  EXPECT_FALSE(f.raw_dotdot);
  EXPECT_EQ(f.dotdot_gate_prefixes,
            (std::vector<std::vector<std::string>>{{"etc"}, {"home", "*", ".ssh"}}));
  EXPECT_EQ(f.dotdot_gate_contains, (std::set<std::string>{"id_rsa"}));
  // Nothing places the file: every path is scanned.
  f = FilterOf("evt.type = openat and fd.nameraw contains '../' and proc.pid > 1");
  EXPECT_TRUE(f.raw_dotdot);
  EXPECT_FALSE(f.gated_dotdot);
  // A part with '/' cannot be checked on one name: no gate from it.
  f = FilterOf("evt.type = openat and fd.nameraw contains '../' and fd.name contains '/.ssh/'");
  EXPECT_TRUE(f.raw_dotdot);
  // One rule's ungated scan covers another's gated one.
  OpenFilter gated = FilterOf("evt.type = openat and fd.nameraw contains '../' and "
                              "fd.name startswith /etc/");
  gated.Merge(FilterOf("evt.type = openat and fd.nameraw contains '../' and proc.pid > 1"));
  EXPECT_TRUE(gated.raw_dotdot);
  EXPECT_THAT(gated.Describe(), testing::HasSubstr("paths with ../"));
}

TEST(OpenInterestTest, DisjunctionsUniteAndExecOnlyBranchesDropOut) {
  auto f = FilterOf("(evt.type = openat and fd.name = /etc/crontab) or "
                    "(evt.type = execve and proc.name = crontab)");
  EXPECT_EQ(f.leaves, (std::set<std::string>{"crontab"}));
  EXPECT_TRUE(f.comms.empty());  // the exec branch cannot hold for an open
  f = FilterOf("evt.type = openat and (proc.name = sshd or fd.name = /etc/x)");
  EXPECT_EQ(f.comms, (std::set<std::string>{"sshd"}));
  EXPECT_EQ(f.leaves, (std::set<std::string>{"x"}));
}

TEST(OpenInterestTest, ConservativeWhereNothingIsKnown) {
  EXPECT_TRUE(FilterOf("evt.type = openat and fd.name contains shadow").pass_all);
  EXPECT_TRUE(FilterOf("evt.type = openat and not fd.name = /etc/x").pass_all);
  EXPECT_TRUE(FilterOf("evt.type = openat and tolower(fd.name) = /etc/x").pass_all);
  EXPECT_TRUE(FilterOf("evt.type = openat and (fd.name = /etc/x or proc.pid = 1)").pass_all);
  // No evt.type: the rule sees opens too, but only those of processes named cat.
  EXPECT_EQ(FilterOf("proc.name = cat").comms, (std::set<std::string>{"cat"}));
  EXPECT_TRUE(FilterOf("proc.pid > 1").pass_all);
  // A rule that cannot see opens does not widen the filter.
  EXPECT_FALSE(FilterOf("evt.type = execve and proc.name = cat").pass_all);
}

TEST(OpenInterestTest, MacrosAndListsExpand) {
  auto f = FilterOf("evt.type = openat and files", "- list: l\n  items: [/etc/a, /etc/b]\n"
                                                    "- macro: files\n  condition: fd.name in (l)\n");
  EXPECT_EQ(f.leaves, (std::set<std::string>{"a", "b"}));
}

TEST(OpenInterestTest, BuiltInRulesDoNotPassEveryOpen) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  auto f = h.set()->OpenFilterInUse();
  EXPECT_FALSE(f.pass_all) << f.Describe();
  EXPECT_TRUE(f.writes);
  EXPECT_TRUE(f.leaves.contains("shadow"));
  EXPECT_TRUE(f.parents.contains("pam.d"));
  EXPECT_FALSE(f.raw_dotdot);
  EXPECT_TRUE(f.gated_dotdot);  // the traversal rule: files under /etc, ~/.ssh, id_rsa*
  EXPECT_TRUE(f.dotdot_gate_contains.contains("id_rsa"));
  EXPECT_FALSE(f.failures);
}

}  // namespace
}  // namespace vigil::rules
