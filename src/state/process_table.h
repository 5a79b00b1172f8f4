// The process table: what vigil knows of every live process (and of recently exited ones, so
// that ancestry still resolves for their children's last events). Seeded from /proc at start
// (kProcInfo events) and kept current by exec, clone and exit events.
//
// Single-threaded: owned and used by the event loop only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/event.h"

namespace vigil {

struct Process {
  uint32_t pid = 0;
  uint32_t ppid = 0;
  std::string comm;     // proc.name: the kernel's task comm (15 characters at most)
  std::string exe;      // proc.exe: argv[0]
  std::string exepath;  // proc.exepath: the executed file, symlinks resolved
  std::vector<std::string> args;  // argv[1..]
  std::string args_joined;        // proc.args
  std::string cmdline;            // proc.cmdline: comm and args, space separated (as Falco)
  std::string cwd;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t loginuid = kNoLoginUid;
  uint32_t tty = 0;
  uint32_t vpid = 0;            // 0: unknown
  uint64_t cap_effective = 0;   // as of the last exec (capset/setuid changes are not tracked yet)
  uint64_t cap_permitted = 0;
  bool caps_known = false;
  bool exe_facts_known = false;
  bool exe_upper_layer = false;
  bool exe_from_memfd = false;
  bool exe_writable = false;  // (exe_facts_known)
  bool pgid_known = false;
  bool pgid_leader = false;   // as of the last exec (setpgid/setsid later are not traced)
  uint32_t sid = 0;           // session id as of the last exec (initial namespace); 0: unknown
  uint64_t exe_mtime_ns = 0;  // the executed file's modification and status-change times
  uint64_t exe_ctime_ns = 0;  // (0: unknown)
  // NAME=value entries, each NUL-terminated: one allocation per process, not one per variable
  // (a burst of 2,000 processes cost 11 MB with a vector and a joined copy).
  std::string env_block;
  uint64_t cgroup_id = 0;
  std::string container_id;  // 12 hex characters, or "host"
  uint64_t start_ns = 0;     // when the process was created (fork/clone), proc.duration's origin
  uint64_t exec_ns = 0;      // when the current image started
  bool exited = false;
  uint64_t exit_ns = 0;
  // The last peer of each unconnected datagram socket (fd.name_changed): the remote address
  // and port by descriptor. Few per process; dropped with the process.
  struct DatagramPeer {
    int64_t fd = -1;
    std::array<uint8_t, 16> addr{};
    uint16_t port = 0;
  };
  std::vector<DatagramPeer> datagram_peers;
};

class ProcessTable {
 public:
  // Exited processes are kept this long after their exit for late lookups.
  static constexpr uint64_t kExitedRetentionNs = 10'000'000'000ull;

  // Updates the table from an event and returns the event's process (never null after).
  // For open events it also completes `event.path` lexically when the kernel could not.
  const Process* Apply(Event& event);

  const Process* Find(uint32_t pid) const;
  // The Nth ancestor: 0 is the process itself, 1 its parent. Null when unknown.
  const Process* Ancestor(const Process& process, int generation) const;
  // Forgets processes that exited more than kExitedRetentionNs before `now_ns`.
  // Returns how many were forgotten.
  std::size_t Sweep(uint64_t now_ns);
  // Marks as exited (now) the processes `alive` says are gone: their exit was never seen (a
  // record lost to a full ring buffer). Returns how many.
  template <class Alive>
  std::size_t ReapVanished(uint64_t now_ns, Alive&& alive) {
    std::size_t n = 0;
    for (auto& [pid, p] : processes_) {
      if (p.exited || alive(pid)) continue;
      p.exited = true;
      p.exit_ns = now_ns;
      ++n;
    }
    return n;
  }
  // Forgets which cgroups belonged to a removed container.
  void ForgetContainer(const std::string& container_id) {
    std::erase_if(cgroup_containers_, [&](const auto& e) { return e.second == container_id; });
  }
  std::size_t size() const { return processes_.size(); }
  // Whether processes keep their environment (proc.env): ~1.5 KB each, 3 MB for a burst of
  // 2,000 processes, so only when a loaded rule reads it. From the next exec on.
  void set_keep_env(bool keep) { keep_env_ = keep; }
  bool keep_env() const { return keep_env_; }

 private:
  Process& Upsert(const Event& event);
  void ApplyImage(Process& p, const Event& event);
  void AssignContainer(Process& p, const Event& event);
  void ApplySyscall(Process& p, Event& event);
  static void TrackDatagramPeer(Process& p, Event& event);

  std::unordered_map<uint32_t, Process> processes_;
  bool keep_env_ = true;
  // cgroup id -> container id, learned from events that carried a cgroup path.
  std::unordered_map<uint64_t, std::string> cgroup_containers_;
};

// Falco's proc.cmdline: the name, then the arguments after argv[0], space separated.
std::string BuildCmdline(std::string_view comm, const std::vector<std::string>& args);

}  // namespace vigil
