// Each check fires on the insecure setting and stays quiet on the hardened container.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "audit/check.h"
#include "audit_fixture.h"

namespace vigil::audit {
namespace {

using testing_support::Describe;
using testing_support::FindingsOf;
using testing_support::Input;
using testing_support::PolicyFrom;

TEST(AuditRegistryTest, EveryCheckIsDescribed) {
  std::set<std::string_view> ids;
  const std::regex kebab("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  const std::regex cis("([2-5]\\.[0-9]{1,2})?");
  for (const Check& check : AllChecks()) {
    std::string id(check.id);
    EXPECT_TRUE(ids.insert(check.id).second) << "duplicate id " << id;
    EXPECT_TRUE(std::regex_match(id, kebab)) << id;
    EXPECT_TRUE(std::regex_match(std::string(check.cis), cis)) << id << ": " << check.cis;
    EXPECT_FALSE(check.title.empty()) << id;
    EXPECT_GT(check.rationale.size(), 40u) << id;
    EXPECT_GT(check.remediation.size(), 10u) << id;
    EXPECT_NE(check.evaluate, nullptr) << id;
    EXPECT_EQ(FindCheck(check.id), &check);
  }
  EXPECT_EQ(FindCheck("no-such-check"), nullptr);
  EXPECT_GE(ids.size(), 36u);
}

TEST(AuditChecksTest, HardenedContainerHasNoFindings) {
  auto report = AuditContainer(Input(), Policy{});
  EXPECT_TRUE(report.findings.empty()) << Describe(report.findings);
  EXPECT_EQ(report.id, "3f4e5d6c7b8a");
  EXPECT_EQ(report.name, "hardened");
  EXPECT_EQ(report.state, "running");
}

struct FiresCase {
  const char* name;
  const char* check;
  const char* container_patch;
  const char* severity;
  const char* detail;  // a substring of the finding's detail
  const char* daemon_patch = "";
  const char* policy = "";
};

class AuditFiresTest : public testing::TestWithParam<FiresCase> {};

TEST_P(AuditFiresTest, FiresWithSeverityAndDetail) {
  const FiresCase& c = GetParam();
  auto input = Input(c.container_patch, c.daemon_patch);
  auto report = AuditContainer(input, PolicyFrom(c.policy));
  auto found = FindingsOf(report.findings, c.check);
  ASSERT_FALSE(found.empty()) << c.name << ": " << c.check << " did not fire; findings:\n"
                              << Describe(report.findings);
  bool matched = false;
  for (const Finding& f : found) {
    matched = matched || (SeverityName(f.severity) == c.severity &&
                          f.detail.find(c.detail) != std::string::npos);
  }
  EXPECT_TRUE(matched) << c.name << ": expected [" << c.severity << "] '" << c.detail << "' in\n"
                       << Describe(found);
}

// The finding's own severity differs from the check's default where the detail says why.
INSTANTIATE_TEST_SUITE_P(
    Table, AuditFiresTest,
    testing::Values(
        FiresCase{"privileged", "privileged", R"({"HostConfig": {"Privileged": true}})", "critical",
                  "runs privileged"},
        FiresCase{"cap_sys_admin", "capabilities-added",
                  R"({"HostConfig": {"CapAdd": ["CAP_SYS_ADMIN"]}})", "critical",
                  "SYS_ADMIN added"},
        FiresCase{"cap_all", "capabilities-added", R"({"HostConfig": {"CapAdd": ["ALL"]}})",
                  "critical", "ALL added"},
        FiresCase{"cap_net_admin", "capabilities-added",
                  R"({"HostConfig": {"CapAdd": ["NET_ADMIN"]}})", "high", "NET_ADMIN added"},
        FiresCase{"cap_ptrace_lower", "capabilities-added",
                  R"({"HostConfig": {"CapAdd": ["sys_ptrace"]}})", "high", "SYS_PTRACE added"},
        FiresCase{"cap_dac_read_search", "capabilities-added",
                  R"({"HostConfig": {"CapAdd": ["DAC_READ_SEARCH"]}})", "high", "DAC_READ_SEARCH"},
        FiresCase{"cap_net_raw", "capabilities-added", R"({"HostConfig": {"CapAdd": ["NET_RAW"]}})",
                  "medium", "NET_RAW added"},
        FiresCase{"cap_other", "capabilities-added", R"({"HostConfig": {"CapAdd": ["SYS_NICE"]}})",
                  "low", "SYS_NICE added"},
        FiresCase{"caps_not_dropped", "capabilities-not-dropped",
                  R"({"HostConfig": {"CapDrop": null}})", "low", "CapDrop does not include ALL"},
        FiresCase{"root_empty_user", "root-user", R"({"Config": {"User": ""}})", "medium",
                  "runs as root"},
        FiresCase{"root_named", "root-user", R"({"Config": {"User": "root"}})", "medium",
                  "user \"root\""},
        FiresCase{"root_uid_gid", "root-user", R"({"Config": {"User": "0:0"}})", "medium",
                  "\"0:0\""},
        FiresCase{"root_userns_host", "root-user",
                  R"({"Config": {"User": ""}, "HostConfig": {"UsernsMode": "host"}})", "medium",
                  "runs as root", R"({"SecurityOptions": ["name=seccomp", "name=userns"]})"},
        FiresCase{"nnp_missing", "no-new-privileges", R"({"HostConfig": {"SecurityOpt": null}})",
                  "medium", "not set"},
        FiresCase{"nnp_false", "no-new-privileges",
                  R"({"HostConfig": {"SecurityOpt": ["no-new-privileges:false"]}})", "medium",
                  "not set"},
        FiresCase{
            "device_disk", "devices-added",
            R"({"HostConfig": {"Devices": [{"PathOnHost": "/dev/sda", "PathInContainer": "/dev/xvda", "CgroupPermissions": "rwm"}]}})",
            "high", "/dev/sda exposed at /dev/xvda"},
        FiresCase{
            "device_fuse", "devices-added",
            R"({"HostConfig": {"Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"}]}})",
            "medium", "/dev/fuse"},
        FiresCase{"device_rule_all", "devices-added",
                  R"({"HostConfig": {"DeviceCgroupRules": ["a *:* rwm"]}})", "high", "a *:* rwm"},
        FiresCase{"host_pid", "host-pid", R"({"HostConfig": {"PidMode": "host"}})", "high",
                  "PID namespace"},
        FiresCase{"host_network", "host-network", R"({"HostConfig": {"NetworkMode": "host"}})",
                  "high", "network namespace"},
        FiresCase{"host_ipc", "host-ipc", R"({"HostConfig": {"IpcMode": "host"}})", "high",
                  "IPC namespace"},
        FiresCase{"host_uts", "host-uts", R"({"HostConfig": {"UTSMode": "host"}})", "medium",
                  "UTS namespace"},
        FiresCase{"host_userns", "host-userns", R"({"HostConfig": {"UsernsMode": "host"}})",
                  "medium", "--userns host"},
        FiresCase{"host_cgroupns_v1", "host-cgroupns",
                  R"({"HostConfig": {"CgroupnsMode": "host"}})", "low", "default on cgroup v1"},
        FiresCase{"host_cgroupns_v2", "host-cgroupns",
                  R"({"HostConfig": {"CgroupnsMode": "host"}})", "medium", "--cgroupns host",
                  R"({"CgroupVersion": "2"})"},
        FiresCase{"seccomp_unconfined", "seccomp-unconfined",
                  R"({"HostConfig": {"SecurityOpt": ["no-new-privileges", "seccomp=unconfined"]}})",
                  "high", "seccomp=unconfined"},
        FiresCase{"seccomp_old_syntax", "seccomp-unconfined",
                  R"({"HostConfig": {"SecurityOpt": ["seccomp:unconfined"]}})", "high",
                  "every system call"},
        FiresCase{"seccomp_privileged", "seccomp-unconfined",
                  R"({"HostConfig": {"Privileged": true}})", "high", "privileged"},
        FiresCase{"seccomp_daemon_default", "seccomp-unconfined", "", "high",
                  "daemon's default seccomp profile is unconfined",
                  R"({"SecurityOptions": ["name=seccomp,profile=unconfined"]})"},
        FiresCase{"apparmor_unconfined", "apparmor-unconfined",
                  R"({"AppArmorProfile": "unconfined"})", "high", "without an AppArmor profile",
                  R"({"SecurityOptions": ["name=apparmor", "name=seccomp,profile=default"]})"},
        FiresCase{"apparmor_none", "apparmor-unconfined", R"({"AppArmorProfile": ""})", "medium",
                  "no AppArmor profile", R"({"SecurityOptions": ["name=apparmor"]})"},
        FiresCase{
            "apparmor_optout_no_host_support", "apparmor-unconfined",
            R"({"HostConfig": {"SecurityOpt": ["no-new-privileges", "apparmor=unconfined"]}})",
            "low", "not enabled on this host"},
        FiresCase{
            "selinux_disabled", "selinux-disabled",
            R"({"HostConfig": {"SecurityOpt": ["no-new-privileges", "label=disable"]}, "ProcessLabel": ""})",
            "high", "label=disable", R"({"SecurityOptions": ["name=selinux"]})"},
        FiresCase{"selinux_unlabelled", "selinux-disabled", R"({"ProcessLabel": ""})", "medium",
                  "no SELinux process label", R"({"SecurityOptions": ["name=selinux"]})"},
        FiresCase{"systempaths_unconfined", "unmasked-paths",
                  R"({"HostConfig": {"MaskedPaths": [], "ReadonlyPaths": []}})", "high",
                  "writable: /proc/sys, /proc/sysrq-trigger"},
        FiresCase{"masked_missing", "unmasked-paths",
                  R"({"HostConfig": {"MaskedPaths": ["/proc/kcore"]}})", "medium",
                  "not masked: /proc/keys"},
        FiresCase{"writable_rootfs", "readonly-rootfs",
                  R"({"HostConfig": {"ReadonlyRootfs": false}})", "low",
                  "root filesystem is writable"},
        FiresCase{
            "mount_host_root", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/", "Destination": "/host", "RW": true}]})",
            "critical", "host / mounted read-write at /host"},
        FiresCase{
            "mount_host_root_ro", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/", "Destination": "/host", "RW": false}]})",
            "high", "read-only"},
        FiresCase{
            "mount_etc_ro", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/etc", "Destination": "/h", "RW": false}]})",
            "medium", "host /etc mounted read-only"},
        FiresCase{
            "mount_shadow", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/etc/shadow", "Destination": "/s", "RW": true}]})",
            "high", "/etc/shadow"},
        FiresCase{
            "mount_proc_dotdot", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/tmp/../proc", "Destination": "/p", "RW": true}]})",
            "high", "host /proc"},
        FiresCase{
            "mount_run", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/var/run", "Destination": "/r", "RW": true}]})",
            "high", "/var/run"},
        FiresCase{
            "docker_sock", "docker-socket-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "RW": true}]})",
            "critical", "/var/run/docker.sock mounted"},
        FiresCase{
            "containerd_sock_ro", "docker-socket-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/run/containerd/containerd.sock", "Destination": "/c.sock", "RW": false}]})",
            "critical", "read-only does not stop"},
        FiresCase{
            "propagation_shared", "mount-propagation-shared",
            R"({"Mounts": [{"Type": "bind", "Source": "/data", "Destination": "/d", "RW": true, "Propagation": "rshared"}]})",
            "medium", "rshared"},
        FiresCase{"no_memory_limit", "memory-limit", R"({"HostConfig": {"Memory": 0}})", "low",
                  "no memory limit"},
        FiresCase{"no_cpu_limit", "cpu-limit", R"({"HostConfig": {"NanoCpus": 0}})", "low",
                  "no CPU limit"},
        FiresCase{"no_pids_limit", "pids-limit", R"({"HostConfig": {"PidsLimit": null}})", "low",
                  "no PIDs limit"},
        FiresCase{"pids_unlimited", "pids-limit", R"({"HostConfig": {"PidsLimit": -1}})", "low",
                  "no PIDs limit"},
        FiresCase{
            "restart_always", "restart-policy",
            R"({"HostConfig": {"RestartPolicy": {"Name": "always", "MaximumRetryCount": 0}}})",
            "low", "'always'"},
        FiresCase{
            "restart_on_failure_10", "restart-policy",
            R"({"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 10}}})",
            "low", "10 retries"},
        FiresCase{
            "restart_on_failure_unlimited", "restart-policy",
            R"({"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 0}}})",
            "low", "without a retry limit"},
        FiresCase{
            "port_all_interfaces", "ports-all-interfaces",
            R"({"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}})",
            "medium", "0.0.0.0:8080->80/tcp"},
        FiresCase{
            "port_ipv6_any", "ports-all-interfaces",
            R"({"HostConfig": {"PortBindings": {"53/udp": [{"HostIp": "::", "HostPort": "5353"}]}}})",
            "medium", "::"},
        FiresCase{"publish_all", "ports-all-interfaces",
                  R"({"HostConfig": {"PublishAllPorts": true}})", "medium", "-P publishes"},
        FiresCase{
            "privileged_port", "privileged-ports",
            R"({"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "80"}]}}})",
            "low", "80->80/tcp"},
        FiresCase{"no_healthcheck", "healthcheck", R"({"Config": {"Healthcheck": null}})", "low",
                  "no health check"},
        FiresCase{"healthcheck_none", "healthcheck",
                  R"({"Config": {"Healthcheck": {"Test": ["NONE"]}}})", "low", "disabled"},
        FiresCase{"latest_implicit", "image-latest-tag", R"({"Config": {"Image": "nginx"}})", "low",
                  "no tag, so it means 'latest'"},
        FiresCase{"latest_explicit", "image-latest-tag",
                  R"({"Config": {"Image": "localhost:5000/app:latest"}})", "low",
                  "uses the 'latest'"},
        FiresCase{"not_pinned", "image-not-pinned", R"({"Config": {"Image": "nginx:1.27"}})", "low",
                  "pin it as registry.example.com/team/app@sha256:"},
        FiresCase{"not_pinned_required", "image-not-pinned",
                  R"({"Config": {"Image": "nginx:1.27"}})", "high", "the policy requires digests",
                  "", "require_digest: true\n"},
        FiresCase{"untrusted_registry", "untrusted-registry",
                  R"({"Config": {"Image": "nginx:1.27"}})", "high",
                  "comes from docker.io, not a trusted registry", "",
                  "trusted_registries: [registry.example.com, ghcr.io/acme/*]\n"},
        FiresCase{"untrusted_repository", "untrusted-registry",
                  R"({"Config": {"Image": "ghcr.io/other/app:1"}})", "high", "ghcr.io", "",
                  "trusted_registries: [ghcr.io/acme/*]\n"},
        FiresCase{"image_denied", "image-not-allowed", R"({"Config": {"Image": "nginx:latest"}})",
                  "high", "matches a denied image pattern", "", "images: {deny: ['*:latest']}\n"},
        FiresCase{"image_not_in_allow_list", "image-not-allowed",
                  R"({"Config": {"Image": "nginx:1.27"}})", "high", "matches no allowed image", "",
                  "images: {allow: ['registry.example.com/*']}\n"}),
    [](const auto& info) { return std::string(info.param.name); });

struct QuietCase {
  const char* name;
  const char* check;
  const char* container_patch;
  const char* daemon_patch = "";
  const char* policy = "";
};

class AuditQuietTest : public testing::TestWithParam<QuietCase> {};

TEST_P(AuditQuietTest, StaysQuiet) {
  const QuietCase& c = GetParam();
  auto report = AuditContainer(Input(c.container_patch, c.daemon_patch), PolicyFrom(c.policy));
  auto found = FindingsOf(report.findings, c.check);
  EXPECT_TRUE(found.empty()) << c.name << ":\n" << Describe(found);
}

INSTANTIATE_TEST_SUITE_P(
    Table, AuditQuietTest,
    testing::Values(
        QuietCase{"default_cap_readded", "capabilities-added",
                  R"({"HostConfig": {"CapAdd": ["NET_BIND_SERVICE", "CAP_CHOWN"]}})"},
        QuietCase{"allowed_by_policy", "capabilities-added",
                  R"({"HostConfig": {"CapAdd": ["CAP_SYS_ADMIN"]}})", "",
                  "allowed_capabilities: [sys_admin]\n"},
        QuietCase{"root_allowed", "root-user", R"({"Config": {"User": ""}})", "",
                  "allow_root: true\n"},
        QuietCase{"root_remapped", "root-user", R"({"Config": {"User": ""}})",
                  R"({"SecurityOptions": ["name=seccomp", "name=userns"]})"},
        QuietCase{"named_user", "root-user", R"({"Config": {"User": "www:www"}})"},
        QuietCase{"nnp_true", "no-new-privileges",
                  R"({"HostConfig": {"SecurityOpt": ["no-new-privileges=true"]}})"},
        QuietCase{"apparmor_no_host_support", "apparmor-unconfined",
                  R"({"AppArmorProfile": "unconfined"})"},
        QuietCase{"selinux_no_host_support", "selinux-disabled",
                  R"({"HostConfig": {"SecurityOpt": ["label=disable"]}})"},
        QuietCase{"unmasked_unknown", "unmasked-paths",
                  R"({"HostConfig": {"MaskedPaths": null, "ReadonlyPaths": null}})"},
        QuietCase{
            "localtime_ro", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/etc/localtime", "Destination": "/etc/localtime", "RW": false}]})"},
        QuietCase{
            "named_volume", "sensitive-mount",
            R"({"Mounts": [{"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data", "Destination": "/d", "RW": true}]})"},
        QuietCase{
            "etcetera_not_etc", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/etcetera", "Destination": "/d", "RW": true}]})"},
        QuietCase{
            "socket_not_sensitive_twice", "sensitive-mount",
            R"({"Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/s", "RW": true}]})"},
        QuietCase{"cpu_shares", "cpu-limit",
                  R"({"HostConfig": {"NanoCpus": 0, "CpuShares": 512}})"},
        QuietCase{
            "on_failure_5", "restart-policy",
            R"({"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5}}})"},
        QuietCase{
            "port_on_loopback", "ports-all-interfaces",
            R"({"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}}})"},
        QuietCase{
            "host_network_bindings_ignored", "ports-all-interfaces",
            R"({"HostConfig": {"NetworkMode": "host", "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "80"}]}}})"},
        QuietCase{
            "high_port", "privileged-ports",
            R"({"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}})"},
        QuietCase{"by_image_id", "image-not-pinned", R"({"Config": {"Image": "sha256:abcd"}})"},
        QuietCase{"by_image_id_latest", "image-latest-tag",
                  R"({"Config": {"Image": "sha256:abcd"}})"},
        QuietCase{"trusted_glob", "untrusted-registry",
                  R"({"Config": {"Image": "ghcr.io/acme/app:1"}})", "",
                  "trusted_registries: ['ghcr.io/acme/*']\n"},
        QuietCase{"trusted_by_image_tags", "untrusted-registry",
                  R"({"Config": {"Image": "sha256:abcd"}})", "",
                  "trusted_registries: [registry.example.com]\n"},
        QuietCase{"allowed_image", "image-not-allowed", R"({"Config": {"Image": "nginx:1.27"}})",
                  "", "images: {allow: ['docker.io/library/nginx:*']}\n"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(AuditDriftTest, ExecutablesUnderBinaryDirsAreHigh) {
  auto input = Input();
  input.changes =
      std::vector<PathChange>{{"/bin", PathChange::Kind::kModified, 0x80000000u | 0755},
                              {"/bin/evil", PathChange::Kind::kAdded, 0755},
                              {"/tmp", PathChange::Kind::kModified, std::nullopt},
                              {"/tmp/notes.txt", PathChange::Kind::kAdded, 0644},
                              {"/tmp/dropper", PathChange::Kind::kAdded, 0700},
                              {"/usr/lib/libx.so", PathChange::Kind::kDeleted, std::nullopt}};
  auto found = FindingsOf(AuditContainer(input, Policy{}).findings, "drift");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::kHigh);
  const std::string& d = found[0].detail;
  EXPECT_NE(d.find("3 added, 0 changed, 1 deleted"), std::string::npos) << d;
  EXPECT_NE(d.find("/bin/evil (added, mode 0755, executable bits, under a binary/library "
                   "directory)"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("/tmp/dropper (added, mode 0700, executable bits)"), std::string::npos) << d;
  EXPECT_NE(d.find("/usr/lib/libx.so (deleted, under a binary/library directory)"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("other: /tmp/notes.txt (added)"), std::string::npos) << d;
  EXPECT_EQ(d.find("/bin (changed"), std::string::npos) << "directories are not drift: " << d;
}

TEST(AuditDriftTest, DataChangesAreLowAndNothingIsQuiet) {
  auto input = Input();
  input.changes = std::vector<PathChange>{{"/var/log/app.log", PathChange::Kind::kModified, 0644}};
  auto found = FindingsOf(AuditContainer(input, Policy{}).findings, "drift");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::kLow);
  input.changes =
      std::vector<PathChange>{{"/run", PathChange::Kind::kModified, 0x80000000u | 0755}};
  EXPECT_TRUE(FindingsOf(AuditContainer(input, Policy{}).findings, "drift").empty());
  input.changes.reset();  // not examined (not running)
  EXPECT_TRUE(FindingsOf(AuditContainer(input, Policy{}).findings, "drift").empty());
}

TEST(AuditDriftTest, SymlinkUnderBinIsReportedWithoutExecBits) {
  auto input = Input();
  input.changes =
      std::vector<PathChange>{{"/usr/bin/sudo", PathChange::Kind::kAdded, (1u << 27) | 0777}};
  auto found = FindingsOf(AuditContainer(input, Policy{}).findings, "drift");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].detail.find("/usr/bin/sudo (added, mode 0777 symlink, under a binary"),
            std::string::npos)
      << found[0].detail;
}

TEST(AuditDaemonTest, TestMachineDaemon) {
  AuditInput input;
  input.daemon = testing_support::DaemonInfo();
  auto report = AuditDaemon(input, Policy{});
  ASSERT_TRUE(report.available);
  EXPECT_EQ(report.name, "testhost");
  EXPECT_EQ(FindingsOf(report.findings, "userns-remap").size(), 1u) << Describe(report.findings);
  EXPECT_EQ(FindingsOf(report.findings, "live-restore").size(), 1u);
  EXPECT_TRUE(FindingsOf(report.findings, "insecure-registries").empty())
      << "127.0.0.0/8 is Docker's default, not a finding";
  EXPECT_TRUE(FindingsOf(report.findings, "icc").empty()) << "no bridge network known";
}

TEST(AuditDaemonTest, HardenedDaemonAndInsecureOne) {
  AuditInput input;
  input.daemon = testing_support::Patched(
      testing_support::DaemonInfo(),
      R"({"SecurityOptions": ["name=seccomp,profile=default", "name=userns"], "LiveRestoreEnabled": true})");
  input.bridge_network = {{"Options", {{"com.docker.network.bridge.enable_icc", "false"}}}};
  EXPECT_TRUE(AuditDaemon(input, Policy{}).findings.empty());

  input.daemon = testing_support::Patched(
      testing_support::DaemonInfo(),
      R"({"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8", "10.0.0.0/8"],
          "IndexConfigs": {"myreg:5000": {"Name": "myreg:5000", "Secure": false}}}})");
  input.bridge_network = {{"Options", {{"com.docker.network.bridge.enable_icc", "true"}}}};
  auto report = AuditDaemon(input, Policy{});
  auto insecure = FindingsOf(report.findings, "insecure-registries");
  ASSERT_EQ(insecure.size(), 1u) << Describe(report.findings);
  EXPECT_NE(insecure[0].detail.find("10.0.0.0/8, myreg:5000"), std::string::npos)
      << insecure[0].detail;
  EXPECT_EQ(FindingsOf(report.findings, "icc").size(), 1u);

  input.daemon = testing_support::Patched(testing_support::DaemonInfo(),
                                          R"({"Swarm": {"LocalNodeState": "active"}})");
  EXPECT_TRUE(FindingsOf(AuditDaemon(input, Policy{}).findings, "live-restore").empty())
      << "live-restore is incompatible with swarm mode";
}

TEST(AuditDaemonTest, UnavailableDaemonRunsNoCheck) {
  AuditInput input;  // /info did not answer
  auto report = AuditDaemon(input, Policy{});
  EXPECT_FALSE(report.available);
  EXPECT_TRUE(report.findings.empty());
}

TEST(AuditReportTest, FindingsAreWorstFirstAndCounted) {
  auto report =
      AuditContainer(Input(R"({"HostConfig": {"Privileged": true, "Memory": 0, "PidMode": "host"},
                "Config": {"User": ""}})"),
                     Policy{});
  ASSERT_GE(report.findings.size(), 4u);
  for (std::size_t i = 1; i < report.findings.size(); ++i) {
    EXPECT_GE(report.findings[i - 1].severity, report.findings[i].severity)
        << Describe(report.findings);
  }
  EXPECT_EQ(report.findings.front().check, "privileged");
  auto counts = CountBySeverity(report.findings);
  EXPECT_EQ(counts[static_cast<int>(Severity::kCritical)], 1);
  AuditReport all;
  all.containers.push_back(report);
  EXPECT_TRUE(ReachesSeverity(all, Severity::kCritical));
  all.containers[0].findings.erase(all.containers[0].findings.begin());
  EXPECT_FALSE(ReachesSeverity(all, Severity::kCritical));
  EXPECT_TRUE(ReachesSeverity(all, Severity::kHigh));
}

}  // namespace
}  // namespace vigil::audit
