// The queue between the sensor's reader thread and the polling thread: order kept, nothing lost
// or duplicated, the producer waits when full, Stop() wakes both sides.
#include "sensor/event_queue.h"

#include <atomic>
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
    queue.Flush();  // as the reader thread does after each drain
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

TEST(EventQueueTest, ASleepingConsumerWakesForABatchOrAFlushNotForEachEvent) {
  EventQueue queue(1024);
  std::atomic<bool> woke{false};
  std::thread consumer([&] {
    EXPECT_NE(queue.Front(milliseconds(5000)), nullptr);
    woke = true;
  });
  std::this_thread::sleep_for(milliseconds(50));  // the consumer sleeps
  for (int i = 0; i < 10; ++i) {
    queue.BeginPush()->tid = static_cast<uint32_t>(i);
    queue.EndPush();
  }
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_FALSE(woke.load()) << "woken before a batch waited";
  auto start = std::chrono::steady_clock::now();
  queue.Flush();
  consumer.join();
  EXPECT_TRUE(woke.load());
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));

  // A full batch wakes it without a flush.
  while (queue.Front(milliseconds(0))) queue.Pop();
  woke = false;
  std::thread batch_consumer([&] {
    EXPECT_NE(queue.Front(milliseconds(5000)), nullptr);
    woke = true;
  });
  std::this_thread::sleep_for(milliseconds(50));
  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < EventQueue::kWakeBatch; ++i) {
    queue.BeginPush();
    queue.EndPush();
  }
  batch_consumer.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
}

TEST(EventQueueTest, AProducerWaitingOnAFullQueueWakesOnceItIsHalfEmpty) {
  EventQueue queue(8);
  for (int i = 0; i < 8; ++i) {
    queue.BeginPush();
    queue.EndPush();
  }
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    EXPECT_NE(queue.BeginPush(), nullptr);
    pushed = true;
    queue.EndPush();
  });
  std::this_thread::sleep_for(milliseconds(50));
  for (int i = 0; i < 3; ++i) {
    queue.Front(milliseconds(0));
    queue.Pop();
  }
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_FALSE(pushed.load()) << "woken before the queue was half empty";
  queue.Front(milliseconds(0));
  queue.Pop();  // 4 of 8 left
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(queue.size(), 5u);
}

TEST(EventQueueTest, FrontTimesOutWhenEmpty) {
  EventQueue queue(4);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(queue.Front(milliseconds(30)), nullptr);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(25));
}

}  // namespace
}  // namespace vigil::sensor
