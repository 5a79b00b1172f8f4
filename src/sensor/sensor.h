// The eBPF sensor: loads bpf/vigil.bpf.c through its skeleton, attaches what is needed, and
// turns ring-buffer records into Events. The only code in vigil that includes libbpf.
//
// Not thread-safe: one thread opens, polls and closes it. Records may be drained and decoded on
// a reader thread of the sensor's own (see ReaderThread); handlers still run on the polling
// thread, in the ring's order.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "events/event.h"
#include "events/open_filter.h"

namespace vigil::sensor {

// Whether a thread of the sensor's own drains and decodes the ring buffer while the polling
// thread evaluates: two cores instead of one. kAuto starts it when the polling thread falls
// behind (the ring more than half full while it drains).
enum class ReaderThread { kAuto, kOff, kOn };

struct SensorOptions {
  // Attach the open family (open, openat, openat2, creat). Process lifecycle (exec, fork,
  // exit) is always attached: the process table needs it.
  bool opens = true;
  // Other syscalls to trace (IsGenericSyscall types): only what some rule needs.
  std::bitset<kEventTypeCount> syscalls;
  // Which opens leave the kernel (derived from the rules; everything by default).
  OpenFilter open_filter = OpenFilter::PassAll();
  std::size_t ring_buffer_bytes = 16u << 20;
  ReaderThread reader_thread = ReaderThread::kAuto;
  // Baselines: keep a bitmap of the syscalls each container's tasks enter (a program on
  // sys_enter; no record per syscall), and mark exec sessions (`docker exec`, health checks)
  // so that theirs are left out. Read with ContainerSyscalls().
  bool container_syscalls = false;
  // Bytes of data kept from recvfrom and sendto (Event::buffer, evt.buffer): 0 unless a rule
  // reads it; at most VIGIL_BUFFER_MAX.
  uint32_t buffer_bytes = 0;
  // Data calls (sendto, sendmsg, recvfrom, recvmsg) whose records on TCP sockets no rule can
  // match: dropped in the kernel (rules::RuleSet::TcpDataInUse).
  std::bitset<kEventTypeCount> drop_tcp_data;
};

// Falco's default snapshot length: the data bytes kept per call when a rule reads evt.buffer.
inline constexpr uint32_t kBufferSnaplen = 80;

// Syscall numbers as the architecture numbers them; bit N set: syscall N was entered.
inline constexpr std::size_t kSyscallBits = 512;
using SyscallSet = std::bitset<kSyscallBits>;

struct SensorStats {
  uint64_t kernel_sent = 0;     // records the kernel put into the ring buffer
  uint64_t kernel_dropped = 0;  // records lost because the ring buffer was full
  uint64_t kernel_filtered = 0; // opens the in-kernel filter kept from leaving (no rule wants them)
  uint64_t decoded = 0;
  uint64_t decode_errors = 0;
  uint64_t ring_buffer_bytes = 0;
  std::vector<uint64_t> kernel_dropped_per_cpu;
  // Lost records by kind: "exec", "fork", "exit", "open", "syscall".
  std::vector<std::pair<std::string, uint64_t>> kernel_dropped_by_kind;
};

class Sensor {
 public:
  using Handler = std::function<void(Event&)>;

  // Loads and attaches. Errors name the step and the kernel's reason. Starts no thread: the
  // caller may drop its capabilities (which are per thread) between Open and the first Poll.
  static Result<std::unique_ptr<Sensor>> Open(const SensorOptions& options);
  ~Sensor();
  Sensor(const Sensor&) = delete;
  Sensor& operator=(const Sensor&) = delete;

  // Starts the reader thread now when SensorOptions::reader_thread is kOn (the first Poll
  // would otherwise); it inherits the calling thread's capabilities.
  void StartThreads();
  // Waits up to `timeout_ms` for records and hands each, decoded, to `handler` (on this
  // thread; the Event is reused for the next record). Returns the number of records.
  // Poll(0) drains: it stops the reader thread, if one runs, and consumes what is left here.
  Result<int> Poll(int timeout_ms, const Handler& handler);
  SensorStats Stats() const;
  // With SensorOptions::container_syscalls: per cgroup id (Event::cgroup_id), the syscalls its
  // container's tasks entered since vigil started (host tasks, the runtime's set-up and exec
  // sessions left out). Cumulative; empty without the option.
  std::vector<std::pair<uint64_t, SyscallSet>> ContainerSyscalls() const;
  // Forgets a cgroup's bitmap (its container was removed).
  void ForgetCgroup(uint64_t cgroup_id);
  // Whether the kernel's counters can be read now (a bpf() map lookup through the map's file
  // descriptor). Kernels before 6.5 with kernel.unprivileged_bpf_disabled refuse every bpf()
  // call, lookups included, to a process without CAP_BPF: Stats() would then read zeros.
  Status CheckCountersReadable() const;
  // Which programs are attached, for the "ready" line: "exec fork exit open openat …".
  std::string AttachedSummary() const;
  // Which hooks beyond tracepoints this kernel allows, probed at Open (sensor/hook_probe.h):
  // "fentry/fexit: refused (Operation not permitted); BPF-LSM: …".
  std::string HooksSummary() const;

 private:
  struct Impl;
  explicit Sensor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::sensor
