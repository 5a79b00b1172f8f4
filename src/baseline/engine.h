// The baseline engine: learns what each image's containers do from the event stream and, once
// an image's profile is trusted, turns what is new into alerts (source "baseline").
//
// Per image (ProfileKeyFor): programs run (with their parent; a program is its executed file
// and, when it differs, the name it ran as: "/bin/busybox (as nc)"), files read and written
// (generalised, baseline/paths.h), syscalls (a bitmap per container kept by the kernel:
// ObserveSyscalls), listening ports, outbound peers, users. A container is observed once the
// runtime's metadata for it arrives (ContainerKnown); what it did before is held for it.
//
// Left out of profiles (and never alerted on): the host, the runtime's set-up before the
// entrypoint (runc's init, named "runc:[…]"), and health checks (processes started in the
// container from outside whose command is the container's health check, and their children).
// Other `docker exec` sessions count: a shell exec'd into a container is what detection is for.
//
// Single-threaded: owned and driven by the event loop.
#pragma once

#include <bitset>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "baseline/profile.h"
#include "baseline/store.h"
#include "common/result.h"
#include "events/alert.h"
#include "events/container.h"
#include "events/event.h"
#include "state/process_table.h"

namespace vigil::baseline {

// `vigil run --baseline-mode`: learn (every image learns, nothing alerts), detect (images with
// a profile are checked, nothing is learned), auto (each image learns until its profile was
// stable for the quiet period, then it is checked).
enum class RunMode : uint8_t { kLearn, kDetect, kAuto };
bool ParseRunMode(std::string_view text, RunMode* out);
std::string_view RunModeName(RunMode mode);

struct EngineOptions {
  RunMode mode = RunMode::kAuto;
  // kAuto: a learning profile with nothing new for this long switches to detecting.
  std::chrono::nanoseconds quiet_period = std::chrono::hours(1);
  KeyBy key_by = KeyBy::kImage;
  std::string key_label;  // KeyBy::kLabel
  std::string hostname;
  // How often learned profiles are written to the store.
  std::chrono::nanoseconds flush_interval = std::chrono::seconds(5);
  std::size_t fold_after = 32;  // AddPattern's directory folding
};

// Syscall numbers (x86_64), as the sensor's bitmap holds them.
using SyscallBits = std::bitset<512>;

class Engine {
 public:
  using AlertHandler = std::function<void(const Alert&)>;

  // Loads every profile from `store` (kept; not owned, must outlive the engine).
  static Result<std::unique_ptr<Engine>> Open(ProfileStore* store, EngineOptions options,
                                              AlertHandler on_alert);

  // After the process table applied `event`: `process` is its process, `parent` its parent
  // (null when unknown); `user_name` names the event's uid in the container (exec events; ""
  // when unknown).
  void Observe(const Event& event, const Process& process, const Process* parent,
               std::string_view user_name);
  // The runtime's metadata for a container (again on every update): its profile is chosen
  // and what it did so far is applied.
  void ContainerKnown(const ContainerInfo& container);
  // Forgets a removed container; returns the cgroup ids it had (for the sensor to forget).
  std::vector<uint64_t> ContainerRemoved(const std::string& container_id);
  // The kernel's syscall bitmap of a cgroup (cumulative).
  void ObserveSyscalls(uint64_t cgroup_id, const SyscallBits& syscalls);
  // Promotes quiet profiles (kAuto) and writes changed profiles every flush_interval.
  void Tick(uint64_t now_ns);
  // Writes every changed profile now (shutdown).
  Status Flush();

  struct Stats {
    std::size_t profiles = 0;
    std::size_t learning = 0;
    std::size_t containers = 0;
    uint64_t learned = 0;                // items added to profiles
    uint64_t deviations = 0;             // alerts raised
    uint64_t deviations_unreported = 0;  // past kMaxReported for their profile
    uint64_t pending_dropped = 0;        // observations lost waiting for metadata
    uint64_t store_errors = 0;
  };
  Stats stats() const;

  // Held per container until its metadata arrives; more are counted and dropped.
  static constexpr std::size_t kMaxPending = 4096;
  // Deviations remembered per profile (so each alerts once); past this, new ones are counted
  // (Stats::deviations_unreported), not alerted: a container inventing names without end
  // must not grow the agent without end.
  static constexpr std::size_t kMaxReported = 10000;

  // What a container did, as a profile would hold it.
  struct Behaviour {
    enum class Kind : uint8_t {
      kProcess,
      kFileRead,
      kFileWrite,
      kSyscall,
      kListen,
      kOutbound,
      kUser
    };
    Kind kind = Kind::kProcess;
    std::string text;    // exe, generalised path, syscall name, address
    std::string detail;  // parent exe, user name, protocol
    uint16_t port = 0;
    uint32_t uid = 0;
    // For the alert: who did it.
    uint32_t pid = 0;
    std::string comm;
    std::string cmdline;
    std::string path;  // the file as opened (text holds its general form)
    uint64_t ts_ns = 0;
  };

 private:
  struct ContainerState {
    std::string container_id;
    std::string key;  // empty until the metadata arrives
    ContainerInfo info;
    std::vector<Behaviour> pending;
    SyscallBits syscalls_seen;
    std::set<uint32_t> health_check_roots;  // pids whose process tree is a health check
  };

  Engine(ProfileStore* store, EngineOptions options, AlertHandler on_alert);
  bool IsHealthCheck(const ContainerState& c, const Process& process, const Process* parent);
  void Apply(ContainerState& c, Behaviour&& b);
  // The container's profile, created when learning; null in kDetect for an unknown image.
  Profile* ProfileFor(const ContainerState& c, uint64_t now_ns);
  bool Learning(const Profile& p) const;
  bool Add(Profile& p, const Behaviour& b);
  bool Covered(const Profile& p, const Behaviour& b) const;
  void Raise(const ContainerState& c, const Profile& p, const Behaviour& b);

  ProfileStore* store_;
  EngineOptions options_;
  AlertHandler on_alert_;
  std::map<std::string, Profile> profiles_;  // by key
  std::set<std::string> dirty_;              // keys changed since the last flush
  // Deviations already reported, per profile key: one alert per new behaviour.
  std::map<std::string, std::set<std::string>> reported_;
  std::unordered_map<std::string, ContainerState> containers_;  // by container id
  std::unordered_map<uint64_t, std::string> cgroups_;           // cgroup id -> container id
  std::set<std::string> unprofiled_;  // kDetect: images without a profile (said once)
  uint64_t next_flush_ns_ = 0;
  uint64_t started_ns_ = 0;
  Stats stats_;
  ::vigil::Alert alert_;
};

}  // namespace vigil::baseline
