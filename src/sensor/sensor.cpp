#include "sensor/sensor.h"

#include <linux/types.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <ctime>
#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common/clock.h"
#include "common/log.h"
#include "sensor/decode.h"
#include "sensor/event_queue.h"
#include "sensor/hook_probe.h"
#include "vigil.skel.h"

extern "C" {
#include "shared/events.h"
}

namespace vigil::sensor {
namespace {

int LibbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char buffer[4096];
  int n = vsnprintf(buffer, sizeof(buffer), format, args);
  std::string_view text(buffer, n > 0 ? std::min<std::size_t>(n, sizeof(buffer) - 1) : 0);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (level == LIBBPF_WARN) {
    log::Warning("libbpf: {}", text);
  } else {
    log::Debug("libbpf: {}", text);
  }
  return 0;
}

bool Exists(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0;
}

// Whether this kernel has a given per-syscall exit tracepoint (a syscall may be absent: no
// modules support, or an architecture without open/creat).
// The tracepoint of a syscall is named after the kernel function, which is not always the
// syscall's name: umount2 is sys_umount.
std::string_view TracepointName(std::string_view syscall) {
  return syscall == "umount2" ? "umount" : syscall;
}

bool HasSyscallExitTracepoint(std::string_view syscall) {
  syscall = TracepointName(syscall);
  for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    std::string path = std::string(root) + "/events/syscalls/sys_exit_" + std::string(syscall);
    if (Exists(path.c_str())) return true;
  }
  return false;
}

// Per-syscall tracepoints are found through tracefs; a fresh host may not have it mounted.
Status EnsureTracefs() {
  if (Exists("/sys/kernel/tracing/events") || Exists("/sys/kernel/debug/tracing/events")) return {};
  if (::mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0) {
    return Fail("mount tracefs on /sys/kernel/tracing: {}", ErrnoText(errno));
  }
  log::Info("mounted tracefs on /sys/kernel/tracing");
  return {};
}

// Copies `text` into a fixed-size, zero-padded map key; false if it does not fit.
template <std::size_t N>
bool FixedKey(std::string_view text, char (&key)[N]) {
  std::memset(key, 0, N);
  if (text.size() >= N) return false;
  std::memcpy(key, text.data(), text.size());
  return true;
}

// The prefix trie, with a wildcard child absorbing its siblings (more permissive, so still
// conservative): the kernel then never needs to backtrack.
struct Trie {
  struct Node {
    std::map<std::string, std::size_t> children;
    uint32_t terminal = 0;  // VIGIL_TRIE_* of the prefixes ending here
  };
  std::vector<Node> nodes{Node{}};

  void Insert(const std::vector<std::string>& components, uint32_t kind) {
    std::size_t node = 0;
    for (const auto& c : components) {
      auto it = nodes[node].children.find(c);
      if (it == nodes[node].children.end()) {
        nodes.push_back(Node{});
        it = nodes[node].children.emplace(c, nodes.size() - 1).first;
      }
      node = it->second;
    }
    nodes[node].terminal |= kind;
  }
  void MergeInto(std::size_t dst, std::size_t src) {
    nodes[dst].terminal |= nodes[src].terminal;
    for (const auto& [name, child] : nodes[src].children) {
      auto it = nodes[dst].children.find(name);
      if (it == nodes[dst].children.end()) {
        nodes[dst].children.emplace(name, child);
      } else {
        MergeInto(it->second, child);
      }
    }
  }
  void Normalize(std::size_t node) {
    if (nodes[node].terminal & VIGIL_TRIE_PASS) {
      nodes[node].children.clear();  // everything below already matches
      return;
    }
    auto star = nodes[node].children.find("*");
    if (star != nodes[node].children.end()) {
      std::size_t wildcard = star->second;
      auto children = nodes[node].children;
      for (const auto& [name, child] : children) {
        if (name != "*") MergeInto(wildcard, child);
      }
      nodes[node].children = {{"*", wildcard}};
    }
    for (const auto& [name, child] : nodes[node].children) Normalize(child);
  }
};

Status LoadOpenFilter(vigil_bpf* skel, const OpenFilter& filter, bool dir_cache) {
  vigil_open_filter_config config{};
  config.enabled = filter.pass_all ? 0 : 1;
  config.dir_cache = dir_cache ? 1 : 0;
  config.writes = filter.writes;
  config.failures = filter.failures;
  config.failed_writes = filter.failed_writes;
  config.dotdot = filter.raw_dotdot;
  config.containers = filter.containers;
  auto put = [](bpf_map* map, const void* key, const void* value) {
    return bpf_map_update_elem(bpf_map__fd(map), key, value, BPF_ANY) == 0;
  };
  const uint8_t one = 1;
  auto set_bit = [](__u64* sig, uint32_t bit) { sig[bit / 64] |= 1ull << (bit % 64); };
  for (const auto& comm : filter.comms) {
    char key[VIGIL_COMM_LEN];
    if (!FixedKey(comm, key)) continue;  // longer than comm: can never match
    if (!put(skel->maps.open_filter_comms, key, &one)) return Fail("open filter: {}", ErrnoText(errno));
    config.comms = 1;
    __u64 words[2];
    static_assert(sizeof(words) == sizeof(key));
    std::memcpy(words, key, sizeof(words));
    set_bit(config.comm_sig, vigil_comm_sig(words[0], words[1]));
  }
  auto names = [&](const std::set<std::string>& set, uint32_t kind, uint32_t& flag) -> Status {
    for (const auto& name : set) {
      vigil_filter_name_key key{};
      key.kind = kind;
      if (!FixedKey(name, key.name)) {
        config.enabled = 0;  // cannot check it in the kernel: let everything through
        continue;
      }
      if (!put(skel->maps.open_filter_names, &key, &one)) return Fail("open filter: {}", ErrnoText(errno));
      flag = 1;
      const uint32_t bit = vigil_name_sig(static_cast<uint32_t>(name.size()),
                                          static_cast<uint8_t>(name.front()),
                                          static_cast<uint8_t>(name.back()));
      set_bit(kind == VIGIL_FILTER_LEAF ? config.leaf_sig : config.parent_sig, bit);
    }
    return {};
  };
  if (auto s = names(filter.leaves, VIGIL_FILTER_LEAF, config.leaves); !s) return s;
  if (auto s = names(filter.parents, VIGIL_FILTER_PARENT, config.parents); !s) return s;
  Trie trie;
  for (const auto& p : filter.prefixes) trie.Insert(p, VIGIL_TRIE_PASS);
  if (!filter.raw_dotdot && filter.gated_dotdot) {
    // The "../" scan only where the gate holds; a gate the kernel cannot hold scans every path.
    bool parts_fit = filter.dotdot_gate_contains.size() <= VIGIL_GATE_PARTS;
    for (const auto& part : filter.dotdot_gate_contains) {
      parts_fit = parts_fit && !part.empty() && part.size() <= VIGIL_GATE_NAME_MAX;
    }
    if (parts_fit) {
      config.dotdot_gated = 1;
      for (auto& w : config.gate_words) w = ~0u;  // unused parts: all ones (see the BPF side)
      for (auto& m : config.gate_masks) m = ~0u;
      for (const auto& part : filter.dotdot_gate_contains) {
        uint32_t word = 0, mask = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>(4, part.size()); ++i) {
          word |= static_cast<uint32_t>(static_cast<uint8_t>(part[i])) << (8 * i);
          mask |= 0xffu << (8 * i);
        }
        config.gate_words[config.gate_count] = word;
        config.gate_masks[config.gate_count] = mask;
        ++config.gate_count;
      }
      for (const auto& p : filter.dotdot_gate_prefixes) trie.Insert(p, VIGIL_TRIE_GATE);
    } else {
      config.dotdot = 1;
    }
  }
  trie.Normalize(0);
  for (std::size_t node = 0; node < trie.nodes.size(); ++node) {
    for (const auto& [name, child] : trie.nodes[node].children) {
      vigil_prefix_key key{};
      key.parent = static_cast<uint32_t>(node);
      if (!FixedKey(name, key.name)) {
        config.enabled = 0;
        continue;
      }
      vigil_prefix_node value{static_cast<uint32_t>(child), trie.nodes[child].terminal};
      if (!put(skel->maps.open_filter_prefixes, &key, &value)) return Fail("open filter: {}", ErrnoText(errno));
      config.prefixes = 1;
      if (name == "*") {
        // Normalize() left "*" as the node's only child.
        if (node < VIGIL_STAR_NODES) set_bit(config.star_nodes, static_cast<uint32_t>(node));
      } else {
        set_bit(config.prefix_sig, vigil_name_sig(static_cast<uint32_t>(name.size()),
                                                  static_cast<uint8_t>(name.front()),
                                                  static_cast<uint8_t>(name.back())));
      }
    }
  }
  uint32_t zero = 0;
  if (!put(skel->maps.open_filter_config, &zero, &config)) return Fail("open filter: {}", ErrnoText(errno));
  return {};
}

// Adds a per-CPU counter's values into `per_cpu` (grown to the CPU count) and returns its sum.
uint64_t SumPerCpu(int map_fd, uint32_t key, std::vector<uint64_t>* per_cpu = nullptr) {
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return 0;
  std::vector<uint64_t> values(static_cast<std::size_t>(cpus));
  if (bpf_map_lookup_elem(map_fd, &key, values.data()) != 0) return 0;
  if (per_cpu && per_cpu->size() < values.size()) per_cpu->resize(values.size());
  uint64_t sum = 0;
  for (std::size_t cpu = 0; cpu < values.size(); ++cpu) {
    sum += values[cpu];
    if (per_cpu) (*per_cpu)[cpu] += values[cpu];
  }
  return sum;
}

constexpr const char* kRecordKinds[VIGIL_EV_MAX] = {"other", "exec", "fork", "exit", "open",
                                                    "syscall"};

}  // namespace

// Decoded events waiting for the polling thread when a reader thread runs: enough to ride out a
// slow alert (metadata lookups) without holding much memory (slots keep their capacity).
constexpr std::size_t kQueueSlots = 4096;
// In kAuto mode, how often (in records) the polling thread checks whether it is falling behind.
constexpr uint64_t kBehindCheckEvery = 1024;

// How much of a core the polling thread has had lately, measured over windows of at least
// 20 ms between behind-checks. A thread that falls behind while it runs only a sliver of the
// time is starved of CPU (a cgroup quota, a machine busy on every core): a second thread would
// compete for the same CPU, and handing events between the two then costs more than it gains
// (measured with the agent held to 5% of a core: the reader thread lost a third of the records
// at a rate the polling thread alone kept up with). Auto mode starts the reader thread only for
// a thread that was busy at least half the time over its last measured window.
class CpuShare {
 public:
  static constexpr double kBusy = 0.5;

  double Sample() {
    const int64_t wall = Now(CLOCK_MONOTONIC);
    const int64_t cpu = Now(CLOCK_THREAD_CPUTIME_ID);
    if (wall_start_ == 0 || wall - wall_start_ >= kWindowNs) {
      if (wall_start_ != 0) share_ = static_cast<double>(cpu - cpu_start_) / (wall - wall_start_);
      wall_start_ = wall;
      cpu_start_ = cpu;
    }
    return share_;
  }

 private:
  static constexpr int64_t kWindowNs = 20'000'000;
  static int64_t Now(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
  }
  int64_t wall_start_ = 0;
  int64_t cpu_start_ = 0;
  double share_ = 0;  // until a window is measured: not known to be busy
};

struct Sensor::Impl {
  vigil_bpf* skel = nullptr;
  ring_buffer* ring = nullptr;
  int64_t boot_to_wall = 0;
  const Handler* handler = nullptr;
  Event event;
  std::atomic<uint64_t> decoded{0};
  std::atomic<uint64_t> decode_errors{0};
  std::string attached;
  std::string hooks;  // sensor/hook_probe.h
  uint64_t ring_bytes = 0;
  bool dir_cache = false;
  bool container_syscalls = false;
  ReaderThread reader_mode = ReaderThread::kAuto;
  // The ring's consumer and producer positions, mapped read-only: how far behind we are.
  const unsigned long* consumer_pos = nullptr;
  const unsigned long* producer_pos = nullptr;
  bool behind = false;    // kAuto: the polling thread asked for a reader thread
  bool draining = false;  // Poll(0): consume everything here, never hand over
  CpuShare cpu_share;     // kAuto: the polling thread's recent share of a core
  bool starved_logged = false;
  int handled = 0;        // records handed to the handler by this Poll()
  std::unique_ptr<EventQueue> queue;  // non-null while a reader thread runs
  std::thread reader;
  std::atomic<bool> reader_running{false};

  ~Impl() {
    StopReader(nullptr);
    if (consumer_pos) munmap(const_cast<unsigned long*>(consumer_pos), getpagesize());
    if (producer_pos) munmap(const_cast<unsigned long*>(producer_pos), getpagesize());
    if (ring) ring_buffer__free(ring);
    if (skel) vigil_bpf__destroy(skel);
  }

  double Fill() const {
    if (!consumer_pos || !producer_pos || ring_bytes == 0) return 0;
    unsigned long cons = __atomic_load_n(consumer_pos, __ATOMIC_ACQUIRE);
    unsigned long prod = __atomic_load_n(producer_pos, __ATOMIC_ACQUIRE);
    return prod > cons ? static_cast<double>(prod - cons) / static_cast<double>(ring_bytes) : 0;
  }

  Status Decode(void* data, size_t size, Event& into) {
    auto status = DecodeRecord({static_cast<const uint8_t*>(data), size}, boot_to_wall, into);
    if (!status) {
      if (decode_errors++ < 10) log::Warning("sensor: undecodable record: {}", status.error().message);
      return status;
    }
    ++decoded;
    return {};
  }

  static int OnRecord(void* ctx, void* data, size_t size) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->queue) {  // on the reader thread
      Event* slot = self->queue->BeginPush();
      if (!slot) return -ECANCELED;  // stopping: the record stays for the final drain
      if (self->Decode(data, size, *slot)) self->queue->EndPush();
      return 0;
    }
    if (self->Decode(data, size, self->event)) {
      (*self->handler)(self->event);
      ++self->handled;
    }
    if (self->reader_mode == ReaderThread::kAuto && !self->draining &&
        self->decoded % kBehindCheckEvery == 0) {
      const double share = self->cpu_share.Sample();
      if (self->Fill() > 0.5) {
        if (share >= CpuShare::kBusy) {
          self->behind = true;
          return -EAGAIN;  // leave the rest to the reader thread about to start
        }
        if (!self->starved_logged) {
          self->starved_logged = true;
          log::Info("sensor: falling behind while this thread gets {:.0f}% of a core: starved of "
                    "CPU, so no second thread (it would compete for the same CPU)",
                    share * 100);
        }
      }
    }
    return 0;
  }

  void StartReader() {
    if (queue) return;
    queue = std::make_unique<EventQueue>(kQueueSlots);
    reader_running = true;
    reader = std::thread([this] {
      while (reader_running.load()) {
        int n = ring_buffer__poll(ring, 20);
        // The kernel skips wake-ups until 256 KiB wait: a timeout does not mean empty.
        if (n == 0 || n == -EINTR) n = ring_buffer__consume(ring);
        queue->Flush();  // the consumer sleeps until a batch waits, or until this
        if (n == -ECANCELED) break;
      }
    });
    log::Info("sensor: reader thread started: the ring buffer is drained and decoded on a second "
              "core");
  }

  // Stops the reader thread, handing what it queued to `handler` (dropped if null).
  int StopReader(const Handler* handler) {
    if (!queue) return 0;
    reader_running = false;
    queue->Stop();
    if (reader.joinable()) reader.join();
    int n = 0;
    for (Event* e; (e = queue->Front(std::chrono::milliseconds(0))) != nullptr; queue->Pop()) {
      if (handler) (*handler)(*e);
      ++n;
    }
    queue.reset();
    return n;
  }
};

Sensor::Sensor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sensor::~Sensor() = default;

Result<std::unique_ptr<Sensor>> Sensor::Open(const SensorOptions& options) {
  libbpf_set_print(LibbpfPrint);
  if (!Exists("/sys/kernel/btf/vmlinux")) {
    return Fail("this kernel has no BTF (/sys/kernel/btf/vmlinux): vigil's CO-RE sensor needs it");
  }
  if (options.opens) {
    if (auto s = EnsureTracefs(); !s) return Fail(s.error());
  }
  auto impl = std::make_unique<Impl>();
  impl->skel = vigil_bpf__open();
  if (!impl->skel) return Fail("open BPF object: {}", ErrnoText(errno));
  vigil_bpf* skel = impl->skel;
  skel->rodata->vigil_self_tgid = static_cast<uint32_t>(getpid());
  skel->rodata->vigil_baseline = options.container_syscalls ? 1 : 0;
  skel->rodata->vigil_buffer_bytes = std::min<uint32_t>(options.buffer_bytes, VIGIL_BUFFER_MAX);
  std::string tcp_dropped;
  {
    uint32_t bits = 0;
    const std::pair<EventType, uint32_t> data_calls[] = {
        {EventType::kSendto, VIGIL_TCP_SENDTO}, {EventType::kSendmsg, VIGIL_TCP_SENDMSG},
        {EventType::kRecvfrom, VIGIL_TCP_RECVFROM}, {EventType::kRecvmsg, VIGIL_TCP_RECVMSG}};
    for (const auto& [type, bit] : data_calls) {
      const auto t = static_cast<std::size_t>(type);
      if (!options.drop_tcp_data.test(t) || !options.syscalls.test(t)) continue;
      bits |= bit;
      tcp_dropped += " " + std::string(EventTypeName(type));
    }
    skel->rodata->vigil_drop_tcp_data = bits;
  }
  bpf_program__set_autoload(skel->progs.vigil_baseline_sys_enter, options.container_syscalls);
  impl->container_syscalls = options.container_syscalls;
  // The ring buffer size must be a power of two multiple of the page size.
  std::size_t ring = 1u << 16;
  while (ring < options.ring_buffer_bytes) ring <<= 1;
  bpf_map__set_max_entries(skel->maps.events, static_cast<uint32_t>(ring));
  impl->ring_bytes = ring;

  const std::pair<std::string_view, bpf_program*> open_programs[] = {
      {"open", skel->progs.vigil_exit_open},
      {"openat", skel->progs.vigil_exit_openat},
      {"openat2", skel->progs.vigil_exit_openat2},
      {"creat", skel->progs.vigil_exit_creat},
  };
  std::string missing;
  std::string opens_attached;
  for (const auto& [name, prog] : open_programs) {
    bool present = HasSyscallExitTracepoint(name);
    if (options.opens && !present) missing += " " + std::string(name);
    bpf_program__set_autoload(prog, options.opens && present);
    if (options.opens && present) opens_attached += " " + std::string(name);
  }
  const std::pair<EventType, bpf_program*> syscall_programs[] = {
      {EventType::kUnlink, skel->progs.vigil_exit_unlink},
      {EventType::kUnlinkat, skel->progs.vigil_exit_unlinkat},
      {EventType::kRename, skel->progs.vigil_exit_rename},
      {EventType::kRenameat, skel->progs.vigil_exit_renameat},
      {EventType::kRenameat2, skel->progs.vigil_exit_renameat2},
      {EventType::kMkdir, skel->progs.vigil_exit_mkdir},
      {EventType::kMkdirat, skel->progs.vigil_exit_mkdirat},
      {EventType::kRmdir, skel->progs.vigil_exit_rmdir},
      {EventType::kSymlink, skel->progs.vigil_exit_symlink},
      {EventType::kSymlinkat, skel->progs.vigil_exit_symlinkat},
      {EventType::kLink, skel->progs.vigil_exit_link},
      {EventType::kLinkat, skel->progs.vigil_exit_linkat},
      {EventType::kChmod, skel->progs.vigil_exit_chmod},
      {EventType::kFchmod, skel->progs.vigil_exit_fchmod},
      {EventType::kFchmodat, skel->progs.vigil_exit_fchmodat},
      {EventType::kChown, skel->progs.vigil_exit_chown},
      {EventType::kFchown, skel->progs.vigil_exit_fchown},
      {EventType::kLchown, skel->progs.vigil_exit_lchown},
      {EventType::kFchownat, skel->progs.vigil_exit_fchownat},
      {EventType::kSetuid, skel->progs.vigil_exit_setuid},
      {EventType::kSetgid, skel->progs.vigil_exit_setgid},
      {EventType::kSetresuid, skel->progs.vigil_exit_setresuid},
      {EventType::kSetresgid, skel->progs.vigil_exit_setresgid},
      {EventType::kSetreuid, skel->progs.vigil_exit_setreuid},
      {EventType::kSetregid, skel->progs.vigil_exit_setregid},
      {EventType::kPtrace, skel->progs.vigil_exit_ptrace},
      {EventType::kMount, skel->progs.vigil_exit_mount},
      {EventType::kUmount2, skel->progs.vigil_exit_umount2},
      {EventType::kInitModule, skel->progs.vigil_exit_init_module},
      {EventType::kFinitModule, skel->progs.vigil_exit_finit_module},
      {EventType::kDeleteModule, skel->progs.vigil_exit_delete_module},
      {EventType::kMemfdCreate, skel->progs.vigil_exit_memfd_create},
      {EventType::kDup, skel->progs.vigil_exit_dup},
      {EventType::kDup2, skel->progs.vigil_exit_dup2},
      {EventType::kDup3, skel->progs.vigil_exit_dup3},
      {EventType::kUnshare, skel->progs.vigil_exit_unshare},
      {EventType::kSetns, skel->progs.vigil_exit_setns},
      {EventType::kBpf, skel->progs.vigil_exit_bpf},
      {EventType::kUserfaultfd, skel->progs.vigil_exit_userfaultfd},
      {EventType::kKill, skel->progs.vigil_exit_kill},
      {EventType::kTkill, skel->progs.vigil_exit_tkill},
      {EventType::kTgkill, skel->progs.vigil_exit_tgkill},
      {EventType::kChdir, skel->progs.vigil_exit_chdir},
      {EventType::kFchdir, skel->progs.vigil_exit_fchdir},
      {EventType::kPrctl, skel->progs.vigil_exit_prctl},
      {EventType::kCapset, skel->progs.vigil_exit_capset},
      {EventType::kIoUringSetup, skel->progs.vigil_exit_io_uring_setup},
      {EventType::kSocket, skel->progs.vigil_exit_socket},
      {EventType::kConnect, skel->progs.vigil_exit_connect},
      {EventType::kAccept, skel->progs.vigil_exit_accept},
      {EventType::kAccept4, skel->progs.vigil_exit_accept4},
      {EventType::kBind, skel->progs.vigil_exit_bind},
      {EventType::kListen, skel->progs.vigil_exit_listen},
      {EventType::kSendto, skel->progs.vigil_exit_sendto},
      {EventType::kRecvfrom, skel->progs.vigil_exit_recvfrom},
      {EventType::kSendmsg, skel->progs.vigil_exit_sendmsg},
      {EventType::kRecvmsg, skel->progs.vigil_exit_recvmsg},
  };
  // Failed execs (a successful one is sched_process_exec's): attached wherever they exist.
  const bool has_execveat = HasSyscallExitTracepoint("execveat");
  bpf_program__set_autoload(skel->progs.vigil_exit_execve, HasSyscallExitTracepoint("execve"));
  bpf_program__set_autoload(skel->progs.vigil_exit_execveat, has_execveat);
  // The directory verdict cache stays valid only while every rename and mount is seen.
  const std::pair<std::string_view, bpf_program*> generation_programs[] = {
      {"rename", skel->progs.vigil_gen_rename},       {"renameat", skel->progs.vigil_gen_renameat},
      {"renameat2", skel->progs.vigil_gen_renameat2}, {"mount", skel->progs.vigil_gen_mount},
      {"umount2", skel->progs.vigil_gen_umount},     {"move_mount", skel->progs.vigil_gen_move_mount},
      {"pivot_root", skel->progs.vigil_gen_pivot_root},
  };
  const OpenFilter& filter = options.open_filter;
  const bool gated = !filter.raw_dotdot && filter.gated_dotdot;
  bool dir_cache = options.opens && !filter.pass_all &&
                   (!filter.prefixes.empty() || (gated && (!filter.dotdot_gate_prefixes.empty() ||
                                                           !filter.dotdot_gate_contains.empty())));
  for (const auto& [name, prog] : generation_programs) {
    if (!HasSyscallExitTracepoint(name)) dir_cache = false;
  }
  for (const auto& [name, prog] : generation_programs) bpf_program__set_autoload(prog, dir_cache);
  impl->dir_cache = dir_cache;
  std::string syscalls_attached;
  for (const auto& [type, prog] : syscall_programs) {
    bool wanted = options.syscalls.test(static_cast<std::size_t>(type));
    if (wanted && !HasSyscallExitTracepoint(EventTypeName(type))) {
      missing += " " + std::string(EventTypeName(type));
      wanted = false;
    }
    bpf_program__set_autoload(prog, wanted);
    if (wanted) syscalls_attached += " " + std::string(EventTypeName(type));
  }
  if (!missing.empty()) {
    log::Warning("this kernel has no syscall tracepoint for{}: rules on those events cannot "
                 "alert here", missing);
  }
  if (int err = vigil_bpf__load(skel); err != 0) {
    return Fail("load BPF programs: {} (run as root on a kernel with BPF and BTF; the libbpf "
                "messages above say which program the verifier refused)", ErrnoText(-err));
  }
  if (auto s = LoadOpenFilter(skel, options.open_filter, dir_cache); !s) return Fail(s.error());
  if (int err = vigil_bpf__attach(skel); err != 0) {
    return Fail("attach BPF programs: {}", ErrnoText(-err));
  }
  impl->ring = ring_buffer__new(bpf_map__fd(skel->maps.events), &Impl::OnRecord, impl.get(), nullptr);
  if (!impl->ring) return Fail("open ring buffer: {}", ErrnoText(errno));
  const long page = getpagesize();
  const int ring_fd = bpf_map__fd(skel->maps.events);
  void* cons = mmap(nullptr, page, PROT_READ, MAP_SHARED, ring_fd, 0);
  void* prod = mmap(nullptr, page, PROT_READ, MAP_SHARED, ring_fd, page);
  if (cons != MAP_FAILED) impl->consumer_pos = static_cast<const unsigned long*>(cons);
  if (prod != MAP_FAILED) impl->producer_pos = static_cast<const unsigned long*>(prod);
  impl->reader_mode = options.reader_thread;  // kOn: started by StartThreads or the first Poll
  impl->boot_to_wall = BootToWallOffsetNs();
  impl->attached = "sched_process_exec sched_process_fork sched_process_exit";
  if (!opens_attached.empty()) {
    impl->attached += opens_attached + " (in-kernel filter: " + options.open_filter.Describe() +
                      (impl->dir_cache ? ", directory verdicts cached" : "") + ")";
  }
  impl->attached += syscalls_attached;
  if (!tcp_dropped.empty()) impl->attached += " (on TCP sockets, dropped in the kernel:" + tcp_dropped + ")";
  if (options.container_syscalls) impl->attached += " sys_enter (syscalls per container)";
  impl->hooks = DescribeHooks(ProbeHooks());
  return std::unique_ptr<Sensor>(new Sensor(std::move(impl)));
}

void Sensor::StartThreads() {
  if (impl_->reader_mode == ReaderThread::kOn) impl_->StartReader();
}

Result<int> Sensor::Poll(int timeout_ms, const Handler& handler) {
  int handed = 0;
  if (timeout_ms != 0 && impl_->reader_mode == ReaderThread::kOn && !impl_->queue) {
    impl_->StartReader();
  }
  if (impl_->queue) {
    if (timeout_ms == 0) {
      handed = impl_->StopReader(&handler);  // a drain: the rest is consumed below
    } else {
      // Hand over what the reader thread decoded, a bounded batch so the caller ticks.
      constexpr int kBatch = 8192;
      auto wait = std::chrono::milliseconds(timeout_ms);
      for (Event* e; handed < kBatch && (e = impl_->queue->Front(wait)) != nullptr;
           impl_->queue->Pop()) {
        handler(*e);
        ++handed;
        wait = std::chrono::milliseconds(0);
      }
      return handed;
    }
  }
  impl_->handler = &handler;
  impl_->handled = 0;
  impl_->draining = timeout_ms == 0;
  int n = ring_buffer__poll(impl_->ring, timeout_ms);
  if (n == 0 || n == -EINTR) {
    // The kernel skips wake-ups until 256 KiB wait (see bpf/vigil_core.bpf.h), so a timeout
    // does not mean the ring is empty: drain it.
    n = ring_buffer__consume(impl_->ring);
  }
  impl_->handler = nullptr;
  handed += impl_->handled;
  if (impl_->behind) {
    impl_->behind = false;
    impl_->StartReader();  // it takes over the ring from the next record
    return handed;
  }
  if (n < 0 && n != -EINTR) return Fail("poll ring buffer: {}", ErrnoText(-n));
  return handed;
}

Status Sensor::CheckCountersReadable() const {
  const int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return Fail("count the possible CPUs: {}", ErrnoText(-cpus));
  std::vector<uint64_t> values(static_cast<std::size_t>(cpus));
  const uint32_t key = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(impl_->skel->maps.sent_counts), &key, values.data()) != 0) {
    return Fail("read the kernel's counters: {}", ErrnoText(errno));
  }
  return {};
}

SensorStats Sensor::Stats() const {
  SensorStats stats;
  int sent_fd = bpf_map__fd(impl_->skel->maps.sent_counts);
  int drop_fd = bpf_map__fd(impl_->skel->maps.drop_counts);
  for (uint32_t type = 0; type < VIGIL_EV_MAX; ++type) {
    stats.kernel_sent += SumPerCpu(sent_fd, type);
    uint64_t dropped = SumPerCpu(drop_fd, type, &stats.kernel_dropped_per_cpu);
    stats.kernel_dropped += dropped;
    stats.kernel_dropped_by_kind.emplace_back(kRecordKinds[type], dropped);
  }
  stats.kernel_filtered = SumPerCpu(bpf_map__fd(impl_->skel->maps.open_filtered), 0);
  stats.decoded = impl_->decoded;
  stats.decode_errors = impl_->decode_errors;
  stats.ring_buffer_bytes = impl_->ring_bytes;
  return stats;
}

static_assert(kSyscallBits == VIGIL_SYSCALL_BITS);

std::vector<std::pair<uint64_t, SyscallSet>> Sensor::ContainerSyscalls() const {
  std::vector<std::pair<uint64_t, SyscallSet>> out;
  if (!impl_->container_syscalls) return out;
  const int fd = bpf_map__fd(impl_->skel->maps.container_syscalls);
  uint64_t key = 0;
  uint64_t next = 0;
  const uint64_t* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    vigil_syscall_bitmap bits{};
    if (bpf_map_lookup_elem(fd, &next, &bits) == 0) {
      SyscallSet set;
      for (std::size_t i = 0; i < kSyscallBits; ++i) {
        if ((bits.words[i / 64] >> (i % 64)) & 1) set.set(i);
      }
      out.emplace_back(next, set);
    }
    key = next;
    prev = &key;
  }
  return out;
}

void Sensor::ForgetCgroup(uint64_t cgroup_id) {
  if (!impl_->container_syscalls) return;
  bpf_map_delete_elem(bpf_map__fd(impl_->skel->maps.container_syscalls), &cgroup_id);
}

std::string Sensor::AttachedSummary() const { return impl_->attached; }
std::string Sensor::HooksSummary() const { return impl_->hooks; }

}  // namespace vigil::sensor
