// Reads the processes that already run when vigil starts from /proc, as kProcInfo events that
// the process table applies like execs. Processes that vanish mid-scan are skipped.
#pragma once

#include <string>
#include <vector>

#include "events/event.h"

namespace vigil {

// `proc_root` is normally "/proc"; tests point it at a fixture tree.
std::vector<Event> ScanProcesses(const std::string& proc_root = "/proc");

// One process, or false when it is gone or unreadable.
bool ReadProcess(const std::string& proc_root, uint32_t pid, Event& out);

// Where the cgroup v2 hierarchy is mounted ("/sys/fs/cgroup" or "/sys/fs/cgroup/unified"),
// empty when none is.
std::string CgroupV2Mount();

}  // namespace vigil
