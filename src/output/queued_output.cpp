#include "output/queued_output.h"

#include "common/log.h"

namespace vigil::output {

std::string RenderLine(const Alert& alert, const LineFormat& format) {
  return format.json ? FormatJson(alert, format.json_options) : FormatText(alert);
}

QueuedOutput::QueuedOutput(std::string name, std::unique_ptr<Deliverer> deliverer,
                           LineFormat format, std::size_t capacity)
    : name_(std::move(name)),
      deliverer_(std::move(deliverer)),
      format_(format),
      capacity_(capacity) {
  StartThread();
}

QueuedOutput::~QueuedOutput() {
  Close(std::chrono::milliseconds(0));
}

void QueuedOutput::Enqueue(const Alert& alert) {
  {
    std::lock_guard lock(mutex_);
    if (closing() || queue_.size() >= capacity_) {
      dropped_.fetch_add(1);
      return;
    }
    queue_.push_back(alert);
  }
  wake_.notify_one();
}

OutputStats QueuedOutput::Stats() const {
  OutputStats stats;
  stats.delivered = delivered_.load();
  stats.dropped = dropped_.load();
  stats.failed_attempts = failed_.load();
  std::lock_guard lock(mutex_);
  stats.queued = queue_.size();
  return stats;
}

void QueuedOutput::Reopen() {
  reopen_.store(true);
  wake_.notify_one();
}

void QueuedOutput::DeliverOne(const Alert& alert) {
  auto status = deliverer_->Deliver(alert, RenderLine(alert, format_));
  if (status) {
    delivered_.fetch_add(1);
    return;
  }
  const uint64_t failures = failed_.fetch_add(1);
  dropped_.fetch_add(1);
  if (failures % 100 == 0) {
    log::Error("output {}: alert not delivered ({} so far): {}", name_, failures + 1,
               status.error().message);
  }
}

void QueuedOutput::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return closing() || !queue_.empty() || reopen_.load(); });
    if (reopen_.exchange(false)) {
      lock.unlock();
      deliverer_->Reopen();
      lock.lock();
    }
    if (queue_.empty() || late()) {
      if (closing()) break;
      continue;
    }
    Alert alert = std::move(queue_.front());
    queue_.pop_front();
    const bool drained = queue_.empty();
    lock.unlock();
    DeliverOne(alert);
    if (drained && format_.buffered) deliverer_->Flush();
    lock.lock();
  }
  dropped_.fetch_add(queue_.size());  // past the grace period
  queue_.clear();
  lock.unlock();
  deliverer_->Flush();
  deliverer_->Close();
}

}  // namespace vigil::output
