// What a container runtime says about a container, and user names read from a container's
// own /etc/passwd. Part of the event model because captures record them beside events.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vigil {

inline constexpr std::string_view kHostContainerId = "host";

struct ContainerMount {
  std::string source;       // on the host
  std::string destination;  // in the container
  std::string mode;         // e.g. "z", "ro" as the engine reports it
  bool read_write = true;
  std::string propagation;  // rprivate, rshared, ...
  bool operator==(const ContainerMount&) const = default;
};

struct ContainerInfo {
  std::string id;         // first 12 hex characters of the runtime's id, or "host"
  std::string full_id;    // the runtime's whole id
  std::string runtime;    // docker, containerd, cri-o, podman
  std::string name;       // without Docker's leading '/'
  std::string image;      // as the container was created from: "alpine:3.20", "repo@sha256:…"
  std::string image_repository;
  std::string image_tag;
  std::string image_digest;
  std::string image_id;
  bool privileged = false;
  uint64_t started_ns = 0;  // wall clock; 0 when not started
  std::map<std::string, std::string> labels;
  // The health check's command as the engine runs it: {"/bin/sh", "-c", "cmd"} for
  // CMD-SHELL, the argv for CMD; empty when the container has none.
  std::vector<std::string> healthcheck;
  std::vector<ContainerMount> mounts;
  // Host directories holding the container's files, most specific first: the overlay's
  // merged view (while it runs), its upper (writable) layer, then the image's layers.
  std::vector<std::string> rootfs_dirs;
};

// A user's name, or a group's (`group`: then `uid` is the gid).
struct UserInfo {
  std::string container_id;  // "host" for the host's users
  uint32_t uid = 0;
  std::string name;
  bool group = false;
};

}  // namespace vigil
