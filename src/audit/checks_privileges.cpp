// Checks on what a container's processes may do: privileged mode, capabilities, the user,
// no-new-privileges, host devices.
#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "audit/check.h"
#include "audit/check_util.h"
#include "common/glob.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

void Privileged(const CheckContext& context, FindingSink& sink) {
  if (IsPrivileged(context.input.container)) {
    sink.Add(
        "runs privileged: every capability, every host device, no seccomp, AppArmor or "
        "SELinux confinement, /proc and /sys writable");
  }
}

struct DangerousCapability {
  std::string_view name;
  Severity severity;
  std::string_view why;
};

constexpr std::array kDangerousCapabilities{
    DangerousCapability{"ALL", Severity::kCritical, "every capability: root on the host"},
    DangerousCapability{"SYS_ADMIN", Severity::kCritical,
                        "mount, namespaces, BPF, cgroups: the usual container escape"},
    DangerousCapability{"SYS_MODULE", Severity::kCritical, "loads kernel modules"},
    DangerousCapability{"SYS_PTRACE", Severity::kHigh, "traces and injects into processes"},
    DangerousCapability{"SYS_RAWIO", Severity::kHigh, "raw I/O ports and /dev/mem"},
    DangerousCapability{"DAC_READ_SEARCH", Severity::kHigh,
                        "open_by_handle_at: reads host files (the shocker escape)"},
    DangerousCapability{"NET_ADMIN", Severity::kHigh, "reconfigures interfaces, routes, firewall"},
    DangerousCapability{"SYS_BOOT", Severity::kHigh, "reboots the host, kexec"},
    DangerousCapability{"BPF", Severity::kHigh, "loads BPF programs"},
    DangerousCapability{"PERFMON", Severity::kHigh,
                        "perf events: reads kernel and other processes"},
    DangerousCapability{"MAC_ADMIN", Severity::kHigh, "changes AppArmor/SELinux policy"},
    DangerousCapability{"MAC_OVERRIDE", Severity::kHigh, "bypasses AppArmor/SELinux"},
    DangerousCapability{"SYS_TIME", Severity::kHigh, "sets the host's clock"},
    DangerousCapability{"NET_RAW", Severity::kMedium, "raw sockets: spoofing, ARP/DNS poisoning"},
    DangerousCapability{"SYSLOG", Severity::kMedium, "reads the kernel log (kernel addresses)"},
    DangerousCapability{"SYS_RESOURCE", Severity::kMedium, "overrides resource limits"},
    DangerousCapability{"LINUX_IMMUTABLE", Severity::kMedium, "changes immutable files"},
    DangerousCapability{"AUDIT_CONTROL", Severity::kMedium, "changes the kernel audit rules"},
    DangerousCapability{"IPC_OWNER", Severity::kMedium, "bypasses IPC permission checks"},
    DangerousCapability{"CHECKPOINT_RESTORE", Severity::kMedium, "checkpoint/restore of processes"},
};

// Docker's default set: adding one back after --cap-drop ALL is the recommended pattern.
constexpr std::array<std::string_view, 13> kDefaultCapabilities{
    "CHOWN",   "DAC_OVERRIDE",     "FOWNER",     "FSETID", "KILL",        "SETGID", "SETUID",
    "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "MKNOD",  "AUDIT_WRITE", "SETFCAP"};

bool Allowed(const Policy& policy, const std::string& capability) {
  return std::find(policy.allowed_capabilities.begin(), policy.allowed_capabilities.end(),
                   capability) != policy.allowed_capabilities.end();
}

void CapabilitiesAdded(const CheckContext& context, FindingSink& sink) {
  std::vector<std::string> other;
  for (const std::string& raw : JsonStrings(context.input.container, {"HostConfig", "CapAdd"})) {
    std::string capability = NormalizeCapability(raw);
    if (capability.empty() || Allowed(context.policy, capability)) continue;
    auto dangerous = std::find_if(kDangerousCapabilities.begin(), kDangerousCapabilities.end(),
                                  [&](const auto& d) { return d.name == capability; });
    if (dangerous != kDangerousCapabilities.end()) {
      sink.Add(dangerous->severity, fmt::format("{} added: {}", capability, dangerous->why));
    } else if (std::find(kDefaultCapabilities.begin(), kDefaultCapabilities.end(), capability) ==
               kDefaultCapabilities.end()) {
      other.push_back(EscapeForDisplay(capability, 64));
    }
  }
  if (!other.empty()) {
    sink.Add(Severity::kLow,
             fmt::format("{} added (not in Docker's default set)", Join(other, ", ")));
  }
}

void CapabilitiesNotDropped(const CheckContext& context, FindingSink& sink) {
  const Json& host_config = JsonAt(context.input.container, {"HostConfig"});
  if (!host_config.is_object() || IsPrivileged(context.input.container)) return;
  for (const std::string& raw : JsonStrings(host_config, {"CapDrop"})) {
    if (NormalizeCapability(raw) == "ALL") return;
  }
  sink.Add(
      "CapDrop does not include ALL: the default capabilities (NET_RAW, MKNOD, "
      "DAC_OVERRIDE, SETUID, ...) stay available");
}

// "" / "0" / "root" (before any ':group') run as uid 0.
bool IsRootUser(std::string_view user) {
  std::string_view name = user.substr(0, user.find(':'));
  return name.empty() || name == "0" || name == "root";
}

void RootUser(const CheckContext& context, FindingSink& sink) {
  const Json& container = context.input.container;
  if (context.policy.allow_root || !JsonAt(container, {"Config"}).is_object()) return;
  const std::string user = JsonString(container, {"Config", "User"});
  if (!IsRootUser(user)) return;
  // With the daemon remapping users, the container's root is an unprivileged host uid.
  const bool remapped = DaemonHasSecurityOption(context.input.daemon, "userns").value_or(false) ||
                        DaemonHasSecurityOption(context.input.daemon, "rootless").value_or(false);
  if (remapped && JsonString(container, {"HostConfig", "UsernsMode"}) != "host") return;
  sink.Add(user.empty()
               ? std::string("runs as root: neither the image nor the container sets a user")
               : fmt::format("runs as root (user \"{}\")", EscapeForDisplay(user, 64)));
}

void NoNewPrivileges(const CheckContext& context, FindingSink& sink) {
  if (!JsonAt(context.input.container, {"HostConfig"}).is_object()) return;
  auto option = SecurityOpt(context.input.container, "no-new-privileges");
  if (option && (option->empty() || *option == "true")) return;
  sink.Add(
      "no-new-privileges is not set: setuid and file-capability binaries can raise "
      "privileges");
}

bool DangerousDevice(std::string_view path) {
  static constexpr std::array<std::string_view, 14> kPatterns{
      "/dev/mem",     "/dev/kmem",  "/dev/port",     "/dev/sd*",   "/dev/nvme*",
      "/dev/vd*",     "/dev/xvd*",  "/dev/hd*",      "/dev/dm-*",  "/dev/md*",
      "/dev/mmcblk*", "/dev/loop*", "/dev/mapper/*", "/dev/disk/*"};
  return std::any_of(kPatterns.begin(), kPatterns.end(),
                     [&](std::string_view p) { return GlobMatch(p, path); });
}

void DevicesAdded(const CheckContext& context, FindingSink& sink) {
  const Json& devices = JsonAt(context.input.container, {"HostConfig", "Devices"});
  if (devices.is_array()) {
    for (const Json& device : devices) {
      std::string host_path = JsonString(device, {"PathOnHost"});
      if (host_path.empty()) continue;
      std::string permissions = JsonString(device, {"CgroupPermissions"});
      sink.Add(DangerousDevice(host_path) ? Severity::kHigh : Severity::kMedium,
               fmt::format("host device {} exposed at {} ({})", EscapeForDisplay(host_path, 256),
                           EscapeForDisplay(JsonString(device, {"PathInContainer"}), 256),
                           permissions.empty() ? "rwm" : EscapeForDisplay(permissions, 8)));
    }
  }
  for (const std::string& rule :
       JsonStrings(context.input.container, {"HostConfig", "DeviceCgroupRules"})) {
    const bool every_device = rule.find("*:*") != std::string::npos;
    sink.Add(every_device ? Severity::kHigh : Severity::kMedium,
             fmt::format("device cgroup rule '{}'{}", EscapeForDisplay(rule, 64),
                         every_device ? ": any device node it can create is usable" : ""));
  }
}

constexpr Check kChecks[] = {
    {"privileged", "Privileged container", Severity::kCritical, Scope::kContainer, "5.5",
     "A privileged container has every capability and every host device, runs without seccomp, "
     "AppArmor and SELinux confinement, and can write /proc and /sys: root in it is root on "
     "the host (mount the host disk, load a kernel module).",
     "Remove --privileged; add only the capabilities and devices the workload needs "
     "(--cap-add, --device).",
     Privileged},
    {"capabilities-added", "Dangerous capability added", Severity::kHigh, Scope::kContainer, "5.4",
     "Capabilities beyond Docker's default set give a container parts of root's power over the "
     "host kernel; SYS_ADMIN, SYS_MODULE, SYS_PTRACE and DAC_READ_SEARCH each enable known "
     "container escapes.",
     "Drop the --cap-add; if the workload truly needs one, list it under allowed_capabilities "
     "in the policy so the audit stops reporting it.",
     CapabilitiesAdded},
    {"capabilities-not-dropped", "Default capabilities not dropped", Severity::kLow,
     Scope::kContainer, "5.4",
     "Docker's default set still includes NET_RAW (spoofing), MKNOD, DAC_OVERRIDE, SETUID and "
     "SETGID; few workloads need them, and each helps an attacker inside.",
     "Start with --cap-drop ALL and add back only what the workload needs (for example "
     "--cap-add NET_BIND_SERVICE).",
     CapabilitiesNotDropped},
    {"root-user", "Container runs as root", Severity::kMedium, Scope::kContainer, "4.1",
     "Without user-namespace remapping, uid 0 in the container is uid 0 on the host: any "
     "escape, writable host mount or kernel bug is exploited with root's rights.",
     "Create a user in the image (USER in the Dockerfile) or run with --user UID:GID; or "
     "enable userns-remap on the daemon. Set allow_root: true in the policy to accept root.",
     RootUser},
    {"no-new-privileges", "no-new-privileges not set", Severity::kMedium, Scope::kContainer, "5.26",
     "Without no-new-privileges, a process can gain privileges by executing setuid or "
     "file-capability binaries (su, ping, a planted setuid shell).",
     "Run with --security-opt no-new-privileges (or set \"no-new-privileges\": true in "
     "daemon.json, which the container inspect does not show).",
     NoNewPrivileges},
    {"devices-added", "Host device exposed", Severity::kMedium, Scope::kContainer, "5.18",
     "A host device node gives direct access to hardware: a disk device reads and writes the "
     "host's filesystems underneath every permission check, /dev/mem the host's memory.",
     "Remove --device and --device-cgroup-rule unless the workload needs the device; never "
     "expose disks or /dev/mem.",
     DevicesAdded},
};

}  // namespace

std::span<const Check> PrivilegeChecks() {
  return kChecks;
}

}  // namespace vigil::audit
