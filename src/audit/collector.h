// Gathers what the checks look at from the Docker Engine API: daemon info, the default bridge,
// and for each container its inspect, its image's inspect and (running containers) its
// filesystem changes with the mode of each changed file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "audit/check.h"
#include "common/result.h"
#include "runtime/docker_client.h"

namespace vigil::audit {

struct CollectOptions {
  std::vector<std::string> containers;  // ids or names; empty: every container the engine knows
  bool running_only = false;
  // At most this many changed files are stat'ed per container (one request each); the rest
  // keep an unknown mode and are judged by their directory only.
  std::size_t max_path_stats = 256;
  // Read GET /containers/{id}/changes for running containers (the drift check).
  bool examine_changes = true;
};

struct Collected {
  AuditInput daemon;                   // daemon info and the bridge network; no container
  std::vector<AuditInput> containers;  // in the engine's order, or the order asked
};

// An error when the engine does not answer or a container asked for does not exist. A
// container that disappears while being examined is skipped.
Result<Collected> Collect(const DockerClient& docker, const CollectOptions& options);

// Inspects one container (id or name) and fetches what its checks need: its image and, when
// running and asked for, its changes. `daemon_info` is copied into the input; `image_cache`
// (image id -> inspect) may be null.
Result<AuditInput> CollectContainer(const DockerClient& docker, const std::string& id,
                                    const Json& daemon_info, const CollectOptions& options,
                                    std::map<std::string, Json>* image_cache = nullptr);

// Parses a GET /containers/{id}/changes answer (null for a container never started).
// Untrusted: malformed entries are skipped.
std::vector<PathChange> ParseChanges(const Json& answer);

}  // namespace vigil::audit
