// An Output that hands alerts to a Deliverer on its own thread through a bounded queue.
// A failed delivery is counted as dropped and logged (the first failure and then every
// 100th), and the next alert is tried: local destinations (files, syslog, programs) either
// work or need an operator. HTTP has its own output with retries and a spill file.
#pragma once

#include <atomic>
#include <deque>
#include <memory>

#include "output/output.h"
#include "output/threaded_output.h"

namespace vigil::output {

class QueuedOutput final : public ThreadedOutput {
 public:
  QueuedOutput(std::string name, std::unique_ptr<Deliverer> deliverer, LineFormat format,
               std::size_t capacity);
  ~QueuedOutput() override;

  const std::string& name() const override { return name_; }
  void Enqueue(const Alert& alert) override;
  OutputStats Stats() const override;
  void Reopen() override;

 private:
  void Run() override;
  void DeliverOne(const Alert& alert);

  const std::string name_;
  std::unique_ptr<Deliverer> deliverer_;
  const LineFormat format_;
  const std::size_t capacity_;

  std::deque<Alert> queue_;  // guarded by mutex_
  std::atomic<bool> reopen_{false};
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace vigil::output
