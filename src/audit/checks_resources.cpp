// Checks on a container's resource limits, restart policy, published ports and health check.
#include <fmt/core.h>

#include "audit/check.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

const Json& HostConfig(const CheckContext& context) {
  return JsonAt(context.input.container, {"HostConfig"});
}

void MemoryLimit(const CheckContext& context, FindingSink& sink) {
  auto memory = JsonInt(HostConfig(context), {"Memory"});
  if (memory && *memory <= 0) {
    sink.Add("no memory limit: one container can exhaust the host's memory");
  }
}

void CpuLimit(const CheckContext& context, FindingSink& sink) {
  const Json& host_config = HostConfig(context);
  if (!host_config.is_object()) return;
  for (const char* key : {"NanoCpus", "CpuQuota", "CpuShares"}) {
    if (JsonInt(host_config, {key}).value_or(0) > 0) return;
  }
  if (!JsonString(host_config, {"CpusetCpus"}).empty()) return;
  sink.Add("no CPU limit or share (--cpus, --cpu-shares, --cpuset-cpus)");
}

void PidsLimit(const CheckContext& context, FindingSink& sink) {
  const Json& host_config = HostConfig(context);
  if (!host_config.is_object()) return;
  auto limit = JsonInt(host_config, {"PidsLimit"});
  if (!limit || *limit <= 0) {
    sink.Add("no PIDs limit: a fork bomb in the container exhausts the host's process table");
  }
}

void RestartPolicy(const CheckContext& context, FindingSink& sink) {
  const std::string name = JsonString(HostConfig(context), {"RestartPolicy", "Name"});
  if (name == "always" || name == "unless-stopped") {
    sink.Add(
        fmt::format("restart policy '{}': restarts forever, hiding crash loops (an exploit "
                    "retried until it works)",
                    name));
  } else if (name == "on-failure") {
    auto retries = JsonInt(HostConfig(context), {"RestartPolicy", "MaximumRetryCount"}).value_or(0);
    if (retries <= 0 || retries > 5) {
      sink.Add(retries <= 0
                   ? std::string("restart policy 'on-failure' without a retry limit")
                   : fmt::format("restart policy 'on-failure' with {} retries (over 5)", retries));
    }
  }
}

bool AllInterfaces(std::string_view host_ip) {
  return host_ip.empty() || host_ip == "0.0.0.0" || host_ip == "::" || host_ip == "[::]";
}

// Visits each published port binding: (container port, host ip, host port).
template <class Visit>
void ForEachBinding(const CheckContext& context, Visit visit) {
  const Json& bindings = JsonAt(HostConfig(context), {"PortBindings"});
  if (!bindings.is_object()) return;
  for (const auto& [port, list] : bindings.items()) {
    if (!list.is_array()) continue;
    for (const Json& binding : list) {
      visit(EscapeForDisplay(port, 32), JsonString(binding, {"HostIp"}),
            JsonString(binding, {"HostPort"}));
    }
  }
}

void PortsAllInterfaces(const CheckContext& context, FindingSink& sink) {
  if (JsonString(HostConfig(context), {"NetworkMode"}) == "host") return;  // no bindings apply
  std::vector<std::string> wide;
  ForEachBinding(context, [&](const std::string& port, const std::string& ip,
                              const std::string& host_port) {
    if (!AllInterfaces(ip)) return;
    wide.push_back(fmt::format("{}:{}->{}", ip.empty() ? "0.0.0.0" : EscapeForDisplay(ip, 64),
                               host_port.empty() ? "*" : EscapeForDisplay(host_port, 16), port));
  });
  if (!wide.empty()) {
    sink.Add(fmt::format("published on every host interface: {}", Join(wide, ", ")));
  }
  if (JsonBool(HostConfig(context), {"PublishAllPorts"}) == std::optional(true)) {
    sink.Add("-P publishes every exposed port on every host interface");
  }
}

void PrivilegedPorts(const CheckContext& context, FindingSink& sink) {
  std::vector<std::string> low;
  ForEachBinding(context,
                 [&](const std::string& port, const std::string&, const std::string& host_port) {
                   auto number = ParseInt(host_port);
                   if (number && *number > 0 && *number < 1024)
                     low.push_back(fmt::format("{}->{}", *number, port));
                 });
  if (!low.empty()) sink.Add(fmt::format("host ports below 1024: {}", Join(low, ", ")));
}

void Healthcheck(const CheckContext& context, FindingSink& sink) {
  const Json& config = JsonAt(context.input.container, {"Config"});
  if (!config.is_object()) return;
  auto test = JsonStrings(config, {"Healthcheck", "Test"});
  if (test.empty()) {
    sink.Add("no health check (neither the image nor the container defines one)");
  } else if (test.front() == "NONE") {
    sink.Add("health check disabled (--no-healthcheck or HEALTHCHECK NONE)");
  }
}

constexpr Check kChecks[] = {
    {"memory-limit", "No memory limit", Severity::kLow, Scope::kContainer, "5.11",
     "Without a memory limit one container (compromised or leaking) can push the host into "
     "swapping or the OOM killer, taking other workloads down.",
     "Run with --memory (and --memory-swap) sized for the workload.", MemoryLimit},
    {"cpu-limit", "No CPU limit", Severity::kLow, Scope::kContainer, "5.12",
     "Without a CPU limit or relative share, a busy or compromised container (a cryptominer) "
     "starves the others.",
     "Run with --cpus, --cpu-shares or --cpuset-cpus.", CpuLimit},
    {"pids-limit", "No PIDs limit", Severity::kLow, Scope::kContainer, "5.29",
     "Without a PIDs limit a fork bomb in one container exhausts the host's process table.",
     "Run with --pids-limit (for example 100..1000, sized for the workload).", PidsLimit},
    {"restart-policy", "Unbounded restart policy", Severity::kLow, Scope::kContainer, "5.15",
     "CIS 5.15 asks for on-failure with at most 5 retries. 'always' and 'unless-stopped' "
     "restart forever too, so vigil reports them as well: a crash loop (or an exploit retried "
     "until it works) goes unnoticed. 'no' and on-failure:1..5 pass.",
     "Use --restart on-failure:5, and let an orchestrator or monitoring handle what keeps "
     "failing.",
     RestartPolicy},
    {"ports-all-interfaces", "Port published on all interfaces", Severity::kMedium,
     Scope::kContainer, "5.14",
     "A port published without a host address listens on every interface (0.0.0.0 / ::), "
     "including public ones, and Docker's iptables rules bypass the host firewall.",
     "Publish on a specific address: -p 127.0.0.1:8080:80 or the address of the intended "
     "interface.",
     PortsAllInterfaces},
    {"privileged-ports", "Privileged host port mapped", Severity::kLow, Scope::kContainer, "5.8",
     "Host ports below 1024 are meant for system services; mapping a container to one may "
     "shadow such a service (ssh, dns) on the host.",
     "Map to a host port of 1024 or above, or front the service with the host's own proxy.",
     PrivilegedPorts},
    {"healthcheck", "No health check", Severity::kLow, Scope::kContainer, "5.27",
     "Without a health check a hung or hijacked service keeps running as 'up'; the engine "
     "cannot restart it or warn.",
     "Add HEALTHCHECK to the image or run with --health-cmd.", Healthcheck},
};

}  // namespace

std::span<const Check> ResourceChecks() {
  return kChecks;
}

}  // namespace vigil::audit
