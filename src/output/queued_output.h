// An Output that hands alerts to a Deliverer on its own thread through a bounded queue.
// A failed delivery is counted as dropped and logged (the first failure and then every
// 100th), and the next alert is tried: local destinations (files, syslog, programs) either
// work or need an operator. HTTP has its own output with retries and a spill file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "output/output.h"

namespace vigil::output {

class QueuedOutput final : public Output {
 public:
  QueuedOutput(std::string name, std::unique_ptr<Deliverer> deliverer, LineFormat format,
               std::size_t capacity);
  ~QueuedOutput() override;

  const std::string& name() const override { return name_; }
  void Enqueue(const Alert& alert) override;
  OutputStats Stats() const override;
  void Reopen() override;
  void Close(std::chrono::milliseconds grace) override;

 private:
  void Run();
  void DeliverOne(const Alert& alert);

  const std::string name_;
  std::unique_ptr<Deliverer> deliverer_;
  const LineFormat format_;
  const std::size_t capacity_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Alert> queue_;                         // guarded by mutex_
  bool closing_ = false;                            // guarded by mutex_
  std::chrono::steady_clock::time_point deadline_;  // guarded by mutex_
  bool closed_ = false;
  std::atomic<bool> reopen_{false};
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace vigil::output
