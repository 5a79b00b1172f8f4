// Checks on the engine's own configuration, as GET /info and GET /networks/bridge show it.
#include <fmt/core.h>

#include <algorithm>

#include "audit/check.h"
#include "audit/check_util.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

void UsernsRemap(const CheckContext& context, FindingSink& sink) {
  const Json& daemon = context.input.daemon;
  auto userns = DaemonHasSecurityOption(daemon, "userns");
  if (!userns || *userns || DaemonHasSecurityOption(daemon, "rootless") == std::optional(true))
    return;
  sink.Add(
      "the daemon does not remap container users (no userns-remap, not rootless): root in a "
      "container is root on the host");
}

void LiveRestore(const CheckContext& context, FindingSink& sink) {
  const Json& daemon = context.input.daemon;
  if (JsonString(daemon, {"Swarm", "LocalNodeState"}) == "active") return;  // incompatible
  if (JsonBool(daemon, {"LiveRestoreEnabled"}) == std::optional(false)) {
    sink.Add("live-restore is off: restarting or upgrading the daemon stops every container");
  }
}

bool Loopback(std::string_view cidr_or_host) {
  return cidr_or_host == "127.0.0.0/8" || cidr_or_host == "::1/128" ||
         cidr_or_host.starts_with("localhost") || cidr_or_host.starts_with("127.");
}

void InsecureRegistries(const CheckContext& context, FindingSink& sink) {
  const Json& daemon = context.input.daemon;
  std::vector<std::string> insecure;
  for (const std::string& cidr : JsonStrings(daemon, {"RegistryConfig", "InsecureRegistryCIDRs"})) {
    if (!Loopback(cidr)) insecure.push_back(EscapeForDisplay(cidr, 64));
  }
  const Json& indexes = JsonAt(daemon, {"RegistryConfig", "IndexConfigs"});
  if (indexes.is_object()) {
    for (const auto& [name, index] : indexes.items()) {
      if (JsonBool(index, {"Secure"}) == std::optional(false) && !Loopback(name)) {
        insecure.push_back(EscapeForDisplay(name, 128));
      }
    }
  }
  if (!insecure.empty()) {
    sink.Add(fmt::format("insecure registries (no TLS verification): {}", Join(insecure, ", ")));
  }
}

void InterContainerCommunication(const CheckContext& context, FindingSink& sink) {
  const std::string icc =
      JsonString(context.input.bridge_network, {"Options", "com.docker.network.bridge.enable_icc"});
  if (icc == "true") {
    sink.Add("containers on the default bridge can reach each other on every port (icc is on)");
  }
}

constexpr Check kChecks[] = {
    {"userns-remap", "User namespace remapping off", Severity::kMedium, Scope::kDaemon, "2.9",
     "Without user-namespace remapping (or rootless mode), uid 0 in every container is uid 0 on "
     "the host: any escape lands as root.",
     "Set \"userns-remap\": \"default\" in /etc/docker/daemon.json (or run Docker rootless); "
     "check volume ownership first.",
     UsernsRemap},
    {"live-restore", "Live restore disabled", Severity::kLow, Scope::kDaemon, "2.15",
     "Without live-restore, stopping or upgrading the daemon stops every container; security "
     "updates to the engine get postponed to avoid the outage.",
     "Set \"live-restore\": true in /etc/docker/daemon.json (not with swarm mode).", LiveRestore},
    {"insecure-registries", "Insecure registries configured", Severity::kMedium, Scope::kDaemon,
     "2.5",
     "The daemon talks to these registries without verifying TLS: anyone on the path can serve "
     "a modified image. (127.0.0.0/8, Docker's built-in default, is not reported.)",
     "Remove insecure-registries from the daemon's configuration and give the registries "
     "trusted certificates.",
     InsecureRegistries},
    {"icc", "Inter-container communication on the default bridge", Severity::kLow, Scope::kDaemon,
     "2.2",
     "On the default bridge every container can connect to every other one's ports, so one "
     "compromised container can attack the rest.",
     "Set \"icc\": false in daemon.json and use user-defined networks (--network) for containers "
     "that must talk.",
     InterContainerCommunication},
};

}  // namespace

std::span<const Check> DaemonChecks() {
  return kChecks;
}

}  // namespace vigil::audit
