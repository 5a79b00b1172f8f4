#include "baseline/engine.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <map>

#include "common/clock.h"

namespace vigil::baseline {
namespace {

// Profiles kept in memory, saved as the engine hands them over.
class MemoryStore : public ProfileStore {
 public:
  Result<std::vector<ProfileSummary>> List() override { return std::vector<ProfileSummary>{}; }
  Result<std::vector<Profile>> LoadAll() override {
    std::vector<Profile> out;
    for (const auto& [k, p] : profiles) out.push_back(p);
    return out;
  }
  Result<std::optional<Profile>> Load(std::string_view key) override {
    auto it = profiles.find(std::string(key));
    if (it == profiles.end()) return std::optional<Profile>();
    return std::optional<Profile>(it->second);
  }
  Result<std::optional<Profile>> Find(std::string_view image) override { return Load(image); }
  Status Save(const Profile& p) override {
    profiles[p.key] = p;
    ++saves;
    return {};
  }
  Status SaveAll(const std::vector<const Profile*>& ps) override {
    for (const Profile* p : ps) profiles[p->key] = *p;
    ++saves;
    return {};
  }
  Result<bool> Remove(std::string_view key) override {
    return profiles.erase(std::string(key)) > 0;
  }
  std::map<std::string, Profile> profiles;
  int saves = 0;
};

const uint64_t kT0 = WallClockNs();
constexpr uint64_t kSecond = 1'000'000'000ull;

ContainerInfo Container(std::string id = "abcdef012345") {
  ContainerInfo c;
  c.id = std::move(id);
  c.name = "web";
  c.image = "nginx:1.25";
  c.image_repository = "nginx";
  c.image_tag = "1.25";
  return c;
}

Process Proc(uint32_t pid, uint32_t ppid, std::string exe, std::string cid = "abcdef012345") {
  Process p;
  p.pid = pid;
  p.ppid = ppid;
  p.exepath = exe;
  p.exe = exe;
  p.comm = exe.substr(exe.rfind('/') + 1);
  p.cmdline = p.comm;
  p.container_id = std::move(cid);
  p.vpid = pid;
  return p;
}

Event Exec(const Process& p, uint32_t uid = 0) {
  Event e;
  e.type = EventType::kExecve;
  e.pid = p.pid;
  e.uid = uid;
  e.comm = p.comm;
  e.cgroup_id = 77;
  e.ts_ns = kT0;
  return e;
}

Event Open(const Process& p, std::string path, uint32_t flags) {
  Event e;
  e.type = EventType::kOpenat;
  e.pid = p.pid;
  e.comm = p.comm;
  e.cgroup_id = 77;
  e.ret = 3;
  e.open_flags = flags;
  e.path = std::move(path);
  e.ts_ns = kT0;
  return e;
}

Event Connect(const Process& p, uint16_t port) {
  Event e;
  e.type = EventType::kConnect;
  e.pid = p.pid;
  e.comm = p.comm;
  e.ret = 0;
  e.fd_info.kind = Event::FdInfo::Kind::kIpv4;
  e.fd_info.sock_type = 1;
  e.fd_info.remote_addr = {127, 0, 0, 1};
  e.fd_info.remote_port = port;
  e.ts_ns = kT0;
  return e;
}

Event Listen(const Process& p, uint16_t port) {
  Event e = Connect(p, 0);
  e.type = EventType::kListen;
  e.fd_info.local_port = port;
  return e;
}

class BaselineEngineTest : public ::testing::Test {
 protected:
  std::unique_ptr<Engine> Make(RunMode mode,
                               std::chrono::nanoseconds quiet = std::chrono::hours(1)) {
    EngineOptions options;
    options.mode = mode;
    options.quiet_period = quiet;
    options.hostname = "node1";
    auto engine = Engine::Open(&store, options, [this](const Alert& a) { alerts.push_back(a); });
    EXPECT_TRUE(engine.has_value());
    return std::move(*engine);
  }

  // The workload: nginx (the entrypoint) starts sh, which runs cat on a config file, writes a
  // log, connects to 127.0.0.1:5432 and listens on 8080.
  void Workload(Engine& engine, const std::string& child = "/bin/cat") {
    Process shim = Proc(10, 1, "/usr/bin/containerd-shim-runc-v2", "host");
    Process nginx = Proc(100, 10, "/usr/sbin/nginx");
    nginx.vpid = 1;
    Process sh = Proc(101, 100, "/bin/sh");
    Process cat = Proc(102, 101, child);
    engine.Observe(Exec(nginx), nginx, &shim, "root");
    engine.Observe(Exec(sh), sh, &nginx, "root");
    engine.Observe(Exec(cat), cat, &sh, "root");
    engine.Observe(Open(cat, "/etc/nginx/nginx.conf", O_RDONLY), cat, &sh, "");
    engine.Observe(Open(nginx, "/var/log/nginx/access.log", O_WRONLY | O_APPEND), nginx, &shim, "");
    engine.Observe(Connect(nginx, 5432), nginx, &shim, "");
    engine.Observe(Listen(nginx, 8080), nginx, &shim, "");
  }

  // A learning agent sees the workload once and stores the profile.
  void LearnWorkload() {
    auto engine = Make(RunMode::kLearn);
    engine->ContainerKnown(Container());
    Workload(*engine);
    ASSERT_TRUE(engine->Flush().has_value());
  }

  MemoryStore store;
  std::vector<Alert> alerts;
};

TEST_F(BaselineEngineTest, LearnsWhatTheContainerDidOnceItsImageIsKnown) {
  auto engine = Make(RunMode::kLearn);
  Workload(*engine);  // before the metadata: held
  EXPECT_EQ(engine->stats().profiles, 0u);
  engine->ContainerKnown(Container());
  ASSERT_TRUE(engine->Flush().has_value());
  ASSERT_EQ(store.profiles.size(), 1u);
  const Profile& p = store.profiles.begin()->second;
  EXPECT_EQ(p.key, "nginx:1.25");
  EXPECT_EQ(p.mode, Mode::kLearning);
  EXPECT_TRUE(p.processes.contains({"/usr/sbin/nginx", ""}));
  EXPECT_TRUE(p.processes.contains({"/bin/sh", "/usr/sbin/nginx"}));
  EXPECT_TRUE(p.processes.contains({"/bin/cat", "/bin/sh"}));
  EXPECT_TRUE(p.files_read.contains("/etc/nginx/nginx.conf"));
  EXPECT_TRUE(p.files_written.contains("/var/log/nginx/access.log"));
  EXPECT_TRUE(p.outbound.contains({"tcp", "127.0.0.1", 5432}));
  EXPECT_TRUE(p.listening.contains({"tcp", 8080}));
  ASSERT_TRUE(p.users.contains(0));
  EXPECT_EQ(p.users.at(0), "root");
  EXPECT_TRUE(alerts.empty());
}

TEST_F(BaselineEngineTest, TheSameWorkloadInDetectModeRaisesNothing) {
  LearnWorkload();
  auto engine = Make(RunMode::kDetect);
  engine->ContainerKnown(Container("0123456789ab"));
  Process shim = Proc(10, 1, "/usr/bin/containerd-shim-runc-v2", "host");
  Process nginx = Proc(200, 10, "/usr/sbin/nginx", "0123456789ab");
  nginx.vpid = 1;
  Process sh = Proc(201, 200, "/bin/sh", "0123456789ab");
  Process cat = Proc(202, 201, "/bin/cat", "0123456789ab");
  engine->Observe(Exec(nginx), nginx, &shim, "root");
  engine->Observe(Exec(sh), sh, &nginx, "root");
  engine->Observe(Exec(cat), cat, &sh, "root");
  engine->Observe(Open(cat, "/etc/nginx/nginx.conf", O_RDONLY), cat, &sh, "");
  engine->Observe(Connect(nginx, 5432), nginx, &shim, "");
  EXPECT_TRUE(alerts.empty()) << alerts.front().output;
}

TEST_F(BaselineEngineTest, EachNewBehaviourIsOneAlert) {
  LearnWorkload();
  auto engine = Make(RunMode::kDetect);
  engine->ContainerKnown(Container());
  Process sh = Proc(101, 100, "/bin/sh");
  Process nc = Proc(300, 101, "/usr/bin/nc");
  for (int i = 0; i < 3; ++i) {
    engine->Observe(Exec(nc), nc, &sh, "root");
    engine->Observe(Open(nc, "/etc/passwd", O_WRONLY), nc, &sh, "");
    engine->Observe(Connect(nc, 4444), nc, &sh, "");
    engine->Observe(Listen(nc, 9999), nc, &sh, "");
    engine->Observe(Exec(nc, 1000), nc, &sh, "app");
  }
  std::vector<std::string> rules;
  for (const auto& a : alerts) rules.push_back(a.rule);
  EXPECT_EQ(rules, (std::vector<std::string>{
                       "Unexpected process in container", "Unexpected file write in container",
                       "Unexpected outbound connection in container",
                       "Unexpected listening port in container", "Unexpected user in container"}));
  const Alert& first = alerts.front();
  EXPECT_EQ(first.source, "baseline");
  EXPECT_EQ(first.priority, Priority::kWarning);
  EXPECT_EQ(first.hostname, "node1");
  EXPECT_NE(first.output.find("exe=/usr/bin/nc parent=/bin/sh"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("container_id=abcdef012345 container_name=web image=nginx:1.25"),
            std::string::npos)
      << first.output;
  EXPECT_EQ(engine->stats().deviations, 5u);
}

TEST_F(BaselineEngineTest, AutoModePromotesAfterTheQuietPeriodThenDetects) {
  auto engine = Make(RunMode::kAuto, std::chrono::seconds(0));
  engine->ContainerKnown(Container());
  Workload(*engine);
  EXPECT_TRUE(alerts.empty());
  engine->Tick(WallClockNs() + kSecond);
  ASSERT_TRUE(engine->Flush().has_value());
  EXPECT_EQ(store.profiles.begin()->second.mode, Mode::kDetecting);
  Workload(*engine);
  EXPECT_TRUE(alerts.empty());
  Workload(*engine, "/usr/bin/wget");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule, "Unexpected process in container");
}

TEST_F(BaselineEngineTest, AutoModeKeepsLearningWhileThingsAreNew) {
  auto engine = Make(RunMode::kAuto, std::chrono::hours(1));
  engine->ContainerKnown(Container());
  Workload(*engine);
  engine->Tick(WallClockNs() + kSecond);
  EXPECT_EQ(engine->stats().learning, 1u);
  Workload(*engine, "/usr/bin/wget");
  EXPECT_TRUE(alerts.empty());
}

TEST_F(BaselineEngineTest, HealthChecksAndTheRuntimesSetUpStayOut) {
  auto engine = Make(RunMode::kLearn);
  ContainerInfo info = Container();
  info.healthcheck = {"/bin/sh", "-c", "wget -q -O- http://127.0.0.1/"};
  engine->ContainerKnown(info);
  Process runc = Proc(50, 10, "/usr/bin/runc", "host");
  // The health check: entered from outside, not the container's init, its command.
  Process check = Proc(400, 50, "/bin/sh");
  check.vpid = 40;
  check.args = {"-c", "wget -q -O- http://127.0.0.1/"};
  Process wget = Proc(401, 400, "/usr/bin/wget");
  engine->Observe(Exec(check), check, &runc, "root");
  engine->Observe(Exec(wget), wget, &check, "root");
  engine->Observe(Open(wget, "/etc/resolv.conf", O_RDONLY), wget, &check, "");
  // runc's init before it execs the entrypoint.
  Process init = Proc(402, 50, "/usr/bin/runc");
  Event setup = Open(init, "/proc/self/attr/exec", O_WRONLY);
  setup.comm = "runc:[2:INIT]";
  engine->Observe(setup, init, &runc, "");
  // A `docker exec` of something else counts.
  Process shell = Proc(403, 50, "/bin/sh");
  shell.vpid = 41;
  engine->Observe(Exec(shell), shell, &runc, "root");
  ASSERT_TRUE(engine->Flush().has_value());
  const Profile& p = store.profiles.begin()->second;
  EXPECT_EQ(p.processes, (std::set<ProcessEntry>{{"/bin/sh", ""}}));
  EXPECT_TRUE(p.files_read.empty());
  EXPECT_TRUE(p.files_written.empty());
}

TEST_F(BaselineEngineTest, SyscallsFromTheKernelBitmap) {
  auto engine = Make(RunMode::kLearn);
  engine->ContainerKnown(Container());
  Process nginx = Proc(100, 10, "/usr/sbin/nginx");
  engine->Observe(Exec(nginx), nginx, nullptr, "root");  // the cgroup (77) becomes known
  SyscallBits bits;
  bits.set(0);    // read
  bits.set(1);    // write
  bits.set(257);  // openat
  engine->ObserveSyscalls(77, bits);
  engine->ObserveSyscalls(99, bits);  // a cgroup no container event named: ignored
  ASSERT_TRUE(engine->Flush().has_value());
  EXPECT_EQ(store.profiles.begin()->second.syscalls,
            (std::set<std::string>{"read", "write", "openat"}));

  auto detect = Make(RunMode::kDetect);
  detect->ContainerKnown(Container());
  detect->Observe(Exec(nginx), nginx, nullptr, "root");
  bits.set(272);  // unshare
  detect->ObserveSyscalls(77, bits);
  detect->ObserveSyscalls(77, bits);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule, "Unexpected syscall in container");
  EXPECT_NE(alerts[0].output.find("syscall=unshare"), std::string::npos) << alerts[0].output;
}

TEST_F(BaselineEngineTest, HostProcessesAndUnprofiledImagesInDetectModeAreNotChecked) {
  auto engine = Make(RunMode::kDetect);
  engine->ContainerKnown(Container());
  Process host = Proc(5, 1, "/usr/bin/bash", "host");
  engine->Observe(Exec(host), host, nullptr, "root");
  Process nginx = Proc(100, 10, "/usr/sbin/nginx");
  engine->Observe(Exec(nginx), nginx, nullptr, "root");
  EXPECT_TRUE(alerts.empty());
  EXPECT_TRUE(store.profiles.empty());
}

TEST_F(BaselineEngineTest, RemovedContainersAreForgotten) {
  auto engine = Make(RunMode::kLearn);
  engine->ContainerKnown(Container());
  Process nginx = Proc(100, 10, "/usr/sbin/nginx");
  engine->Observe(Exec(nginx), nginx, nullptr, "root");
  EXPECT_EQ(engine->stats().containers, 1u);
  EXPECT_EQ(engine->ContainerRemoved("abcdef012345"), std::vector<uint64_t>{77});
  EXPECT_EQ(engine->stats().containers, 0u);
}

TEST_F(BaselineEngineTest, PendingObservationsAreBounded) {
  auto engine = Make(RunMode::kLearn);
  Process cat = Proc(102, 101, "/bin/cat");
  for (std::size_t i = 0; i < Engine::kMaxPending + 10; ++i) {
    engine->Observe(Open(cat, "/data/f" + std::to_string(i), O_RDONLY), cat, nullptr, "");
  }
  EXPECT_EQ(engine->stats().pending_dropped, 10u);
}

TEST_F(BaselineEngineTest, DeviationsRememberedAreBounded) {
  LearnWorkload();
  auto engine = Make(RunMode::kDetect);
  engine->ContainerKnown(Container());
  Process sh = Proc(101, 100, "/bin/sh");
  for (std::size_t i = 0; i < Engine::kMaxReported + 5; ++i) {
    engine->Observe(
        Open(sh,
             "/srv/data/file-" + std::string(1, 'a' + i % 26) +
                 std::string(1, 'a' + (i / 26) % 26) + std::string(1, 'a' + (i / 676) % 26),
             O_WRONLY),
        sh, nullptr, "");
  }
  const auto stats = engine->stats();
  EXPECT_EQ(stats.deviations + stats.deviations_unreported,
            std::min<uint64_t>(Engine::kMaxReported + 5, 17576));
  EXPECT_LE(stats.deviations, Engine::kMaxReported);
}

}  // namespace
}  // namespace vigil::baseline
