// Which container a cgroup path belongs to. Pure string work; no file system access.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

struct CgroupContainer {
  std::string runtime;  // docker, containerd, cri-o, podman, cri (Kubernetes, runtime unknown)
  std::string full_id;  // 64 hex characters
  std::string ShortId() const { return full_id.substr(0, 12); }
};

// Recognises the cgroup layouts of Docker (cgroupfs and systemd drivers), containerd
// (cri-containerd), CRI-O and podman, nested sub-cgroups below a container included:
//   /docker/<id>                         /system.slice/docker-<id>.scope
//   /kubepods/besteffort/pod<uid>/<id>   /kubepods.slice/…/cri-containerd-<id>.scope
//   /kubepods.slice/…/crio-<id>.scope    /machine.slice/libpod-<id>.scope
//   /libpod_parent/libpod-<id>/ctr       /docker/<id>/init.scope
// Anything else — including this VM's /process_api/<hex> — is the host: std::nullopt.
// CRI-O's and podman's monitor scopes (crio-conmon-*, libpod-conmon-*) are the host too.
std::optional<CgroupContainer> ContainerFromCgroupPath(std::string_view path);

// The container of a process from its /proc/PID/cgroup text (any hierarchy line).
std::optional<CgroupContainer> ContainerFromProcCgroup(std::string_view proc_cgroup);

}  // namespace vigil
