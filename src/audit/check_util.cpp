#include "audit/check_util.h"

#include "common/strings.h"

namespace vigil::audit {

std::optional<std::string> SecurityOpt(const Json& container, std::string_view key) {
  for (const std::string& option : JsonStrings(container, {"HostConfig", "SecurityOpt"})) {
    std::string_view text = option;
    if (!text.starts_with(key)) continue;
    std::string_view rest = text.substr(key.size());
    if (rest.empty()) return std::string();
    if (rest.front() == '=' || rest.front() == ':') return std::string(rest.substr(1));
  }
  return std::nullopt;
}

namespace {

// The entry of the daemon's SecurityOptions whose name is `name`.
struct DaemonOption {
  bool known = false;  // /info answered with a SecurityOptions list
  bool present = false;
  std::string text;  // "name=seccomp,profile=default"
};

DaemonOption FindDaemonOption(const Json& daemon, std::string_view name) {
  DaemonOption found;
  if (!JsonIsArray(daemon, {"SecurityOptions"})) return found;
  found.known = true;
  for (const std::string& option : JsonStrings(daemon, {"SecurityOptions"})) {
    for (std::string_view part : Split(option, ',')) {
      if (part == name || part == "name=" + std::string(name)) {
        found.present = true;
        found.text = option;
        return found;
      }
    }
  }
  return found;
}

}  // namespace

std::optional<bool> DaemonHasSecurityOption(const Json& daemon, std::string_view name) {
  DaemonOption option = FindDaemonOption(daemon, name);
  if (!option.known) return std::nullopt;
  return option.present;
}

std::string DaemonSecurityProperty(const Json& daemon, std::string_view name,
                                   std::string_view property) {
  DaemonOption option = FindDaemonOption(daemon, name);
  for (std::string_view part : Split(option.text, ',')) {
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == property) {
      return std::string(part.substr(eq + 1));
    }
  }
  return {};
}

bool IsPrivileged(const Json& container) {
  return JsonBool(container, {"HostConfig", "Privileged"}).value_or(false);
}

}  // namespace vigil::audit
