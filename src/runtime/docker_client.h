// A client for the Docker Engine API over its unix socket (libcurl). Each call opens its own
// connection, so calls from different threads do not interfere; none of them is on the event
// hot path.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "events/container.h"

namespace vigil {

class DockerClient {
 public:
  explicit DockerClient(std::string socket_path = "/var/run/docker.sock")
      : socket_path_(std::move(socket_path)) {}

  const std::string& socket_path() const { return socket_path_; }
  // True when the socket exists (the engine may still not answer).
  bool SocketPresent() const;

  Result<nlohmann::json> GetJson(std::string_view path, long timeout_ms = 5000) const;
  // GET /containers/{id}/json, as a ContainerInfo. `id` may be a prefix or a name.
  Result<ContainerInfo> InspectContainer(std::string_view id) const;
  // HEAD /containers/{id}/archive?path=PATH: the engine's stat of a path inside a container
  // (its X-Docker-Container-Path-Stat header), e.g. {"name", "size", "mode", "mtime",
  // "linkTarget"}; `mode` carries Go's os.FileMode bits. An error when the path does not exist.
  Result<nlohmann::json> StatContainerPath(std::string_view id, std::string_view path,
                                           long timeout_ms = 5000) const;
  // The file the json-file log driver writes the container's output to (inspect's LogPath).
  // An error when the container logs through another driver (journald, syslog, none, …).
  Result<std::string> ContainerLogPath(std::string_view id) const;
  // Ids of the engine's containers; `all` includes stopped ones.
  Result<std::vector<std::string>> ListContainerIds(bool all) const;
  // Follows GET /events (containers only), calling `on_event` for each event object, until
  // `keep_going` returns false (it is polled about once a second) or the stream breaks.
  Status StreamEvents(const std::function<void(const nlohmann::json&)>& on_event,
                      const std::function<bool()>& keep_going) const;

 private:
  std::string socket_path_;
};

// Builds a ContainerInfo from an inspect answer. Untrusted input: missing or mistyped members
// are left empty, never a crash. An error only when there is no usable Id.
Result<ContainerInfo> ContainerInfoFromInspect(const nlohmann::json& inspect);
// The digest ("sha256:…") an image inspect's RepoDigests gives for `repository` (as
// ParseImageRef names it); empty when the image has none for it (built or imported locally).
std::string RepoDigestFor(const nlohmann::json& image, std::string_view repository);

}  // namespace vigil
