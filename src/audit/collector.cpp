#include "audit/collector.h"

#include <map>

#include "common/log.h"

namespace vigil::audit {
namespace {

// Fills image, changes and modes for one inspected container.
void Enrich(const DockerClient& docker, const CollectOptions& options,
            std::map<std::string, Json>& images, AuditInput& input) {
  const std::string image_id = JsonString(input.container, {"Image"});
  if (!image_id.empty()) {
    auto cached = images.find(image_id);
    if (cached == images.end()) {
      auto image = docker.GetJson("/images/" + image_id + "/json");
      if (!image) log::Debug("audit: {}", image.error().message);
      cached = images.emplace(image_id, image ? std::move(*image) : Json()).first;
    }
    input.image = cached->second;
  }
  if (JsonBool(input.container, {"State", "Running"}) != std::optional(true)) return;
  const std::string id = JsonString(input.container, {"Id"});
  auto changes = docker.GetJson("/containers/" + id + "/changes");
  if (!changes) {
    log::Debug("audit: {}", changes.error().message);
    return;
  }
  input.changes = ParseChanges(*changes);
  std::size_t stats = 0;
  for (PathChange& change : *input.changes) {
    if (change.kind == PathChange::Kind::kDeleted || stats >= options.max_path_stats) continue;
    ++stats;
    auto stat = docker.StatContainerPath(id, change.path);
    if (auto mode = stat ? JsonInt(*stat, {"mode"}) : std::nullopt; mode && *mode >= 0) {
      change.mode = static_cast<uint32_t>(*mode);
    }
  }
}

Result<std::vector<std::string>> ContainerIds(const DockerClient& docker,
                                              const CollectOptions& options) {
  if (!options.containers.empty()) return options.containers;
  return docker.ListContainerIds(/*all=*/!options.running_only);
}

}  // namespace

std::vector<PathChange> ParseChanges(const Json& answer) {
  std::vector<PathChange> changes;
  if (!answer.is_array()) return changes;
  for (const Json& entry : answer) {
    std::string path = JsonString(entry, {"Path"});
    auto kind = JsonInt(entry, {"Kind"});
    if (path.empty() || !kind || *kind < 0 || *kind > 2) continue;
    changes.push_back({std::move(path), static_cast<PathChange::Kind>(*kind), std::nullopt});
  }
  return changes;
}

Result<Collected> Collect(const DockerClient& docker, const CollectOptions& options) {
  Collected collected;
  auto info = docker.GetJson("/info");
  if (!info) return Fail("cannot reach the Docker engine: {}", info.error().message);
  collected.daemon.daemon = std::move(*info);
  if (auto bridge = docker.GetJson("/networks/bridge")) collected.daemon.bridge_network = *bridge;

  auto ids = ContainerIds(docker, options);
  if (!ids) return Fail(ids.error());
  std::map<std::string, Json> images;
  for (const std::string& id : *ids) {
    auto inspect = docker.GetJson("/containers/" + id + "/json");
    if (!inspect || !inspect->is_object()) {
      if (!options.containers.empty()) {
        return Fail("container {}: {}", id, inspect ? "not an object" : inspect.error().message);
      }
      log::Debug("audit: container {} vanished: {}", id, inspect ? "?" : inspect.error().message);
      continue;
    }
    if (options.running_only && JsonBool(*inspect, {"State", "Running"}) != std::optional(true)) {
      continue;
    }
    AuditInput input;
    input.container = std::move(*inspect);
    input.daemon = collected.daemon.daemon;
    Enrich(docker, options, images, input);
    collected.containers.push_back(std::move(input));
  }
  return collected;
}

}  // namespace vigil::audit
