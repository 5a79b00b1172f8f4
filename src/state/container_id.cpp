#include "state/container_id.h"

#include <vector>

#include "common/strings.h"

namespace vigil {
namespace {

constexpr std::size_t kIdLength = 64;

bool IsContainerId(std::string_view s) { return s.size() == kIdLength && IsHex(s); }

// "<prefix><64 hex>" optionally followed by ".scope".
std::optional<std::string> IdAfterPrefix(std::string_view component, std::string_view prefix) {
  if (!component.starts_with(prefix)) return std::nullopt;
  std::string_view rest = component.substr(prefix.size());
  if (rest.ends_with(".scope")) rest.remove_suffix(6);
  if (!IsContainerId(rest)) return std::nullopt;
  return std::string(rest);
}

}  // namespace

std::optional<CgroupContainer> ContainerFromCgroupPath(std::string_view path) {
  std::vector<std::string_view> parts;
  for (auto part : Split(path, '/')) {
    if (!part.empty()) parts.push_back(part);
  }
  const bool kubernetes = path.find("kubepods") != std::string_view::npos;
  // From the leaf up: the innermost component naming a container wins, so sub-cgroups a
  // container creates for itself (init.scope, ctr, …) map to that container.
  for (std::size_t i = parts.size(); i-- > 0;) {
    std::string_view c = parts[i];
    static const std::pair<std::string_view, std::string_view> kScoped[] = {
        {"docker-", "docker"},
        {"cri-containerd-", "containerd"},
        {"crio-", "cri-o"},
        {"libpod-", "podman"},
    };
    for (const auto& [prefix, runtime] : kScoped) {
      if (auto id = IdAfterPrefix(c, prefix)) return CgroupContainer{std::string(runtime), *id};
    }
    if (IsContainerId(c)) {
      std::string_view parent = i > 0 ? parts[i - 1] : std::string_view();
      std::string runtime = "unknown";
      if (parent == "docker") {
        runtime = "docker";
      } else if (parent.starts_with("libpod")) {
        runtime = "podman";
      } else if (kubernetes) {
        runtime = "cri";
      }
      return CgroupContainer{runtime, std::string(c)};
    }
  }
  return std::nullopt;
}

std::optional<CgroupContainer> ContainerFromProcCgroup(std::string_view proc_cgroup) {
  for (auto line : Split(proc_cgroup, '\n')) {
    // hierarchy-id:controllers:path
    auto first = line.find(':');
    if (first == std::string_view::npos) continue;
    auto second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    if (auto found = ContainerFromCgroupPath(line.substr(second + 1))) return found;
  }
  return std::nullopt;
}

}  // namespace vigil
