// The arguments of the traced syscalls other than exec and the open family, by Falco's names
// (evt.arg.path, evt.arg.request, evt.arg.mode, ...), and their text as Falco renders them:
// paths absolute where they can be resolved, flags and requests by name.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "events/event.h"
#include "state/process_table.h"

namespace vigil::rules {

enum class SyscallArgKind : uint8_t {
  kPath,        // a user string naming a file; resolved against the cwd for AT_FDCWD
  kString,      // a user string taken as is (mount type, module arguments, memfd name)
  kInt,         // a signed number (fds, pids, uids)
  kUint,
  kMode,        // permission bits: S_IRUSR|S_IXUSR|S_ISUID
  kPtraceRequest,
  kNamespaceFlags,  // CLONE_NEW* (unshare, setns)
  kMountFlags,
  kBpfCommand,
  kSignal,
  kCapabilities,
  kSocketDomain,  // AF_INET, AF_UNIX, ...
  kSocketType,    // SOCK_STREAM|SOCK_CLOEXEC, ...
  kSocketTuple,   // the socket's ends from the kernel (fd.name's text), not the raw argument
};

struct SyscallArg {
  std::string_view name;
  int index;        // register argument (0-5)
  SyscallArgKind kind;
  int dirfd_index;  // for kPath: the argument holding its directory fd, or -1
};

// The arguments of `type` in Falco's order (evt.arg[N] is the Nth), empty for other types.
std::span<const SyscallArg> SyscallArgs(EventType type);

// Renders one argument of a generic-syscall event; false when the event does not carry it.
bool RenderSyscallArg(const Event& event, const Process* process, const SyscallArg& arg,
                      std::string& out);

}  // namespace vigil::rules
