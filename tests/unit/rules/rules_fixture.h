// Shared by the rules tests: loads rules from text and evaluates synthetic events against them
// with real state tables — no kernel needed.
#pragma once

#include <fcntl.h>

#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rules/loader.h"
#include "rules/ruleset.h"

namespace vigil::rules::testing_support {

inline const std::string kContainerFullId =
    "e8904b80c959aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

struct Matched {
  std::string rule;
  std::string output;
  std::vector<std::pair<std::string, FieldJsonValue>> fields;
};

// A process to start in the harness: exec'd as `comm` with `args`.
struct ProcSpec {
  uint32_t pid = 0;
  uint32_t ppid = 100;  // the container's shell by default
  std::string comm;
  std::vector<std::string> args;
  std::string exe_path;  // default /usr/bin/<comm>
  std::string cwd = "/";
  bool in_container = true;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t loginuid = kNoLoginUid;
  uint32_t sid = 0;            // session id; 0: unknown
  uint64_t exe_mtime_ns = 0;   // the executed file's times; 0: unknown
  uint64_t exe_ctime_ns = 0;
  uint32_t tty = 0;
  uint32_t vpid = 0;
  bool upper_layer = false;
  bool memfd = false;
  uint64_t caps = 0xa80425fb;  // Docker's default set
  std::vector<std::string> env;
};

class RulesHarness {
 public:
  RulesHarness() : users_(false), ctx_(&processes_, &containers_, &users_) {
    ContainerInfo c;
    c.id = kContainerFullId.substr(0, 12);
    c.full_id = kContainerFullId;
    c.name = "web";
    c.image = "alpine:3.20";
    c.image_repository = "alpine";
    c.image_tag = "3.20";
    c.labels = {{"app", "shop"}};
    containers_.Put(c);
    users_.Add({c.id, 0, "root"});
    users_.Add({"host", 1000, "alice"});
  }

  UserDb& users() { return users_; }
  void set_domain_names(const DomainNames* names) { ctx_.set_domain_names(names); }
  ContainerInfo& container() { return *const_cast<ContainerInfo*>(containers_.Find(kContainerFullId.substr(0, 12))); }

  // Loads files; fails the test with every diagnostic if they do not load.
  bool LoadFiles(const std::vector<std::string>& paths) {
    RuleLoader loader;
    for (const auto& p : paths) loader.AddFile(p);
    set_ = loader.Build();
    diagnostics_.clear();
    std::string errors;
    for (const auto& d : loader.diagnostics()) {
      diagnostics_.push_back(FormatDiagnostic(d));
      if (d.severity == Diagnostic::Severity::kError) errors += diagnostics_.back() + "\n";
    }
    if (!set_) ADD_FAILURE() << "rules failed to load:\n" << errors;
    return set_ != nullptr;
  }

  // Execs a process (its parent must exist, or be 0) and returns what the exec matched.
  std::vector<Matched> Exec(const ProcSpec& spec) {
    if (!processes_.Find(1)) Spawn(0, "", {}, true);  // the default chain, no extra process
    Event e;
    e.type = EventType::kExecve;
    e.pid = e.tid = spec.pid;
    e.ppid = spec.ppid;
    e.uid = spec.uid;
    e.gid = spec.gid;
    e.loginuid = spec.loginuid;
    e.sid = spec.sid;
    e.exe_mtime_ns = spec.exe_mtime_ns;
    e.exe_ctime_ns = spec.exe_ctime_ns;
    e.comm = spec.comm;
    e.args = spec.args.empty() ? std::vector<std::string>{spec.comm} : spec.args;
    e.exe_path = spec.exe_path.empty() ? "/usr/bin/" + spec.comm : spec.exe_path;
    e.exe_filename = e.exe_path;
    e.cwd = spec.cwd;
    e.tty = spec.tty;
    e.vpid = spec.vpid;
    e.exe_facts_known = true;
    e.exe_upper_layer = spec.upper_layer;
    e.exe_from_memfd = spec.memfd;
    e.caps_known = true;
    e.cap_effective = e.cap_permitted = spec.caps;
    e.env = spec.env;
    e.cgroup_path = spec.in_container ? "/docker/" + kContainerFullId : "";
    e.cgroup_id = spec.in_container ? 7 : 1;
    e.ts_ns = 1'700'000'000'000'000'000ull;
    return Evaluate(e);
  }

  // An execve (or execveat) by `pid` that failed with `ret` (-errno): the image stays as it was.
  std::vector<Matched> FailedExec(uint32_t pid, const std::string& filename, int64_t ret,
                                  EventType type = EventType::kExecve) {
    Event e;
    e.type = type;
    e.pid = e.tid = pid;
    const Process* p = processes_.Find(pid);
    e.ppid = p ? p->ppid : 0;
    e.cgroup_id = p ? p->cgroup_id : 1;
    e.ret = ret;
    e.exe_filename = filename;
    e.syscall_strings[0] = filename;
    e.syscall_string_arg[0] = type == EventType::kExecveat ? 1 : 0;
    e.ts_ns = 1'700'000'000'000'000'000ull;
    return Evaluate(e);
  }

  // Loads rules from text; fails the test with every diagnostic if they do not load.
  bool Load(const std::string& text, bool expect_ok = true) {
    RuleLoader loader;
    loader.AddText("test.yaml", text);
    set_ = loader.Build();
    diagnostics_.clear();
    for (const auto& d : loader.diagnostics()) diagnostics_.push_back(FormatDiagnostic(d));
    if (expect_ok && !set_) {
      std::string all;
      for (const auto& d : diagnostics_) all += d + "\n";
      ADD_FAILURE() << "rules failed to load:\n" << all;
    }
    return set_ != nullptr;
  }
  bool LoadDefault() { return Load(std::string(DefaultRulesText())); }

  // Builds a process chain: init(1) -> containerd-shim(50) -> sh(100) -> <comm>(pid).
  void Spawn(uint32_t pid, const std::string& comm, std::vector<std::string> args,
             bool in_container = true, uint32_t uid = 0) {
    if (!processes_.Find(1)) {
      Exec(1, 0, "systemd", {"/sbin/init"}, false, 0);
      Exec(50, 1, "containerd-shim", {"containerd-shim"}, false, 0);
      Exec(100, 50, "sh", {"sh", "-c", "x"}, in_container, 0);
    }
    if (pid != 0) Exec(pid, 100, comm, std::move(args), in_container, uid);
  }

  std::vector<Matched> Open(uint32_t pid, const std::string& path, int flags, int64_t ret = 3,
                            uint32_t file_mode = 0100644, uint32_t open_mode = 0644) {
    Event e;
    e.type = EventType::kOpenat;
    e.pid = e.tid = pid;
    e.ppid = processes_.Find(pid) ? processes_.Find(pid)->ppid : 1;
    e.uid = processes_.Find(pid) ? processes_.Find(pid)->uid : 0;
    e.cgroup_id = processes_.Find(pid) ? processes_.Find(pid)->cgroup_id : 0;
    e.comm = processes_.Find(pid) ? processes_.Find(pid)->comm : "";
    e.ts_ns = 1'700'000'000'000'000'000ull;
    e.open_flags = static_cast<uint32_t>(flags);
    e.open_mode = open_mode;
    e.dirfd = AT_FDCWD;
    e.ret = ret;
    e.path_raw = path;
    if (ret >= 0) {
      e.path = path;
      e.file_mode = file_mode;
    }
    return Evaluate(e);
  }

  // A syscall of `pid` about the descriptor `fd` (network calls, dup): as the sensor decodes it.
  std::vector<Matched> FdCall(uint32_t pid, EventType type, const Event::FdInfo& fd,
                              int64_t ret = 0, std::array<uint64_t, 6> args = {},
                              std::string unix_path = "", std::string buffer = "") {
    Event e;
    e.type = type;
    e.pid = e.tid = pid;
    const Process* p = processes_.Find(pid);
    e.ppid = p ? p->ppid : 1;
    e.uid = p ? p->uid : 0;
    e.cgroup_id = p ? p->cgroup_id : 0;
    e.comm = p ? p->comm : "";
    e.ts_ns = 1'700'000'000'000'000'000ull;
    e.ret = ret;
    e.syscall_args = args;
    e.fd_info = fd;
    e.buffer = std::move(buffer);
    if (!unix_path.empty()) {
      e.syscall_strings[0] = std::move(unix_path);
      e.syscall_string_arg[0] = 1;
    }
    return Evaluate(e);
  }

  // An open whose raw (asked-for) path differs from the resolved one.
  std::vector<Matched> OpenRaw(uint32_t pid, const std::string& raw, const std::string& resolved,
                               int flags) {
    Event e;
    e.type = EventType::kOpenat;
    e.pid = e.tid = pid;
    const Process* p = processes_.Find(pid);
    e.ppid = p ? p->ppid : 1;
    e.uid = p ? p->uid : 0;
    e.cgroup_id = p ? p->cgroup_id : 0;
    e.comm = p ? p->comm : "";
    e.ts_ns = 1'700'000'000'000'000'000ull;
    e.open_flags = static_cast<uint32_t>(flags);
    e.dirfd = AT_FDCWD;
    e.ret = 3;
    e.path_raw = raw;
    e.path = resolved;
    e.file_mode = 0100644;
    return Evaluate(e);
  }

  std::vector<Matched> Evaluate(Event& e) {
    e.num = ++events_;  // as the pipeline numbers them: never 0
    const Process* p = processes_.Apply(e);
    std::vector<Matched> out;
    if (!set_) return out;
    ctx_.Begin(&e, p);
    set_->Match(ctx_, e.type, [&](const Rule& rule) {
      Matched m;
      m.rule = rule.name;
      rule.output.Render(ctx_, m.output, m.fields);
      out.push_back(std::move(m));
    });
    return out;
  }

  const std::vector<std::string>& diagnostics() const { return diagnostics_; }
  RuleSet* set() { return set_.get(); }

 private:
  void Exec(uint32_t pid, uint32_t ppid, const std::string& comm, std::vector<std::string> args,
            bool in_container, uint32_t uid) {
    Event e;
    e.type = EventType::kExecve;
    e.pid = e.tid = pid;
    e.ppid = ppid;
    e.uid = uid;
    e.comm = comm;
    e.args = std::move(args);
    e.exe_path = "/bin/" + comm;
    e.cwd = "/";
    e.cgroup_path = in_container ? "/docker/" + kContainerFullId : "";
    e.cgroup_id = in_container ? 7 : 1;
    Evaluate(e);
  }

  uint64_t events_ = 0;
  ProcessTable processes_;
  ContainerTable containers_;
  UserDb users_;
  EvalContext ctx_;
  std::unique_ptr<RuleSet> set_;
  std::vector<std::string> diagnostics_;
};

}  // namespace vigil::rules::testing_support
