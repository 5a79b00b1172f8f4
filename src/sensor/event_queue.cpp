#include "sensor/event_queue.h"

#include <algorithm>

namespace vigil::sensor {

EventQueue::EventQueue(std::size_t slots) : slots_(slots < 2 ? 2 : slots) {}

std::size_t EventQueue::size() const {
  return tail_.load() - head_.load();
}

Event* EventQueue::BeginPush() {
  const std::size_t tail = tail_.load();
  auto full = [&] { return tail - head_.load() >= slots_.size(); };
  if (full()) {
    std::unique_lock lock(mutex_);
    producer_waiting_.store(true);
    not_full_.wait(lock, [&] { return !full() || stopped_.load(); });
    producer_waiting_.store(false);
  }
  if (stopped_.load()) return nullptr;
  return &slots_[tail % slots_.size()];
}

void EventQueue::EndPush() {
  tail_.fetch_add(1);
  // Every access is seq_cst: a side that stores its waiting flag and then re-checks the
  // indexes cannot miss the other side's update (no lost wake-up; at worst the consumer sleeps
  // until the producer's next Flush() or its own timeout).
  if (consumer_waiting_.load() && size() >= std::min(kWakeBatch, slots_.size())) WakeConsumer();
}

void EventQueue::Flush() {
  if (consumer_waiting_.load() && size() > 0) WakeConsumer();
}

void EventQueue::WakeConsumer() {
  std::lock_guard lock(mutex_);
  not_empty_.notify_one();
}

Event* EventQueue::Front(std::chrono::milliseconds timeout) {
  const std::size_t head = head_.load();
  auto empty = [&] { return tail_.load() == head; };
  if (empty()) {
    if (timeout.count() <= 0) return nullptr;
    std::unique_lock lock(mutex_);
    consumer_waiting_.store(true);
    not_empty_.wait_for(lock, timeout, [&] { return !empty() || stopped_.load(); });
    consumer_waiting_.store(false);
    if (empty()) return nullptr;
  }
  return &slots_[head % slots_.size()];
}

void EventQueue::Pop() {
  head_.fetch_add(1);
  if (producer_waiting_.load() && size() <= slots_.size() / 2) {
    std::lock_guard lock(mutex_);
    not_full_.notify_one();
  }
}

void EventQueue::Stop() {
  stopped_.store(true);
  std::lock_guard lock(mutex_);
  not_full_.notify_all();
  not_empty_.notify_all();
}

}  // namespace vigil::sensor
