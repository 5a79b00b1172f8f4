// The built-in rules on synthetic events: the seed's reference alerts, and silence for
// benign activity.
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/rules/rules_fixture.h"

namespace vigil::rules {
namespace {

using testing_support::RulesHarness;

TEST(DefaultRulesTest, LoadWithoutErrors) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  for (const auto& d : h.diagnostics()) EXPECT_THAT(d, testing::StartsWith("warning")) << d;
}

// Every detection of Falco's stable rule file has a built-in rule of the same name.
TEST(DefaultRulesTest, CoverFalcosStableRules) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  std::set<std::string> names;
  for (const auto& r : h.set()->rules()) names.insert(r->name);
  for (const char* stable : {
           "Directory traversal monitored file read", "Read sensitive file trusted after startup",
           "Read sensitive file untrusted", "Run shell untrusted", "System user interactive",
           "Terminal shell in container", "Contact K8S API Server From Container",
           "Netcat Remote Code Execution in Container", "Search Private Keys or Passwords",
           "Clear Log Activities", "Remove Bulk Data from Disk",
           "Create Symlink Over Sensitive Files", "Create Hardlink Over Sensitive Files",
           "Packet socket created in container",
           "Redirect STDOUT/STDIN to Network Connection in Container",
           "Linux Kernel Module Injection Detected", "Debugfs Launched in Privileged Container",
           "Detect release_agent File Container Escapes", "PTRACE attached to process",
           "PTRACE anti-debug attempt", "Find AWS Credentials", "Execution from /dev/shm",
           "Drop and execute new binary in container",
           "Disallowed SSH Connection Non Standard Port", "Fileless execution via memfd_create"}) {
    EXPECT_TRUE(names.contains(stable)) << stable;
  }
}

TEST(DefaultRulesTest, KernelSurfacesFromContainers) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  h.Spawn(200, "sh", {"sh", "-c", "echo 1 > /proc/sysrq-trigger"});
  auto written = h.Open(200, "/proc/sys/kernel/core_pattern", O_WRONLY | O_TRUNC);
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].rule, "Write to non-namespaced kernel surface from container");
  auto refused = h.Open(200, "/proc/sysrq-trigger", O_WRONLY | O_CREAT | O_TRUNC, -30);  // EROFS
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].rule, "Write attempt to non-namespaced kernel surface from container");
  EXPECT_THAT(refused[0].output, testing::HasSubstr("result=EROFS"));
  auto release = h.Open(200, "/tmp/cg/release_agent", O_WRONLY | O_TRUNC);
  std::set<std::string> rules;
  for (const auto& m : release) rules.insert(m.rule);
  EXPECT_TRUE(rules.contains("Detect release_agent File Container Escapes"));
  EXPECT_TRUE(rules.contains("Write to non-namespaced kernel surface from container"));
  EXPECT_EQ(h.Open(200, "/tmp/cg/notify_on_release", O_WRONLY).size(), 1u);
  // Sysctls of the container's own namespaces (runtimes set some in every container).
  h.Spawn(210, "runc:[2:INIT]", {"runc:[2:INIT]", "init"});
  EXPECT_TRUE(h.Open(210, "/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_TRUNC).empty());
  EXPECT_TRUE(h.Open(210, "/proc/sys/kernel/hostname", O_WRONLY | O_TRUNC).empty());
  // Reading them, or writing look-alike paths, is fine.
  EXPECT_TRUE(h.Open(200, "/proc/sys/kernel/hostname", O_RDONLY).empty());
  EXPECT_TRUE(h.Open(200, "/proc/system-info", O_WRONLY | O_CREAT).empty());
  EXPECT_TRUE(h.Open(200, "/sysroot/x", O_WRONLY | O_CREAT).empty());
  // The host configuring its own kernel is not a container escape.
  h.Spawn(300, "sysctl", {"sysctl", "-w", "vm.swappiness=10"}, /*in_container=*/false);
  EXPECT_TRUE(h.Open(300, "/proc/sys/vm/swappiness", O_WRONLY).empty());
}

TEST(DefaultRulesTest, MountOfKernelFileSystemInContainer) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  auto mount = [&](uint32_t pid, const char* comm, const char* type, int64_t ret) {
    h.Spawn(pid, comm, {comm});
    Event e;
    e.type = EventType::kMount;
    e.pid = e.tid = pid;
    e.ppid = 100;
    e.comm = comm;
    e.cgroup_id = 7;
    e.ret = ret;
    e.syscall_args = {0, 0, 0, 0, 0, 0};
    e.syscall_strings = {std::string("cgroup"), std::string("/tmp/cg"), std::string(type)};
    e.syscall_string_arg = {0, 1, 2};
    return h.Evaluate(e);
  };
  auto m = mount(200, "mount", "cgroup", 0);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].rule, "Mount of kernel file system in container");
  EXPECT_THAT(m[0].output, testing::HasSubstr("type=cgroup dir=/tmp/cg result=SUCCESS"));
  EXPECT_EQ(mount(201, "mount", "proc", -1).size(), 1u);  // an attempt counts
  EXPECT_TRUE(mount(202, "mount", "tmpfs", 0).empty());
  EXPECT_TRUE(mount(203, "runc:[2:INIT]", "proc", 0).empty());  // the runtime's set-up
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

// A failed exec spawns nothing: vigil's spawned_process needs success, so a shell searching
// PATH is not one new shell per directory tried. A rule can still ask for failures.
TEST(DefaultRulesTest, FailedExecIsNotASpawnedProcess) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  h.Spawn(150, "nginx", {"nginx"});
  testing_support::ProcSpec sh;
  sh.pid = 200;
  sh.ppid = 150;
  sh.comm = "sh";
  sh.args = {"sh", "-c", "wget x"};
  auto spawned = h.Exec(sh);
  ASSERT_EQ(spawned.size(), 1u);
  EXPECT_EQ(spawned[0].rule, "Run shell untrusted");
  EXPECT_TRUE(h.FailedExec(200, "/usr/local/sbin/wget", -2).empty());
  EXPECT_TRUE(h.FailedExec(200, "/usr/local/bin/wget", -2, EventType::kExecveat).empty());

  RulesHarness custom;
  ASSERT_TRUE(custom.Load(R"(
- rule: failed exec
  desc: d
  condition: evt.type in (execve, execveat) and evt.rawres < 0
  output: "%evt.type %evt.res %evt.arg.filename by %proc.name (%proc.cmdline) %container.id"
  priority: NOTICE
)"));
  custom.Spawn(200, "sh", {"sh", "-c", "wget x"});
  auto failed = custom.FailedExec(200, "/usr/local/bin/wget", -2);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_THAT(failed[0].output, testing::HasSubstr(
                                    "execve ENOENT /usr/local/bin/wget by sh (sh -c wget x) "
                                    "e8904b80c959"));
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

namespace vigil::rules {
namespace {

// As Falco's default append_output: every alert names its container, also for rules (like the
// upstream files') whose output does not; a rule that prints container.id itself is left alone.
TEST(ContainerOutputTest, AppendedWhereTheRuleNamesNoContainer) {
  RuleLoader loader;
  loader.AppendContainerOutput(true);
  loader.AddText("t.yaml", R"(
- rule: plain
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow
  output: "read %fd.name  "
  priority: WARNING
- rule: own
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow
  output: "read %fd.name in %container.id"
  priority: WARNING
)");
  auto set = loader.Build();
  ASSERT_TRUE(set);
  EXPECT_EQ(set->rules()[0]->output_text,
            "read %fd.name container_id=%container.id container_name=%container.name "
            "image=%container.image.repository");
  EXPECT_EQ(set->rules()[1]->output_text, "read %fd.name in %container.id");
}

}  // namespace
}  // namespace vigil::rules
