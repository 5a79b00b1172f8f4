// Helpers the check files share: reading HostConfig.SecurityOpt and the daemon's
// SecurityOptions. Internal to src/audit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "audit/check.h"

namespace vigil::audit {

// The value of `key` in the container's HostConfig.SecurityOpt ("seccomp=unconfined",
// the older "seccomp:unconfined"); "" for a bare key ("no-new-privileges"); nullopt when the
// key is absent.
std::optional<std::string> SecurityOpt(const Json& container, std::string_view key);

// Whether the daemon's /info SecurityOptions names `name` ("name=seccomp,profile=default" or
// the older bare "seccomp"). nullopt when /info is unavailable.
std::optional<bool> DaemonHasSecurityOption(const Json& daemon, std::string_view name);
// A property of one daemon security option: ("seccomp", "profile") -> "default".
std::string DaemonSecurityProperty(const Json& daemon, std::string_view name,
                                   std::string_view property);

bool IsPrivileged(const Json& container);

}  // namespace vigil::audit
