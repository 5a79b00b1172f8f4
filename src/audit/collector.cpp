#include "audit/collector.h"

#include <map>
#include <set>

#include "common/log.h"

namespace vigil::audit {
namespace {

Json InspectImage(const DockerClient& docker, const std::string& image_id,
                  std::map<std::string, Json>* cache) {
  if (cache) {
    if (auto it = cache->find(image_id); it != cache->end()) return it->second;
  }
  auto image = docker.GetJson("/images/" + image_id + "/json");
  if (!image) log::Debug("audit: {}", image.error().message);
  Json result = image ? std::move(*image) : Json();
  if (cache) cache->emplace(image_id, result);
  return result;
}

// The changes of a running container, with the mode of each changed file that still exists.
std::optional<std::vector<PathChange>> Changes(const DockerClient& docker, const std::string& id,
                                               const CollectOptions& options) {
  auto answer = docker.GetJson("/containers/" + id + "/changes");
  if (!answer) {
    log::Debug("audit: {}", answer.error().message);
    return std::nullopt;
  }
  std::vector<PathChange> changes = ParseChanges(*answer);
  std::size_t stats = 0;
  for (PathChange& change : changes) {
    if (change.kind == PathChange::Kind::kDeleted || stats >= options.max_path_stats) continue;
    ++stats;
    auto stat = docker.StatContainerPath(id, change.path);
    if (auto mode = stat ? JsonInt(*stat, {"mode"}) : std::nullopt; mode && *mode >= 0) {
      change.mode = static_cast<uint32_t>(*mode);
    }
  }
  return changes;
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

Result<AuditInput> CollectContainer(const DockerClient& docker, const std::string& id,
                                    const Json& daemon_info, const CollectOptions& options,
                                    std::map<std::string, Json>* image_cache) {
  auto inspect = docker.GetJson("/containers/" + id + "/json");
  if (!inspect) return Fail("container {}: {}", id, inspect.error().message);
  if (!inspect->is_object()) return Fail("container {}: the inspect answer is not an object", id);
  AuditInput input;
  input.container = std::move(*inspect);
  input.daemon = daemon_info;
  const std::string image_id = JsonString(input.container, {"Image"});
  if (!image_id.empty()) input.image = InspectImage(docker, image_id, image_cache);
  if (options.examine_changes &&
      JsonBool(input.container, {"State", "Running"}) == std::optional(true)) {
    input.changes = Changes(docker, JsonString(input.container, {"Id"}), options);
  }
  return input;
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
  std::set<std::string> seen;  // a container named twice (by id and by name) is audited once
  for (const std::string& id : *ids) {
    auto input = CollectContainer(docker, id, collected.daemon.daemon, options, &images);
    if (!input) {
      if (!options.containers.empty()) return Fail(input.error());
      log::Debug("audit: {} (removed meanwhile?)", input.error().message);
      continue;
    }
    if (!seen.insert(JsonString(input->container, {"Id"})).second) continue;
    if (options.running_only &&
        JsonBool(input->container, {"State", "Running"}) != std::optional(true)) {
      continue;
    }
    collected.containers.push_back(std::move(*input));
  }
  return collected;
}

}  // namespace vigil::audit
