// Checks on a container's isolation from the host: shared namespaces and the kernel's
// confinement (seccomp, AppArmor, SELinux, masked /proc paths).
#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "audit/check.h"
#include "audit/check_util.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

bool SharesHost(const CheckContext& context, const char* mode_key) {
  return JsonString(context.input.container, {"HostConfig", mode_key}) == "host";
}

void HostPid(const CheckContext& context, FindingSink& sink) {
  if (SharesHost(context, "PidMode")) {
    sink.Add("shares the host's PID namespace (--pid host): sees and signals every host process");
  }
}

void HostNetwork(const CheckContext& context, FindingSink& sink) {
  if (SharesHost(context, "NetworkMode")) {
    sink.Add(
        "shares the host's network namespace (--network host): binds host ports, reaches "
        "services listening on localhost");
  }
}

void HostIpc(const CheckContext& context, FindingSink& sink) {
  if (SharesHost(context, "IpcMode")) {
    sink.Add("shares the host's IPC namespace (--ipc host): host shared memory and semaphores");
  }
}

void HostUts(const CheckContext& context, FindingSink& sink) {
  if (SharesHost(context, "UTSMode")) {
    sink.Add("shares the host's UTS namespace (--uts host): can change the host's hostname");
  }
}

void HostUserns(const CheckContext& context, FindingSink& sink) {
  if (SharesHost(context, "UsernsMode")) {
    sink.Add("opts out of user-namespace remapping (--userns host): its root is the host's root");
  }
}

void HostCgroupns(const CheckContext& context, FindingSink& sink) {
  if (!SharesHost(context, "CgroupnsMode")) return;
  if (JsonString(context.input.daemon, {"CgroupVersion"}) == "1") {
    sink.Add(Severity::kLow,
             "shares the host's cgroup namespace (the engine's default on "
             "cgroup v1): sees the host's cgroup tree");
  } else {
    sink.Add("shares the host's cgroup namespace (--cgroupns host): sees the host's cgroup tree");
  }
}

void SeccompUnconfined(const CheckContext& context, FindingSink& sink) {
  const Json& container = context.input.container;
  auto option = SecurityOpt(container, "seccomp");
  if (option && *option == "unconfined") {
    sink.Add("seccomp=unconfined: every system call is allowed");
  } else if (IsPrivileged(container)) {
    sink.Add("privileged: Docker applies no seccomp profile to privileged containers");
  } else if (!option &&
             DaemonSecurityProperty(context.input.daemon, "seccomp", "profile") == "unconfined") {
    sink.Add("the daemon's default seccomp profile is unconfined");
  } else if (!option &&
             DaemonHasSecurityOption(context.input.daemon, "seccomp") == std::optional(false)) {
    sink.Add(Severity::kMedium, "the engine reports no seccomp support: no system call filter");
  }
}

void ApparmorUnconfined(const CheckContext& context, FindingSink& sink) {
  const Json& container = context.input.container;
  const std::string profile = JsonString(container, {"AppArmorProfile"});
  const auto option = SecurityOpt(container, "apparmor");
  const bool explicit_unconfined = option && *option == "unconfined";
  const auto host_apparmor = DaemonHasSecurityOption(context.input.daemon, "apparmor");
  if (host_apparmor == std::optional(false)) {
    // AppArmor is not enabled on this host: nothing confines any container, and nothing to tell
    // apart; an explicit opt-out is worth a note since it would matter on another host.
    if (explicit_unconfined) {
      sink.Add(Severity::kLow,
               "apparmor=unconfined (AppArmor is not enabled on this host, so "
               "no container is confined by it here)");
    }
    return;
  }
  if (explicit_unconfined || profile == "unconfined") {
    sink.Add(IsPrivileged(container) ? "privileged: runs without an AppArmor profile"
                                     : "apparmor=unconfined: runs without an AppArmor profile");
  } else if (host_apparmor == std::optional(true) && profile.empty() &&
             JsonAt(container, {"AppArmorProfile"}).is_string()) {
    sink.Add(Severity::kMedium, "no AppArmor profile although the host has AppArmor");
  }
}

void SelinuxDisabled(const CheckContext& context, FindingSink& sink) {
  // Only meaningful when the daemon runs with SELinux (--selinux-enabled): otherwise no
  // container gets a label and there is nothing to disable.
  if (DaemonHasSecurityOption(context.input.daemon, "selinux") != std::optional(true)) return;
  const Json& container = context.input.container;
  auto option = SecurityOpt(container, "label");
  if (option && *option == "disable") {
    sink.Add(IsPrivileged(container) ? "privileged: SELinux labelling is disabled"
                                     : "label=disable: SELinux labelling is disabled");
  } else if (JsonAt(container, {"ProcessLabel"}).is_string() &&
             JsonString(container, {"ProcessLabel"}).empty()) {
    sink.Add(Severity::kMedium, "no SELinux process label although the daemon has SELinux");
  }
}

// Docker's defaults (moby oci/defaults.go).
constexpr std::array<std::string_view, 5> kReadonlyProcPaths{"/proc/sys", "/proc/sysrq-trigger",
                                                             "/proc/irq", "/proc/bus", "/proc/fs"};
constexpr std::array<std::string_view, 6> kMaskedPaths{"/proc/kcore",      "/proc/keys",
                                                       "/proc/timer_list", "/proc/sched_debug",
                                                       "/proc/acpi",       "/sys/firmware"};

template <std::size_t N>
std::vector<std::string> Missing(const std::array<std::string_view, N>& expected,
                                 const std::vector<std::string>& present) {
  std::vector<std::string> missing;
  for (std::string_view path : expected) {
    if (std::find(present.begin(), present.end(), path) == present.end()) {
      missing.emplace_back(path);
    }
  }
  return missing;
}

void UnmaskedPaths(const CheckContext& context, FindingSink& sink) {
  const Json& container = context.input.container;
  // Absent members: an engine that does not report them; we cannot tell.
  if (!JsonIsArray(container, {"HostConfig", "MaskedPaths"}) ||
      !JsonIsArray(container, {"HostConfig", "ReadonlyPaths"})) {
    return;
  }
  auto writable =
      Missing(kReadonlyProcPaths, JsonStrings(container, {"HostConfig", "ReadonlyPaths"}));
  auto visible = Missing(kMaskedPaths, JsonStrings(container, {"HostConfig", "MaskedPaths"}));
  const bool kernel_writable =
      std::find(writable.begin(), writable.end(), "/proc/sys") != writable.end() ||
      std::find(writable.begin(), writable.end(), "/proc/sysrq-trigger") != writable.end();
  if (!writable.empty()) {
    sink.Add(kernel_writable ? Severity::kHigh : Severity::kMedium,
             fmt::format("writable: {}{}", Join(writable, ", "),
                         kernel_writable ? " (host kernel settings, sysrq)" : ""));
  }
  if (!visible.empty()) {
    sink.Add(Severity::kMedium, fmt::format("not masked: {}", Join(visible, ", ")));
  }
}

constexpr Check kChecks[] = {
    {"host-pid", "Host PID namespace shared", Severity::kHigh, Scope::kContainer, "5.16",
     "In the host's PID namespace a container sees every host process, their command lines and "
     "environments, and with enough privilege signals or ptraces them.",
     "Remove --pid host.", HostPid},
    {"host-network", "Host network namespace shared", Severity::kHigh, Scope::kContainer, "5.10",
     "In the host's network namespace a container can bind any host port, reach services that "
     "listen only on localhost and, with NET_ADMIN or NET_RAW, sniff and alter host traffic.",
     "Remove --network host; publish the ports it needs with -p HOST_IP:PORT:PORT.", HostNetwork},
    {"host-ipc", "Host IPC namespace shared", Severity::kHigh, Scope::kContainer, "5.17",
     "The host's IPC namespace exposes host shared-memory segments and semaphores, which other "
     "processes trust.",
     "Remove --ipc host.", HostIpc},
    {"host-uts", "Host UTS namespace shared", Severity::kMedium, Scope::kContainer, "5.21",
     "In the host's UTS namespace a container with SYS_ADMIN can rename the host; it also "
     "learns the host's name.",
     "Remove --uts host.", HostUts},
    {"host-userns", "User namespace remapping disabled", Severity::kMedium, Scope::kContainer,
     "5.31",
     "--userns host opts a container out of the daemon's user-namespace remapping: its root is "
     "the host's root again.",
     "Remove --userns host.", HostUserns},
    {"host-cgroupns", "Host cgroup namespace shared", Severity::kMedium, Scope::kContainer, "",
     "In the host's cgroup namespace a container sees the host's whole cgroup tree (other "
     "containers' names and limits) and, with SYS_ADMIN, can reach release_agent-style escapes "
     "more easily. It is the engine's default on cgroup v1 hosts (reported as low there).",
     "Run with --cgroupns private (the default on cgroup v2), or set default-cgroupns-mode to "
     "private in daemon.json.",
     HostCgroupns},
    {"seccomp-unconfined", "Seccomp disabled", Severity::kHigh, Scope::kContainer, "5.22",
     "Docker's default seccomp profile blocks about 50 system calls that containers do not need "
     "and that kernel exploits and escapes use (keyctl, unshare, mount, bpf, ...).",
     "Remove --security-opt seccomp=unconfined (and --privileged); if a call is missing, "
     "extend the default profile instead.",
     SeccompUnconfined},
    {"apparmor-unconfined", "AppArmor disabled", Severity::kHigh, Scope::kContainer, "5.2",
     "On hosts with AppArmor, Docker's docker-default profile denies writes to /proc and /sys "
     "files and mounts; unconfined removes that layer. On hosts without AppArmor (as the daemon "
     "reports) the check only notes an explicit opt-out.",
     "Remove --security-opt apparmor=unconfined; use docker-default or a custom profile.",
     ApparmorUnconfined},
    {"selinux-disabled", "SELinux labelling disabled", Severity::kHigh, Scope::kContainer, "5.3",
     "Only meaningful when the daemon runs with SELinux (the daemon's SecurityOptions list "
     "selinux); elsewhere the check stays quiet. With label=disable a container process is not "
     "confined to container_t and may touch host files its uid can.",
     "Remove --security-opt label=disable (and --privileged); relabel volumes with :z/:Z.",
     SelinuxDisabled},
    {"unmasked-paths", "Kernel paths in /proc unmasked or writable", Severity::kHigh,
     Scope::kContainer, "",
     "Docker masks /proc/kcore, /proc/keys and friends and mounts /proc/sys, "
     "/proc/sysrq-trigger, /proc/irq and /proc/bus read-only. --security-opt "
     "systempaths=unconfined (or --privileged) lifts this: a container can then change host "
     "kernel settings (core_pattern is a classic escape) or trigger sysrq.",
     "Remove --security-opt systempaths=unconfined (and --privileged).", UnmaskedPaths},
};

}  // namespace

std::span<const Check> IsolationChecks() {
  return kChecks;
}

}  // namespace vigil::audit
