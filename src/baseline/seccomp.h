// Seccomp profiles from baselines: the JSON that `docker run --security-opt seccomp=FILE`
// (and the OCI runtime spec's linux.seccomp) accepts, allowing the learned syscalls.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "baseline/profile.h"
#include "common/result.h"

namespace vigil::baseline {

// The x86_64 name of a syscall number ("openat" for 257); nullopt for numbers the table lacks.
std::optional<std::string> SyscallName(int number);
// The number of an x86_64 syscall name; nullopt when unknown.
std::optional<int> SyscallNumber(std::string_view name);

// What the runtime (runc, crun) itself calls between installing the filter and exec'ing the
// entrypoint, and what every exec needs: allowed in every generated profile.
const std::vector<std::string>& RuntimeSyscalls();

// defaultAction SCMP_ACT_ERRNO with defaultErrnoRet EPERM, architectures x86_64/x86/x32,
// one SCMP_ACT_ALLOW rule naming the learned syscalls plus RuntimeSyscalls(), sorted.
// An error when the profile has learned no syscalls (a profile without them would stop the
// container from starting).
Result<std::string> SeccompProfileJson(const Profile& profile);

}  // namespace vigil::baseline
