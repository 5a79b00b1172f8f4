// A bounded single-producer, single-consumer queue of decoded Events, between the thread that
// drains the kernel's ring buffer and the thread that evaluates rules: the two stages run on
// two cores, in order (one ring, one producer, one consumer: per-process order is kept).
//
// Slots are reused: an Event keeps its strings' capacity from one record to the next, so the
// steady state allocates nothing. Thread-safe for exactly one producer and one consumer.
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
  // Producer: makes the slot filled since BeginPush() visible to the consumer.
  void EndPush();

  // Consumer: the oldest event, waiting up to `timeout` for one; null if none came.
  Event* Front(std::chrono::milliseconds timeout);
  // Consumer: releases the slot Front() returned.
  void Pop();

  // Wakes both sides; BeginPush() returns null from now on. Events already pushed stay.
  void Stop();
  std::size_t size() const;

 private:
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
