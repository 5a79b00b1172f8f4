#include "output/outputs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "output/queued_output.h"
#include "output/writers.h"

namespace vigil::output {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;
using testing::StartsWith;

Alert Sample(const std::string& output = "something happened", Priority p = Priority::kWarning) {
  Alert a;
  a.time_ns = 1'764'200'809'123'456'789ull;
  a.rule = "Test rule";
  a.priority = p;
  a.output = output;
  a.source = "syscall";
  a.hostname = "node1";
  return a;
}

std::string Temp(const std::string& name) {
  std::string path = testing::TempDir() + name + "." + std::to_string(getpid());
  std::remove(path.c_str());
  return path;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Recorder : public Deliverer {
 public:
  Status Deliver(const Alert&, const std::string& line) override {
    if (delay.count()) std::this_thread::sleep_for(delay);
    if (fail) return Fail("broken");
    std::lock_guard lock(mutex);
    lines.push_back(line);
    return {};
  }
  std::chrono::milliseconds delay{0};
  bool fail = false;
  std::mutex mutex;
  std::vector<std::string> lines;
};

TEST(QueuedOutput, DeliversInOrderOffTheCallersThread) {
  auto recorder = std::make_unique<Recorder>();
  Recorder* r = recorder.get();
  r->delay = 20ms;
  QueuedOutput out("test", std::move(recorder), LineFormat{}, 100);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) out.Enqueue(Sample(std::to_string(i)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20ms) << "a slow output blocked the caller";
  out.Close(5s);
  ASSERT_EQ(r->lines.size(), 10u);
  EXPECT_THAT(r->lines[0], HasSubstr(": Warning 0"));
  EXPECT_THAT(r->lines[9], HasSubstr(": Warning 9"));
  EXPECT_EQ(out.Stats().delivered, 10u);
  EXPECT_EQ(out.Stats().dropped, 0u);
}

TEST(QueuedOutput, AFullQueueAndFailuresAreCountedAsDropped) {
  auto recorder = std::make_unique<Recorder>();
  Recorder* r = recorder.get();
  r->delay = 50ms;
  QueuedOutput out("test", std::move(recorder), LineFormat{}, 2);
  for (int i = 0; i < 10; ++i) out.Enqueue(Sample());
  out.Close(0ms);
  const auto stats = out.Stats();
  EXPECT_EQ(stats.delivered + stats.dropped, 10u);
  EXPECT_GE(stats.dropped, 7u);
  out.Enqueue(Sample());
  EXPECT_EQ(out.Stats().dropped, stats.dropped + 1) << "after close: counted, not lost";

  auto failing = std::make_unique<Recorder>();
  failing->fail = true;
  QueuedOutput broken("broken", std::move(failing), LineFormat{}, 10);
  for (int i = 0; i < 3; ++i) broken.Enqueue(Sample());
  broken.Close(5s);
  EXPECT_EQ(broken.Stats().dropped, 3u);
  EXPECT_EQ(broken.Stats().failed_attempts, 3u);
}

TEST(Writers, FileAppendsAndReopensAfterRename) {
  const std::string path = Temp("vigil_file_output");
  for (bool keep_alive : {true, false}) {
    auto writer = MakeFileWriter(path, keep_alive, /*buffered=*/false);
    ASSERT_TRUE(writer->Deliver(Sample(), "one"));
    ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
    ASSERT_TRUE(writer->Deliver(Sample(), "two"));
    writer->Reopen();
    ASSERT_TRUE(writer->Deliver(Sample(), "three"));
    writer->Close();
    if (keep_alive) {
      EXPECT_EQ(Read(path + ".1"), "one\ntwo\n") << "the open file follows the rename";
      EXPECT_EQ(Read(path), "three\n");
    } else {
      EXPECT_EQ(Read(path + ".1"), "one\n");
      EXPECT_EQ(Read(path), "two\nthree\n");
    }
    std::remove(path.c_str());
    std::remove((path + ".1").c_str());
  }
  auto unwritable = MakeFileWriter("/nonexistent/dir/file", false, false);
  auto status = unwritable->Deliver(Sample(), "x");
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("open /nonexistent/dir/file"));
}

TEST(Writers, SyslogDatagramToALocalSocket) {
  const std::string path = Temp("vigil_syslog_sock");
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  auto writer = MakeSyslogWriter(path);
  ASSERT_TRUE(writer->Deliver(Sample("x", Priority::kCritical), "the line"));
  char buffer[512] = {};
  const ssize_t n = recv(fd, buffer, sizeof(buffer) - 1, 0);
  ASSERT_GT(n, 0);
  const std::string message(buffer, static_cast<std::size_t>(n));
  EXPECT_THAT(message, StartsWith("<10>"));  // user.crit
  EXPECT_THAT(message, testing::EndsWith(" vigil[" + std::to_string(getpid()) + "]: the line"));
  close(fd);
  std::remove(path.c_str());
  EXPECT_FALSE(writer->Deliver(Sample(), "nobody listens"));
}

TEST(Writers, SyslogSeverityFollowsThePriority) {
  EXPECT_THAT(SyslogMessage(Sample("x", Priority::kEmergency), "l", 0, 1), StartsWith("<8>"));
  EXPECT_THAT(SyslogMessage(Sample("x", Priority::kDebug), "l", 0, 1), StartsWith("<15>"));
  EXPECT_THAT(SyslogMessage(Sample("x", Priority::kNotice), "l", 0, 1),
              testing::MatchesRegex("<13>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} vigil\\[1\\]: l"));
}

TEST(Writers, ProgramGetsEachLineOnItsStdin) {
  const std::string path = Temp("vigil_program_output");
  for (bool keep_alive : {true, false}) {
    auto writer = MakeProgramWriter("cat >> " + path, keep_alive);
    ASSERT_TRUE(writer->Deliver(Sample(), "a"));
    ASSERT_TRUE(writer->Deliver(Sample(), "b"));
    writer->Close();
    EXPECT_EQ(Read(path), "a\nb\n") << keep_alive;
    std::remove(path.c_str());
  }
  // A program that exits at once: the next alert starts it again (keep_alive), not a crash.
  auto quitter = MakeProgramWriter("head -n1 >> " + path, true);
  for (const char* line : {"1", "2", "3"}) {
    (void)quitter->Deliver(Sample(), line);
    std::this_thread::sleep_for(50ms);
  }
  quitter->Close();
  EXPECT_THAT(Read(path), HasSubstr("1\n"));
  std::remove(path.c_str());
}

TEST(Writers, AProgramThatStopsReadingIsGivenUpNotWaitedForForever) {
  auto stuck = MakeProgramWriter("sleep 60", /*keep_alive=*/true, /*timeout_ms=*/100);
  const std::string big(256 * 1024, 'x');  // more than a pipe holds
  const auto start = std::chrono::steady_clock::now();
  auto status = stuck->Deliver(Sample(), big);
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("not read within 100 ms"));
  stuck->Close();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(Outputs, FanOutToEveryEnabledOutputAndKeepUnchangedOnReload) {
  const std::string a = Temp("vigil_outputs_a");
  const std::string b = Temp("vigil_outputs_b");
  config::Config c;
  c.stdout_enabled = false;
  c.file.enabled = true;
  c.file.filename = a;
  c.json_output = true;
  Outputs outputs;
  outputs.Configure(c);
  outputs.Emit(Sample("first"));
  std::this_thread::sleep_for(100ms);
  outputs.Configure(c);  // unchanged: the same output
  outputs.Emit(Sample("second"));
  c.file.filename = b;
  outputs.Configure(c);  // changed: the old one delivers what it has, the new one takes over
  outputs.Emit(Sample("third"));
  outputs.Close(5s);
  EXPECT_THAT(Read(a), HasSubstr("\"output\":\"first\""));
  EXPECT_THAT(Read(a), HasSubstr("\"output\":\"second\""));
  EXPECT_THAT(Read(b), HasSubstr("\"output\":\"third\""));
  EXPECT_TRUE(outputs.Check(0, true).empty());
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST(Outputs, DropsRaiseAnInternalAlertAndTheGateCarriesCounts) {
  config::Config c;
  c.stdout_enabled = false;
  c.file.enabled = true;
  c.file.filename = "/nonexistent/dir/alerts";
  c.dedup_window_s = 60;
  Outputs outputs;
  outputs.Configure(c);
  for (int i = 0; i < 3; ++i) outputs.Emit(Sample("same"));
  Alert internal = Sample("internal");
  internal.source = "internal";
  outputs.Emit(internal);
  outputs.Emit(internal);  // internal alerts pass the gate
  std::this_thread::sleep_for(200ms);
  auto alerts = outputs.Check(1, /*final=*/true);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].rule, "vigil internal: alerts suppressed");
  EXPECT_THAT(alerts[0].output, HasSubstr("2 alerts held back"));
  EXPECT_EQ(alerts[1].rule, "vigil internal: alerts dropped");
  EXPECT_THAT(alerts[1].output, HasSubstr("3 alerts were not delivered"));
  EXPECT_THAT(alerts[1].output, HasSubstr("file=3"));
  EXPECT_TRUE(outputs.Check(2).empty()) << "reported once";
}

}  // namespace
}  // namespace vigil::output
