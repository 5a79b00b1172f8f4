// Least privilege: the Linux capabilities vigil holds, and dropping all but those it still needs
// once its BPF probes are loaded and attached (through libcap).
//
// Capabilities belong to a thread, not to the process: a thread keeps the sets it had when
// another thread dropped its own, and a new thread starts with a copy of its creator's. So
// DropCapabilitiesExcept refuses to run while the process has more than one thread; call it
// after the probes are attached and before any thread starts, and every thread created later
// inherits the reduced sets. Not thread-safe (by design: one thread must exist).
#pragma once

#include <bitset>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>

#include "common/result.h"

namespace vigil::privileges {

// Bit n stands for capability number n (CAP_SYS_ADMIN is 21, CAP_BPF 39); the kernel's
// capability numbers stay below 64.
using CapSet = std::bitset<64>;

CapSet Caps(std::initializer_list<int> caps);
// libcap's name, "cap_sys_admin"; "cap_<n>" for a number this libcap does not know.
std::string CapabilityName(int cap);
// "cap_dac_read_search,cap_sys_ptrace": by number, comma-separated; "none" when empty.
std::string FormatCaps(const CapSet& caps, const char* separator = ",");

// What `vigil run` still needs once the probes are attached (the BPF programs, maps, ring
// buffer and perf events are open file descriptors, used without a capability from then on):
//   CAP_SYS_PTRACE       /proc/<pid>/{exe,cwd,environ,fd,root} of every process (ptrace access
//                        mode read: other users' processes, and root's that hold more
//                        capabilities than vigil then does)
//   CAP_DAC_READ_SEARCH  /proc/<pid>/fd directories of other users, container files and logs
//                        not readable by their permission bits
//   CAP_NET_BIND_SERVICE only when the web server listens on a port below 1024
// Everything else vigil touches after start belongs to uid 0 by its permission bits: the Docker
// socket, Docker's log files, output and spill files created by vigil.
CapSet NeededAfterAttach(bool web_server, uint32_t web_server_port);

struct ProcessCaps {
  CapSet effective;
  CapSet permitted;
  CapSet bounding;
};

// This thread's sets (effective, permitted) and the bounding set.
Result<ProcessCaps> CurrentCaps();

struct DropResult {
  CapSet kept;     // permitted and effective now: `keep` as far as vigil held it
  CapSet dropped;  // permitted before, gone now
  // The bounding set now. Trimmed to `keep` when vigil held CAP_SETPCAP (a root process does;
  // a container or systemd unit without it keeps the bounding set its runtime gave).
  CapSet bounding;
  bool bounding_trimmed = false;
};

// Runs `check` with only `keep` (what of it is permitted) in this thread's effective set, then
// makes the permitted set effective again: whether something still works once the others are
// dropped, asked before dropping them for good. The permitted set never changes.
Result<bool> WorksWithOnly(const CapSet& keep, const std::function<bool()>& check);

// Keeps `keep` (what of it is permitted) in the effective and permitted sets and nothing else;
// clears the inheritable and ambient sets, trims the bounding set when it may, and sets
// no_new_privs (a program vigil starts, such as program_output's, gains no privilege by exec,
// setuid binaries included). An error, changing nothing, when another thread runs; an error
// from the kernel otherwise.
Result<DropResult> DropCapabilitiesExcept(const CapSet& keep);

// The log line: "capabilities now: cap_dac_read_search,cap_sys_ptrace (dropped: cap_chown,
// …; bounding set: the same)".
std::string DescribeDrop(const DropResult& result);

// The number of threads of this process (/proc/self/task).
Result<int> ThreadCount();

}  // namespace vigil::privileges
