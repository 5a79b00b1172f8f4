#include "baseline/engine.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/core.h>

#include <cerrno>

#include "baseline/paths.h"
#include "baseline/seccomp.h"
#include "common/clock.h"
#include "common/log.h"

namespace vigil::baseline {

namespace {

using Kind = Engine::Behaviour::Kind;

bool IsRuntimeSetup(std::string_view comm) {
  return comm.starts_with("runc:");
}

// A program as profiles name it: the executed file as the kernel resolved it, and the name it
// was run by when that differs (a multi-call binary like busybox, or a symlink:
// "/bin/busybox (as nc)"), so that one binary's applets stay apart.
std::string ProgramName(const Process& p) {
  const std::string& file = p.exepath.empty() ? p.exe : p.exepath;
  std::string_view base = file;
  if (auto slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
  // The kernel's comm keeps 15 characters of the name exec was given.
  if (p.comm.empty() || base.substr(0, 15) == p.comm) return file;
  return file + " (as " + p.comm + ")";
}

std::string ProtoName(uint8_t sock_type) {
  switch (sock_type) {
    case 1:
      return "tcp";
    case 2:
      return "udp";
    case 3:
      return "raw";
    default:
      return "ip";
  }
}

std::string AddressText(const Event::FdInfo& fd) {
  char text[INET6_ADDRSTRLEN] = {};
  const bool v4 = fd.kind == Event::FdInfo::Kind::kIpv4;
  if (!inet_ntop(v4 ? AF_INET : AF_INET6, fd.remote_addr.data(), text, sizeof(text))) return {};
  return text;
}

struct RuleText {
  const char* rule;
  Priority priority;
  const char* what;  // the start of the output
  const char* tag;
};

RuleText TextFor(Kind kind) {
  switch (kind) {
    case Kind::kProcess:
      return {"Unexpected process in container", Priority::kWarning,
              "Process not in the image's baseline started", "process"};
    case Kind::kFileRead:
      return {"Unexpected file read in container", Priority::kNotice,
              "File not in the image's baseline opened for reading", "filesystem"};
    case Kind::kFileWrite:
      return {"Unexpected file write in container", Priority::kWarning,
              "File not in the image's baseline opened for writing", "filesystem"};
    case Kind::kSyscall:
      return {"Unexpected syscall in container", Priority::kWarning,
              "Syscall not in the image's baseline made", "syscall"};
    case Kind::kListen:
      return {"Unexpected listening port in container", Priority::kWarning,
              "Port not in the image's baseline listened on", "network"};
    case Kind::kOutbound:
      return {"Unexpected outbound connection in container", Priority::kWarning,
              "Connection to a peer not in the image's baseline", "network"};
    case Kind::kUser:
      return {"Unexpected user in container", Priority::kWarning,
              "Process running as a user not in the image's baseline", "users"};
  }
  return {"Unexpected behaviour in container", Priority::kWarning, "", "baseline"};
}

std::string ReportKey(const Engine::Behaviour& b) {
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", static_cast<int>(b.kind), b.text, b.detail,
                     b.port, b.uid);
}

}  // namespace

bool ParseRunMode(std::string_view text, RunMode* out) {
  if (text == "learn") {
    *out = RunMode::kLearn;
  } else if (text == "detect") {
    *out = RunMode::kDetect;
  } else if (text == "auto") {
    *out = RunMode::kAuto;
  } else {
    return false;
  }
  return true;
}

std::string_view RunModeName(RunMode mode) {
  switch (mode) {
    case RunMode::kLearn:
      return "learn";
    case RunMode::kDetect:
      return "detect";
    case RunMode::kAuto:
      return "auto";
  }
  return "auto";
}

Engine::Engine(ProfileStore* store, EngineOptions options, AlertHandler on_alert)
    : store_(store), options_(std::move(options)), on_alert_(std::move(on_alert)) {}

Result<std::unique_ptr<Engine>> Engine::Open(ProfileStore* store, EngineOptions options,
                                             AlertHandler on_alert) {
  auto profiles = store->LoadAll();
  if (!profiles) return Fail(profiles.error());
  std::unique_ptr<Engine> engine(new Engine(store, std::move(options), std::move(on_alert)));
  for (auto& p : *profiles) {
    std::string key = p.key;
    engine->profiles_.emplace(std::move(key), std::move(p));
  }
  engine->next_flush_ns_ = WallClockNs() + engine->options_.flush_interval.count();
  engine->started_ns_ = WallClockNs();
  return engine;
}

bool Engine::IsHealthCheck(const ContainerState& c, const Process& process, const Process* parent) {
  if (c.health_check_roots.contains(process.pid)) return true;
  if (parent && parent->container_id == process.container_id &&
      c.health_check_roots.contains(parent->pid)) {
    return true;
  }
  return false;
}

void Engine::Observe(const Event& event, const Process& process, const Process* parent,
                     std::string_view user_name) {
  const std::string& cid = process.container_id;
  if (cid.empty() || cid == kHostContainerId || IsRuntimeSetup(event.comm)) return;
  if (event.cgroup_id != 0) cgroups_.try_emplace(event.cgroup_id, cid);
  ContainerState& c = containers_[cid];
  if (c.container_id.empty()) c.container_id = cid;
  const bool same_container_parent = parent && parent->container_id == cid;

  Behaviour b;
  b.pid = process.pid;
  b.comm = process.comm;
  b.cmdline = process.cmdline;
  b.ts_ns = event.ts_ns;
  if (IsProcessImage(event.type)) {
    if (event.ret < 0) return;  // a failed exec ran nothing
    // A process entering the container from outside (not its init) running the container's
    // health check: it and what it starts stay out.
    if (!same_container_parent && process.vpid != 1 && !c.info.healthcheck.empty()) {
      std::vector<std::string> argv{process.exe};
      argv.insert(argv.end(), process.args.begin(), process.args.end());
      if (argv == c.info.healthcheck) c.health_check_roots.insert(process.pid);
    }
    if (IsHealthCheck(c, process, parent)) {
      if (same_container_parent) c.health_check_roots.insert(process.pid);
      return;
    }
    b.kind = Kind::kProcess;
    b.text = ProgramName(process);
    if (same_container_parent) b.detail = ProgramName(*parent);
    Behaviour user = b;
    Apply(c, std::move(b));
    user.kind = Kind::kUser;
    user.text.clear();
    user.uid = event.uid;
    user.detail = user_name;
    Apply(c, std::move(user));
    return;
  }
  if (IsHealthCheck(c, process, parent)) return;
  if (IsOpenFamily(event.type)) {
    if (event.ret < 0 || event.path.empty() || event.path.front() != '/') return;
    const bool write =
        (event.open_flags & O_ACCMODE) != O_RDONLY || (event.open_flags & (O_CREAT | O_TRUNC)) != 0;
    b.kind = write ? Kind::kFileWrite : Kind::kFileRead;
    b.path = event.path;
    b.text = GeneralisePath(event.path);
    Apply(c, std::move(b));
    return;
  }
  const auto& fd = event.fd_info;
  const bool inet = fd.kind == Event::FdInfo::Kind::kIpv4 || fd.kind == Event::FdInfo::Kind::kIpv6;
  if (event.type == EventType::kConnect && inet && (event.ret == 0 || event.ret == -EINPROGRESS)) {
    b.kind = Kind::kOutbound;
    b.detail = ProtoName(fd.sock_type);
    b.text = AddressText(fd);
    b.port = fd.remote_port;
    if (!b.text.empty()) Apply(c, std::move(b));
  } else if (event.type == EventType::kListen && inet && event.ret == 0) {
    b.kind = Kind::kListen;
    b.detail = ProtoName(fd.sock_type);
    b.port = fd.local_port;
    Apply(c, std::move(b));
  }
}

void Engine::ContainerKnown(const ContainerInfo& container) {
  if (container.id.empty() || container.id == kHostContainerId) return;
  ContainerState& c = containers_[container.id];
  c.container_id = container.id;
  c.info = container;
  c.key = ProfileKeyFor(container, options_.key_by, options_.key_label);
  std::vector<Behaviour> pending;
  pending.swap(c.pending);
  for (auto& b : pending) Apply(c, std::move(b));
}

std::vector<uint64_t> Engine::ContainerRemoved(const std::string& container_id) {
  containers_.erase(container_id);
  std::vector<uint64_t> cgroups;
  std::erase_if(cgroups_, [&](const auto& e) {
    if (e.second != container_id) return false;
    cgroups.push_back(e.first);
    return true;
  });
  return cgroups;
}

void Engine::ObserveSyscalls(uint64_t cgroup_id, const SyscallBits& syscalls) {
  auto it = cgroups_.find(cgroup_id);
  if (it == cgroups_.end()) return;  // not (yet) known as a container's: read again later
  auto c = containers_.find(it->second);
  if (c == containers_.end()) return;
  SyscallBits added = syscalls & ~c->second.syscalls_seen;
  if (added.none()) return;
  c->second.syscalls_seen |= syscalls;
  const uint64_t now = WallClockNs();
  for (std::size_t nr = 0; nr < added.size(); ++nr) {
    if (!added.test(nr)) continue;
    Behaviour b;
    b.kind = Kind::kSyscall;
    b.text = SyscallName(static_cast<int>(nr)).value_or(fmt::format("syscall_{}", nr));
    b.ts_ns = now;
    Apply(c->second, std::move(b));
  }
}

bool Engine::Learning(const Profile& p) const {
  switch (options_.mode) {
    case RunMode::kLearn:
      return true;
    case RunMode::kDetect:
      return false;
    case RunMode::kAuto:
      return p.mode == Mode::kLearning;
  }
  return false;
}

Profile* Engine::ProfileFor(const ContainerState& c, uint64_t now_ns) {
  auto it = profiles_.find(c.key);
  if (it != profiles_.end()) return &it->second;
  if (options_.mode == RunMode::kDetect) {
    if (unprofiled_.insert(c.key).second) {
      log::Warning("baseline: no profile for {} (container {}): not checked in detect mode", c.key,
                   c.container_id);
    }
    return nullptr;
  }
  Profile p;
  p.key = c.key;
  p.image = ImageDisplayName(c.info);
  p.mode = Mode::kLearning;
  p.created_ns = p.changed_ns = p.seen_ns = now_ns;
  log::Info("baseline: learning {} (container {})", p.key, c.container_id);
  dirty_.insert(c.key);
  return &profiles_.emplace(c.key, std::move(p)).first->second;
}

void Engine::Apply(ContainerState& c, Behaviour&& b) {
  if (c.key.empty()) {
    if (c.pending.size() < kMaxPending) {
      c.pending.push_back(std::move(b));
    } else {
      ++stats_.pending_dropped;
    }
    return;
  }
  Profile* p = ProfileFor(c, b.ts_ns ? b.ts_ns : WallClockNs());
  if (!p) return;
  p->seen_ns = std::max(p->seen_ns, b.ts_ns);
  if (Learning(*p)) {
    if (Add(*p, b)) {
      p->changed_ns = std::max(p->changed_ns, b.ts_ns ? b.ts_ns : WallClockNs());
      dirty_.insert(p->key);
      ++stats_.learned;
    }
    return;
  }
  if (Covered(*p, b)) return;
  std::set<std::string>& reported = reported_[p->key];
  std::string key = ReportKey(b);
  if (reported.size() >= kMaxReported && !reported.contains(key)) {
    if (stats_.deviations_unreported++ == 0) {
      log::Warning(
          "baseline: {} has {} distinct deviations; further new ones are counted, not "
          "alerted",
          p->key, kMaxReported);
    }
    return;
  }
  if (!reported.insert(std::move(key)).second) return;
  ++stats_.deviations;
  Raise(c, *p, b);
}

bool Engine::Add(Profile& p, const Behaviour& b) {
  switch (b.kind) {
    case Kind::kProcess:
      return p.processes.insert({b.text, b.detail}).second;
    case Kind::kFileRead:
      if (PatternsCover(p.files_written, b.text)) return false;
      return AddPattern(p.files_read, b.text, options_.fold_after);
    case Kind::kFileWrite:
      return AddPattern(p.files_written, b.text, options_.fold_after);
    case Kind::kSyscall:
      return p.syscalls.insert(b.text).second;
    case Kind::kListen:
      return p.listening.insert({b.detail, b.port}).second;
    case Kind::kOutbound:
      return p.outbound.insert({b.detail, b.text, b.port}).second;
    case Kind::kUser: {
      auto [it, added] = p.users.emplace(b.uid, b.detail);
      if (!added && it->second.empty() && !b.detail.empty()) it->second = b.detail;
      return added;
    }
  }
  return false;
}

bool Engine::Covered(const Profile& p, const Behaviour& b) const {
  switch (b.kind) {
    case Kind::kProcess:
      return p.processes.contains({b.text, b.detail});
    case Kind::kFileRead:
      return PatternsCover(p.files_read, b.text) || PatternsCover(p.files_written, b.text);
    case Kind::kFileWrite:
      return PatternsCover(p.files_written, b.text);
    case Kind::kSyscall:
      return p.syscalls.contains(b.text);
    case Kind::kListen:
      return p.listening.contains({b.detail, b.port});
    case Kind::kOutbound:
      return p.outbound.contains({b.detail, b.text, b.port});
    case Kind::kUser:
      return p.users.contains(b.uid);
  }
  return true;
}

void Engine::Raise(const ContainerState& c, const Profile& p, const Behaviour& b) {
  const RuleText text = TextFor(b.kind);
  const ContainerInfo& info = c.info;
  std::string what;
  auto& fields = alert_.output_fields;
  fields.clear();
  switch (b.kind) {
    case Kind::kProcess:
      what = fmt::format("exe={} parent={}", b.text, b.detail.empty() ? "<outside>" : b.detail);
      fields.emplace_back("proc.exepath", b.text);
      fields.emplace_back("proc.pexepath", b.detail.empty() ? FieldJsonValue{} : b.detail);
      break;
    case Kind::kFileRead:
    case Kind::kFileWrite:
      what = fmt::format("file={} pattern={}", b.path, b.text);
      fields.emplace_back("fd.name", b.path);
      fields.emplace_back("baseline.pattern", b.text);
      break;
    case Kind::kSyscall:
      what = fmt::format("syscall={}", b.text);
      fields.emplace_back("syscall.type", b.text);
      break;
    case Kind::kListen:
      what = fmt::format("port={}/{}", b.detail, b.port);
      fields.emplace_back("fd.l4proto", b.detail);
      fields.emplace_back("fd.sport", uint64_t{b.port});
      break;
    case Kind::kOutbound:
      what = fmt::format("connection={}/{}:{}", b.detail, b.text, b.port);
      fields.emplace_back("fd.l4proto", b.detail);
      fields.emplace_back("fd.sip", b.text);
      fields.emplace_back("fd.sport", uint64_t{b.port});
      break;
    case Kind::kUser:
      what = fmt::format("uid={} user={}", b.uid, b.detail.empty() ? "<NA>" : b.detail);
      fields.emplace_back("user.uid", uint64_t{b.uid});
      fields.emplace_back("user.name", b.detail.empty() ? FieldJsonValue{} : b.detail);
      break;
  }
  auto or_null = [](const std::string& s) {
    return s.empty() ? FieldJsonValue{} : FieldJsonValue{s};
  };
  const bool by_process = b.kind != Kind::kSyscall;
  if (by_process) {
    fields.emplace_back("proc.pid", uint64_t{b.pid});
    fields.emplace_back("proc.name", or_null(b.comm));
    fields.emplace_back("proc.cmdline", or_null(b.cmdline));
  }
  fields.emplace_back("baseline.image", p.image);
  fields.emplace_back("baseline.key", p.key);
  fields.emplace_back("container.id", c.container_id);
  fields.emplace_back("container.name", or_null(info.name));
  fields.emplace_back("container.image.repository", or_null(info.image_repository));
  fields.emplace_back("container.image.tag", or_null(info.image_tag));
  alert_.time_ns = b.ts_ns ? b.ts_ns : WallClockNs();
  alert_.rule = text.rule;
  alert_.priority = text.priority;
  alert_.source = "baseline";
  alert_.tags = {"baseline", "container", text.tag};
  alert_.hostname = options_.hostname;
  alert_.output =
      fmt::format("{} ({}{} container_id={} container_name={} image={})", text.what, what,
                  by_process ? fmt::format(" command={} pid={}", b.cmdline, b.pid) : std::string(),
                  c.container_id, info.name.empty() ? "<NA>" : info.name, p.image);
  if (on_alert_) on_alert_(alert_);
}

void Engine::Tick(uint64_t now_ns) {
  if (options_.mode == RunMode::kAuto) {
    const uint64_t quiet = static_cast<uint64_t>(options_.quiet_period.count());
    for (auto& [key, p] : profiles_) {
      if (p.mode != Mode::kLearning) continue;
      // Quiet counts from the last change, and from this agent's start: a profile loaded
      // after a long pause must still be watched for a whole quiet period first.
      const uint64_t since = std::max(p.changed_ns, started_ns_);
      if (now_ns < since || now_ns - since < quiet) continue;
      p.mode = Mode::kDetecting;
      dirty_.insert(key);
      log::Info("baseline: {} now in detect mode: nothing new for {} s ({} items learned)", key,
                (now_ns - since) / 1'000'000'000ull, p.Size());
    }
  }
  if (now_ns >= next_flush_ns_) {
    next_flush_ns_ = now_ns + static_cast<uint64_t>(options_.flush_interval.count());
    if (auto s = Flush(); !s) log::Error("baseline: {}", s.error().message);
  }
}

Status Engine::Flush() {
  if (dirty_.empty()) return {};
  std::vector<const Profile*> changed;
  for (const auto& key : dirty_) {
    if (auto it = profiles_.find(key); it != profiles_.end()) changed.push_back(&it->second);
  }
  if (auto s = store_->SaveAll(changed); !s) {
    ++stats_.store_errors;
    return Fail("save profiles: {}", s.error().message);
  }
  dirty_.clear();
  return {};
}

Engine::Stats Engine::stats() const {
  Stats s = stats_;
  s.profiles = profiles_.size();
  for (const auto& [key, p] : profiles_) s.learning += p.mode == Mode::kLearning ? 1 : 0;
  s.containers = containers_.size();
  return s;
}

}  // namespace vigil::baseline
