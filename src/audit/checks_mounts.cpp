// Checks on a container's filesystems: the root filesystem, host directories and runtime
// sockets bound into it, mount propagation.
#include <fmt/core.h>

#include <array>

#include "audit/check.h"
#include "common/paths.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

void ReadonlyRootfs(const CheckContext& context, FindingSink& sink) {
  if (JsonBool(context.input.container, {"HostConfig", "ReadonlyRootfs"}) == std::optional(false)) {
    sink.Add("the root filesystem is writable: an intruder can change binaries and configuration");
  }
}

struct BindMount {
  std::string source;  // normalized host path
  std::string destination;
  bool read_write = true;
};

// Host-path mounts (Type "bind"; engines that omit Type: anything not a named volume).
std::vector<BindMount> BindMounts(const Json& container) {
  std::vector<BindMount> binds;
  const Json& mounts = JsonAt(container, {"Mounts"});
  if (!mounts.is_array()) return binds;
  for (const Json& mount : mounts) {
    const std::string type = JsonString(mount, {"Type"});
    const std::string source = JsonString(mount, {"Source"});
    if (source.empty() || source.front() != '/') continue;
    if (!(type == "bind" || (type.empty() && JsonString(mount, {"Name"}).empty()))) continue;
    BindMount bind;
    bind.source = NormalizePath(source);
    bind.destination = EscapeForDisplay(JsonString(mount, {"Destination"}), 256);
    bind.read_write = JsonBool(mount, {"RW"}).value_or(true);
    binds.push_back(std::move(bind));
  }
  return binds;
}

bool Under(std::string_view path, std::string_view dir) {
  if (dir == "/") return true;
  return path == dir ||
         (path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

constexpr std::array<std::string_view, 6> kRuntimeSockets{"docker.sock",     "containerd.sock",
                                                          "crio.sock",       "podman.sock",
                                                          "dockershim.sock", "cri-dockerd.sock"};

bool IsRuntimeSocket(std::string_view path) {
  for (std::string_view socket : kRuntimeSockets) {
    if (BaseName(path) == socket) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 14> kSensitiveDirs{"/etc",
                                                          "/proc",
                                                          "/sys",
                                                          "/boot",
                                                          "/dev",
                                                          "/lib/modules",
                                                          "/usr",
                                                          "/lib",
                                                          "/var/run",
                                                          "/run",
                                                          "/var/lib/docker",
                                                          "/var/lib/containerd",
                                                          "/root",
                                                          "/home"};

// Read-only binds of these are routine (the host's time zone) and not reported.
constexpr std::array<std::string_view, 3> kRoutineReadonly{"/etc/localtime", "/etc/timezone",
                                                           "/usr/share/zoneinfo"};

void SensitiveMount(const CheckContext& context, FindingSink& sink) {
  for (const BindMount& bind : BindMounts(context.input.container)) {
    if (IsRuntimeSocket(bind.source)) continue;  // docker-socket-mount reports it
    const std::string where =
        fmt::format("host {} mounted {} at {}", EscapeForDisplay(bind.source, 256),
                    bind.read_write ? "read-write" : "read-only", bind.destination);
    if (bind.source == "/") {
      sink.Add(bind.read_write ? Severity::kCritical : Severity::kHigh,
               where + ": the host's whole filesystem");
      continue;
    }
    for (std::string_view dir : kSensitiveDirs) {
      if (!Under(bind.source, dir)) continue;
      bool routine = false;
      for (std::string_view path : kRoutineReadonly) routine = routine || Under(bind.source, path);
      if (routine && !bind.read_write) break;
      sink.Add(bind.read_write ? Severity::kHigh : Severity::kMedium, where);
      break;
    }
  }
}

void DockerSocketMount(const CheckContext& context, FindingSink& sink) {
  for (const BindMount& bind : BindMounts(context.input.container)) {
    if (!IsRuntimeSocket(bind.source)) continue;
    sink.Add(
        fmt::format("container runtime socket {} mounted at {}{}: full control of the engine, "
                    "hence of the host",
                    EscapeForDisplay(bind.source, 256), bind.destination,
                    bind.read_write ? "" : " (read-only does not stop connecting to it)"));
  }
}

void MountPropagationShared(const CheckContext& context, FindingSink& sink) {
  const Json& mounts = JsonAt(context.input.container, {"Mounts"});
  if (!mounts.is_array()) return;
  for (const Json& mount : mounts) {
    const std::string propagation = JsonString(mount, {"Propagation"});
    if (propagation != "shared" && propagation != "rshared") continue;
    sink.Add(
        fmt::format("{} mounted at {} with {} propagation: mounts made inside appear on the host",
                    EscapeForDisplay(JsonString(mount, {"Source"}), 256),
                    EscapeForDisplay(JsonString(mount, {"Destination"}), 256), propagation));
  }
}

constexpr Check kChecks[] = {
    {"readonly-rootfs", "Root filesystem writable", Severity::kLow, Scope::kContainer, "5.13",
     "A read-only root filesystem stops an intruder from replacing binaries or planting "
     "tools, and makes drift visible: only declared volumes and tmpfs can change.",
     "Run with --read-only; give the workload tmpfs (--tmpfs /tmp) or volumes for what it must "
     "write.",
     ReadonlyRootfs},
    {"sensitive-mount", "Sensitive host path mounted", Severity::kHigh, Scope::kContainer, "5.6",
     "Host directories such as /, /etc, /proc, /sys, /boot, /dev, /lib/modules, /usr, /run and "
     "/var/lib/docker hold the host's configuration, kernel interfaces and other containers' "
     "files. Writable, they are a direct escape (cron, ssh keys, binaries); read-only, they "
     "leak secrets. Severity: / read-write critical, read-write high, read-only medium.",
     "Mount only the specific files or directories the workload needs, read-only (:ro), or use "
     "a named volume.",
     SensitiveMount},
    {"docker-socket-mount", "Container runtime socket mounted", Severity::kCritical,
     Scope::kContainer, "5.32",
     "Whoever can talk to docker.sock (or containerd/CRI-O/podman sockets) can start a "
     "privileged container with the host's / mounted: it is root on the host. A read-only "
     "bind does not help: connecting to a socket is not a write to the file.",
     "Do not mount the runtime socket; if a tool needs the API, put an authorizing proxy in "
     "front of it and expose only the calls it needs.",
     DockerSocketMount},
    {"mount-propagation-shared", "Shared mount propagation", Severity::kMedium, Scope::kContainer,
     "5.20",
     "With shared propagation, mounts the container makes under the volume propagate to the "
     "host (and back), crossing the isolation boundary.",
     "Use the default (rprivate) propagation, or rslave when the container must see host "
     "mounts.",
     MountPropagationShared},
};

}  // namespace

std::span<const Check> MountChecks() {
  return kChecks;
}

}  // namespace vigil::audit
