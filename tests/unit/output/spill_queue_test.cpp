#include "output/spill_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace vigil::output {
namespace {

constexpr uint64_t kMs = 1'000'000ull;

// A receiver that is up or down, and keeps what it got.
class FakeTransport : public Transport {
 public:
  Outcome Post(const std::string& body, std::string* error) override {
    ++attempts;
    if (!up) {
      *error = "connection refused";
      return Outcome::kRetry;
    }
    if (body == reject) {
      *error = "HTTP 400";
      return Outcome::kRejected;
    }
    received.push_back(body);
    return Outcome::kDelivered;
  }
  bool up = true;
  std::string reject;
  int attempts = 0;
  std::vector<std::string> received;
};

SpillQueueOptions Options(const std::string& spill = "") {
  SpillQueueOptions o;
  o.capacity = 4;
  o.spill_path = spill;
  o.retries_before_spill = 2;
  o.initial_backoff_ns = 100 * kMs;
  o.max_backoff_ns = 1000 * kMs;
  return o;
}

std::string TempPath(const char* name) {
  std::string path = testing::TempDir() + name + std::to_string(getpid());
  std::remove(path.c_str());
  std::remove((path + ".pos").c_str());
  return path;
}

void Drain(SpillQueue& q) {
  for (int i = 0; i < 1000; ++i) {
    auto wait = q.Step();
    if (!wait) return;
    ASSERT_EQ(*wait, 0u);
  }
}

TEST(SpillQueue, DeliversInOrder) {
  FakeTransport t;
  SpillQueue q(Options(), &t);
  for (const char* b : {"a", "b", "c"}) EXPECT_TRUE(q.Push(b));
  Drain(q);
  EXPECT_EQ(t.received, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(q.Stats().delivered, 3u);
  EXPECT_TRUE(q.Idle());
}

TEST(SpillQueue, BackoffDoublesUpToTheMaximum) {
  FakeTransport t;
  t.up = false;
  SpillQueue q(Options(), &t);
  q.Push("a");
  std::vector<uint64_t> waits;
  for (int i = 0; i < 6; ++i) waits.push_back(*q.Step());
  EXPECT_EQ(waits, (std::vector<uint64_t>{100 * kMs, 200 * kMs, 400 * kMs, 800 * kMs, 1000 * kMs,
                                          1000 * kMs}));
  t.up = true;
  EXPECT_EQ(*q.Step(), 0u);
  EXPECT_EQ(t.received, (std::vector<std::string>{"a"}));
  q.Push("b");
  t.up = false;
  EXPECT_EQ(*q.Step(), 100 * kMs) << "a success resets the backoff";
  EXPECT_EQ(q.Stats().failed_attempts, 7u);
}

TEST(SpillQueue, WithoutSpillAFullQueueDropsAndCounts) {
  FakeTransport t;
  t.up = false;
  SpillQueue q(Options(), &t);
  for (int i = 0; i < 6; ++i) q.Push(std::to_string(i));
  EXPECT_EQ(q.Stats().dropped, 2u);
  EXPECT_EQ(q.Stats().queued, 4u);
  q.Shelve();
  EXPECT_EQ(q.Stats().dropped, 6u);
}

// The receiver goes down, alerts keep coming, it comes back: every alert exactly once, in order.
TEST(SpillQueue, SpillsWhileDownAndReplaysInOrderExactlyOnce) {
  const std::string path = TempPath("spill_a");
  FakeTransport t;
  auto options = Options(path);
  options.capacity = 8;  // room for what comes before the receiver is found down
  SpillQueue q(options, &t);
  q.Push("0");
  Drain(q);
  t.up = false;
  std::vector<std::string> expected = {"0"};
  int next = 1;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3; ++i) {
      expected.push_back(std::to_string(next));
      EXPECT_TRUE(q.Push(std::to_string(next++)));
    }
    EXPECT_TRUE(q.Step().value() > 0);
    q.Relieve();
  }
  EXPECT_EQ(q.Stats().dropped, 0u);
  EXPECT_GT(q.Stats().spilled, 0u);
  t.up = true;
  expected.push_back("late");
  q.Push("late");
  Drain(q);
  EXPECT_EQ(t.received, expected);
  EXPECT_TRUE(q.Idle());
  std::ifstream in(path, std::ios::ate);
  EXPECT_EQ(in.tellg(), 0) << "the replayed spill file starts afresh";
  std::remove(path.c_str());
}

TEST(SpillQueue, ShelvedAlertsAreReplayedByTheNextRun) {
  const std::string path = TempPath("spill_b");
  {
    FakeTransport down;
    down.up = false;
    SpillQueue q(Options(path), &down);
    q.Push("x");
    q.Push("y");
    q.Shelve();
    EXPECT_EQ(q.Stats().spilled, 2u);
    EXPECT_EQ(q.Stats().dropped, 0u);
  }
  FakeTransport t;
  SpillQueue q(Options(path), &t);
  EXPECT_EQ(q.Stats().spilled, 2u);
  q.Push("z");
  Drain(q);
  EXPECT_EQ(t.received, (std::vector<std::string>{"x", "y", "z"}));
  std::remove(path.c_str());
}

TEST(SpillQueue, AFullSpillFileDropsAndCounts) {
  const std::string path = TempPath("spill_c");
  auto options = Options(path);
  options.spill_max_bytes = 4;  // "aa\n" fits, "bb\n" no longer
  FakeTransport t;
  t.up = false;
  SpillQueue q(options, &t);
  q.Push("aa");
  q.Push("bb");
  q.Shelve();
  EXPECT_EQ(q.Stats().spilled, 1u);
  EXPECT_EQ(q.Stats().dropped, 1u);
  std::remove(path.c_str());
}

TEST(SpillQueue, ATruncatedLastLineIsStillSent) {
  const std::string path = TempPath("spill_d");
  {
    std::ofstream out(path);
    out << "one\ntwo";  // a crash mid-write
  }
  FakeTransport t;
  SpillQueue q(Options(path), &t);
  Drain(q);
  EXPECT_EQ(t.received, (std::vector<std::string>{"one", "two"}));
  std::remove(path.c_str());
}

TEST(SpillQueue, ABodyTheReceiverRefusesIsDroppedNotRetriedForever) {
  FakeTransport t;
  t.reject = "bad";
  SpillQueue q(Options(), &t);
  q.Push("a");
  q.Push("bad");
  q.Push("c");
  Drain(q);
  EXPECT_EQ(t.received, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(q.Stats().dropped, 1u);
  EXPECT_EQ(q.Stats().delivered, 2u);
  EXPECT_EQ(t.attempts, 3);
}

TEST(SpillQueue, ANewRunResumesTheReplayWhereTheLastOneStopped) {
  const std::string path = TempPath("spill_e");
  std::remove((path + ".pos").c_str());
  {
    std::ofstream out(path);
    out << "1\n2\n3\n4\n";
  }
  {
    FakeTransport t;
    SpillQueue q(Options(path), &t);
    EXPECT_EQ(q.Stats().spilled, 4u);
    EXPECT_EQ(*q.Step(), 0u);
    EXPECT_EQ(*q.Step(), 0u);
    EXPECT_EQ(t.received, (std::vector<std::string>{"1", "2"}));
  }  // vigil dies here
  FakeTransport t;
  SpillQueue q(Options(path), &t);
  EXPECT_EQ(q.Stats().spilled, 2u);
  Drain(q);
  EXPECT_EQ(t.received, (std::vector<std::string>{"3", "4"}));
  // A position that is not a line start (the file was replaced) replays everything.
  {
    std::ofstream out(path);
    out << "long line\nb\n";
    std::ofstream pos(path + ".pos", std::ios::binary);
    const uint64_t middle = 3;
    pos.write(reinterpret_cast<const char*>(&middle), sizeof(middle));
  }
  FakeTransport again;
  SpillQueue replay(Options(path), &again);
  Drain(replay);
  EXPECT_EQ(again.received, (std::vector<std::string>{"long line", "b"}));
  std::remove(path.c_str());
  std::remove((path + ".pos").c_str());
}

}  // namespace
}  // namespace vigil::output
