// A bounded single-producer, single-consumer queue of decoded Events, between the thread that
// drains the kernel's ring buffer and the thread that evaluates rules: the two stages run on
// two cores, in order (one ring, one producer, one consumer: per-process order is kept).
//
// Slots are reused: an Event keeps its strings' capacity from one record to the next, so the
// steady state allocates nothing. Thread-safe for exactly one producer and one consumer.
//
// Wake-ups are batched: a sleeping consumer is woken once kWakeBatch events wait or when the
// producer calls Flush() (after each drain of the ring), and a producer waiting on a full queue
// once it is half empty. Waking the other side for every event costs a futex wake and a context
// switch each: on a machine short of CPU that ping-pong cost more than the second thread
// gained (a rate 1.14x the agent's capacity lost 62% of the records instead of 10%).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "events/event.h"

namespace vigil::sensor {

class EventQueue {
 public:
  explicit EventQueue(std::size_t slots);

  // Producer: the slot to fill next, waiting while the queue is full; null once stopped.
  Event* BeginPush();
  // Producer: makes the slot filled since BeginPush() visible to the consumer (waking it only
  // once kWakeBatch events wait).
  void EndPush();
  // Producer: wakes a sleeping consumer if anything waits (call when a burst ends).
  void Flush();

  // Consumer: the oldest event, waiting up to `timeout` for one; null if none came.
  Event* Front(std::chrono::milliseconds timeout);
  // Consumer: releases the slot Front() returned.
  void Pop();

  // Wakes both sides; BeginPush() returns null from now on. Events already pushed stay.
  void Stop();
  std::size_t size() const;

 static constexpr std::size_t kWakeBatch = 256;

 private:
  void WakeConsumer();

  std::vector<Event> slots_;
  std::atomic<std::size_t> head_{0};  // next slot to consume (written by the consumer)
  std::atomic<std::size_t> tail_{0};  // next slot to fill (written by the producer)
  std::atomic<bool> stopped_{false};
  // Sleeping only: the fast paths take no lock.
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::atomic<bool> consumer_waiting_{false};
  std::atomic<bool> producer_waiting_{false};
};

}  // namespace vigil::sensor
