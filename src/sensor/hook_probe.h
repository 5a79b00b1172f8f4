// Which better hooks than tracepoints this kernel allows (fentry/fexit, BPF-LSM), probed at
// start by loading and attaching an empty program of each kind. vigil's sensor works with
// tracepoints alone; the result is said at start, so what a kernel could offer is known.
#pragma once

#include <string>

namespace vigil::sensor {

struct HookSupport {
  std::string fexit;  // empty: allowed; otherwise why not ("Operation not permitted")
  std::string lsm;
};

// Needs the privileges of the sensor (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN for LSM). Takes a
// few milliseconds; nothing stays loaded.
HookSupport ProbeHooks();

// "fentry/fexit: refused (Operation not permitted); BPF-LSM: allowed"
std::string DescribeHooks(const HookSupport& support);

}  // namespace vigil::sensor
