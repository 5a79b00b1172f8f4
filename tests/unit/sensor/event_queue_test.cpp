// The queue between the sensor's reader thread and the polling thread: order kept, nothing lost
// or duplicated, the producer waits when full, Stop() wakes both sides.
#include "sensor/event_queue.h"

#include <thread>

#include <gtest/gtest.h>

namespace vigil::sensor {
namespace {

using std::chrono::milliseconds;

TEST(EventQueueTest, KeepsOrderAcrossThreadsWithoutLossOrDuplicates) {
  EventQueue queue(8);  // far fewer slots than events: the producer waits for the consumer
  constexpr uint32_t kEvents = 200000;
  std::thread producer([&] {
    for (uint32_t i = 1; i <= kEvents; ++i) {
      Event* slot = queue.BeginPush();
      ASSERT_NE(slot, nullptr);
      slot->pid = i % 1000;
      slot->tid = i;
      slot->path.assign("/tmp/file-").append(std::to_string(i));
      queue.EndPush();
    }
  });
  uint32_t expected = 1;
  while (expected <= kEvents) {
    Event* e = queue.Front(milliseconds(1000));
    ASSERT_NE(e, nullptr) << "stalled at " << expected;
    ASSERT_EQ(e->tid, expected);
    ASSERT_EQ(e->path, "/tmp/file-" + std::to_string(expected));
    queue.Pop();
    ++expected;
  }
  producer.join();
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_EQ(queue.Front(milliseconds(0)), nullptr);
}

TEST(EventQueueTest, StopWakesAWaitingProducerAndKeepsWhatWasPushed) {
  EventQueue queue(2);
  for (int i = 0; i < 2; ++i) {
    queue.BeginPush()->tid = static_cast<uint32_t>(i);
    queue.EndPush();
  }
  Event* blocked = reinterpret_cast<Event*>(1);
  std::thread producer([&] { blocked = queue.BeginPush(); });  // full: waits
  std::this_thread::sleep_for(milliseconds(50));
  queue.Stop();
  producer.join();
  EXPECT_EQ(blocked, nullptr);
  ASSERT_NE(queue.Front(milliseconds(0)), nullptr);
  EXPECT_EQ(queue.Front(milliseconds(0))->tid, 0u);
  queue.Pop();
  EXPECT_EQ(queue.Front(milliseconds(0))->tid, 1u);
}

TEST(EventQueueTest, FrontTimesOutWhenEmpty) {
  EventQueue queue(4);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(queue.Front(milliseconds(30)), nullptr);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(25));
}

}  // namespace
}  // namespace vigil::sensor
