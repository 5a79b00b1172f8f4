#include "output/spill_queue.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/log.h"

namespace vigil::output {

SpillQueue::SpillQueue(SpillQueueOptions options, Transport* transport)
    : options_(std::move(options)), transport_(transport) {
  OpenSpill();
}

SpillQueue::~SpillQueue() {
  if (spill_fd_ >= 0) close(spill_fd_);
  if (position_fd_ >= 0) close(position_fd_);
}

void SpillQueue::OpenSpill() {
  if (options_.spill_path.empty()) return;
  spill_fd_ = open(options_.spill_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (spill_fd_ < 0) {
    log::Error("spill file {}: {}; alerts beyond the queue will be dropped", options_.spill_path,
               ErrnoText(errno));
    return;
  }
  const std::string position_path = options_.spill_path + ".pos";
  position_fd_ = open(position_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (position_fd_ < 0) {
    log::Warning("spill file {}: {}: {}; a restart may replay alerts twice", options_.spill_path,
                 position_path, ErrnoText(errno));
  }
  struct stat st {};
  if (fstat(spill_fd_, &st) == 0) spill_size_ = static_cast<uint64_t>(st.st_size);
  spill_read_ = SavedPosition();
  // What a previous run left: count its bodies; they are replayed first.
  uint64_t lines = 0;
  char buffer[65536];
  for (uint64_t offset = spill_read_; offset < spill_size_;) {
    const ssize_t n = pread(spill_fd_, buffer, sizeof(buffer), static_cast<off_t>(offset));
    if (n <= 0) break;
    lines += static_cast<uint64_t>(std::count(buffer, buffer + n, '\n'));
    offset += static_cast<uint64_t>(n);
  }
  spilled_.store(lines);
  if (lines > 0) log::Info("spill file {}: {} alerts to replay", options_.spill_path, lines);
}

// Where the previous run's replay stopped: a line start inside the file, or 0.
uint64_t SpillQueue::SavedPosition() const {
  uint64_t position = 0;
  if (position_fd_ < 0 || pread(position_fd_, &position, sizeof(position), 0) !=
                              static_cast<ssize_t>(sizeof(position))) {
    return 0;
  }
  if (position == 0 || position > spill_size_) return 0;
  char before = 0;
  if (pread(spill_fd_, &before, 1, static_cast<off_t>(position - 1)) != 1 || before != '\n') {
    return 0;  // not a line start: replay everything rather than cut a body
  }
  return position;
}

// Saved after each replayed body, so a crash repeats at most the one in flight.
void SpillQueue::SavePosition() {
  if (position_fd_ < 0) return;
  if (pwrite(position_fd_, &spill_read_, sizeof(spill_read_), 0) !=
      static_cast<ssize_t>(sizeof(spill_read_))) {
    log::Warning("spill file {}: saving the replay position: {}", options_.spill_path,
                 ErrnoText(errno));
  }
}

bool SpillQueue::Push(std::string body) {
  std::lock_guard lock(mutex_);
  if (memory_.size() >= options_.capacity) {
    ++dropped_;
    return false;
  }
  memory_.push_back(std::move(body));
  return true;
}

bool SpillQueue::NeedsRelief() const {
  if (spill_fd_ < 0) return false;
  std::lock_guard lock(mutex_);
  if (memory_.empty()) return false;
  return Down() || (spilled_.load() > 0 && memory_.size() >= options_.capacity / 2);
}

void SpillQueue::Relieve() {
  if (NeedsRelief()) MoveMemoryToSpill();
}

void SpillQueue::MoveMemoryToSpill() {
  std::deque<std::string> taken;
  {
    std::lock_guard lock(mutex_);
    taken.swap(memory_);
  }
  uint64_t lost = 0;
  for (std::string& body : taken) {
    body += '\n';
    if (spill_size_ + body.size() > options_.spill_max_bytes ||
        write(spill_fd_, body.data(), body.size()) != static_cast<ssize_t>(body.size())) {
      ++lost;
      continue;
    }
    spill_size_ += body.size();
    spilled_.fetch_add(1);
  }
  if (lost > 0) {
    spill_dropped_.fetch_add(lost);
    log::Error("spill file {} full or failing: {} alerts dropped", options_.spill_path, lost);
  }
}

bool SpillQueue::ReadSpilled(std::string* body) {
  body->clear();
  char buffer[4096];
  for (uint64_t offset = spill_read_; offset < spill_size_;) {
    const ssize_t n = pread(spill_fd_, buffer, sizeof(buffer), static_cast<off_t>(offset));
    if (n <= 0) break;
    const char* end = std::find(buffer, buffer + n, '\n');
    body->append(buffer, static_cast<std::size_t>(end - buffer));
    offset += static_cast<uint64_t>(end - buffer);
    if (end != buffer + n) {
      next_length_ = offset + 1 - spill_read_;
      return true;
    }
  }
  next_length_ = spill_size_ - spill_read_;  // a last body without its newline (a crash)
  return !body->empty();
}

void SpillQueue::ConsumeSpilled() {
  spill_read_ += next_length_;
  if (spilled_.load() > 0) spilled_.fetch_sub(1);
  if (spill_read_ >= spill_size_) {  // all replayed: start the file afresh
    if (ftruncate(spill_fd_, 0) != 0) {
      log::Warning("spill file {}: truncate: {}", options_.spill_path, ErrnoText(errno));
    }
    spill_read_ = spill_size_ = 0;
    spilled_.store(0);
  }
  SavePosition();
}

uint64_t SpillQueue::Failed(const std::string& error) {
  failed_.fetch_add(1);
  ++failures_;
  if (failures_ == 1 || failures_ % 100 == 0) {
    log::Warning("http output: {} (attempt {}; retrying)", error, failures_);
  }
  Relieve();
  const uint32_t doublings = std::min<uint32_t>(failures_ - 1, 40);
  const double backoff =
      static_cast<double>(options_.initial_backoff_ns) * static_cast<double>(1ull << doublings);
  return std::min<uint64_t>(options_.max_backoff_ns, static_cast<uint64_t>(backoff));
}

void SpillQueue::Consume(bool from_spill) {
  if (from_spill) {
    ConsumeSpilled();
  } else {
    std::lock_guard lock(mutex_);
    memory_.pop_front();
  }
}

std::optional<uint64_t> SpillQueue::Step() {
  Relieve();
  std::string body;
  bool from_spill = spill_fd_ >= 0 && spill_read_ < spill_size_ && ReadSpilled(&body);
  if (!from_spill) {
    if (spill_fd_ >= 0 && spill_read_ < spill_size_) ConsumeSpilled();  // unreadable rest
    std::lock_guard lock(mutex_);
    if (memory_.empty()) return std::nullopt;
    body = memory_.front();
  }
  std::string error;
  const auto outcome = transport_->Post(body, &error);
  if (outcome == Transport::Outcome::kRetry) return Failed(error);
  if (failures_ >= options_.retries_before_spill) log::Info("http output: delivering again");
  failures_ = 0;
  if (outcome == Transport::Outcome::kRejected) {
    // The receiver answers but refuses this alert: counted as dropped, the next one goes on.
    failed_.fetch_add(1);
    if (rejected_.fetch_add(1) % 100 == 0) log::Error("http output: alert dropped: {}", error);
  } else {
    delivered_.fetch_add(1);
  }
  Consume(from_spill);
  return 0;
}

void SpillQueue::Shelve() {
  if (spill_fd_ >= 0) {
    MoveMemoryToSpill();
    return;
  }
  std::lock_guard lock(mutex_);
  dropped_ += memory_.size();
  memory_.clear();
}

bool SpillQueue::Idle() const {
  std::lock_guard lock(mutex_);
  return memory_.empty() && spilled_.load() == 0;
}

OutputStats SpillQueue::Stats() const {
  OutputStats stats;
  stats.delivered = delivered_.load();
  stats.failed_attempts = failed_.load();
  stats.spilled = spilled_.load();
  std::lock_guard lock(mutex_);
  stats.dropped = dropped_ + spill_dropped_.load() + rejected_.load();
  stats.queued = memory_.size();
  return stats;
}

}  // namespace vigil::output
