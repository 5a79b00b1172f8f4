// The delivery logic of the HTTP output, without threads or sockets so that tests drive it
// step by step with a fake transport: a bounded in-memory queue, retries with exponential
// backoff, and a spill file that takes the queue while the receiver is down and is replayed,
// in order, when it answers again.
//
// Guarantees: bodies go out in the order they were pushed; each is delivered once unless
// the receiver took it but its answer was lost, or vigil died while sending it (then it is
// sent again: at least once), or it is counted as dropped (memory queue full with no spill
// file, spill file full, refused by the receiver). What a previous run left in the spill file
// is replayed first, from where that run's replay stopped ("<spill_file>.pos").
//
// Thread-safety: Push and Stats from any thread; Step, Relieve and Shelve from one worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"
#include "output/output.h"

namespace vigil::output {

// Sends one body; blocking is fine (the worker's thread).
class Transport {
 public:
  enum class Outcome {
    kDelivered,
    kRetry,     // the receiver is unreachable or failing (timeouts, 5xx, 408, 429): try again
    kRejected,  // the receiver refuses this body (other 4xx): sending it again will not help
  };
  virtual ~Transport() = default;
  // `error` says why when the outcome is not kDelivered.
  virtual Outcome Post(const std::string& body, std::string* error) = 0;
};

struct SpillQueueOptions {
  std::size_t capacity = 10000;  // bodies in memory
  std::string spill_path;        // empty: no spill file
  uint64_t spill_max_bytes = 100ull << 20;
  uint32_t retries_before_spill = 3;  // consecutive failures that mean "down"
  uint64_t initial_backoff_ns = 500'000'000ull;
  uint64_t max_backoff_ns = 30'000'000'000ull;
};

class SpillQueue {
 public:
  SpillQueue(SpillQueueOptions options, Transport* transport);
  ~SpillQueue();
  SpillQueue(const SpillQueue&) = delete;
  SpillQueue& operator=(const SpillQueue&) = delete;

  // Queues a body; false when it was dropped (memory full).
  bool Push(std::string body);
  // Counts a body that could not even be queued (the output is closed).
  void CountDropped() {
    std::lock_guard lock(mutex_);
    ++dropped_;
  }
  // Sends the oldest waiting body (the spill file's first). nullopt: nothing waits;
  // 0: sent; otherwise it failed: wait this many ns before the next step.
  std::optional<uint64_t> Step();
  // True when memory should move to the spill file now (the receiver is down and the queue
  // fills up, or a replay is long); Relieve() does it.
  bool NeedsRelief() const;
  void Relieve();
  // At stop: what is in memory goes to the spill file (or is counted as dropped).
  void Shelve();
  bool Idle() const;  // nothing waits, in memory or in the spill file
  OutputStats Stats() const;
  const SpillQueueOptions& options() const { return options_; }

 private:
  bool Down() const { return failures_ >= options_.retries_before_spill; }
  void MoveMemoryToSpill();
  bool ReadSpilled(std::string* body);
  uint64_t Failed(const std::string& error);
  void Consume(bool from_spill);
  void ConsumeSpilled();
  void OpenSpill();
  uint64_t SavedPosition() const;
  void SavePosition();

  const SpillQueueOptions options_;
  Transport* transport_;

  mutable std::mutex mutex_;
  std::deque<std::string> memory_;  // guarded by mutex_
  uint64_t dropped_ = 0;            // guarded by mutex_

  // The worker's alone (Stats reads the atomics).
  uint32_t failures_ = 0;
  int spill_fd_ = -1;
  int position_fd_ = -1;              // "<spill_file>.pos": the replay position, for the next run
  uint64_t spill_read_ = 0;           // offset of the next body to replay
  uint64_t spill_size_ = 0;           // bytes in the file
  uint64_t next_length_ = 0;          // length of the body read by ReadSpilled, with its newline
  std::atomic<uint64_t> spilled_{0};  // bodies waiting in the file
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> spill_dropped_{0};
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace vigil::output
