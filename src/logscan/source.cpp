#include "logscan/source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "logscan/parse.h"

namespace vigil::logscan {

LogSource::LogSource(std::string path, Kind kind, int fd)
    : path_(std::move(path)), kind_(kind), fd_(fd) {
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    seekable_ = S_ISREG(st.st_mode);
  }
}

LogSource::~LogSource() {
  if (fd_ >= 0 && kind_ != Kind::kStdin) ::close(fd_);
}

Result<std::unique_ptr<LogSource>> LogSource::Open(std::string path, Kind kind,
                                                   std::optional<ContainerInfo> container) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail("open {}: {}", path, ErrnoText(errno));
  std::unique_ptr<LogSource> source(new LogSource(std::move(path), kind, fd));
  source->container_ = std::move(container);
  return source;
}

std::unique_ptr<LogSource> LogSource::Stdin() {
  return std::unique_ptr<LogSource>(new LogSource("stdin", Kind::kStdin, STDIN_FILENO));
}

bool LogSource::Poll(bool follow, const LineCallback& on_line) {
  if (ended_) return false;
  const bool read_any = ReadAvailable(follow, on_line);
  if (!follow && !ended_ && seekable_) ended_ = true;  // a file read to its end
  if (ended_ && !pending_.empty()) {                   // a last line without '\n'
    std::string last = std::move(pending_);
    pending_.clear();
    Deliver(last, on_line);
  }
  if (follow && seekable_ && !ended_) Reopen(on_line);
  return read_any;
}

bool LogSource::ReadAvailable(bool follow, const LineCallback& on_line) {
  char buffer[64 * 1024];
  bool read_any = false;
  for (;;) {
    if (!seekable_ && follow) {
      struct pollfd p {
        fd_, POLLIN, 0
      };
      if (::poll(&p, 1, 0) <= 0) return read_any;  // nothing waiting: come back later
    }
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return read_any;
    if (n <= 0) {
      if (!seekable_ || n < 0) ended_ = true;  // a pipe closed (or a read error)
      return read_any;
    }
    read_any = true;
    offset_ += n;
    Split(std::string_view(buffer, static_cast<std::size_t>(n)), on_line);
  }
}

void LogSource::Split(std::string_view data, const LineCallback& on_line) {
  while (!data.empty()) {
    const auto newline = data.find('\n');
    const std::string_view piece = data.substr(0, newline);
    if (!discarding_) {
      const std::size_t room = kMaxLineBytes - pending_.size();
      pending_.append(piece.substr(0, room));
      if (piece.size() > room) {
        ++truncated_;
        discarding_ = true;
      }
    }
    if (newline == std::string_view::npos) {
      if (discarding_ && !pending_.empty()) {  // deliver the cut line now, drop its rest
        std::string line = std::move(pending_);
        pending_.clear();
        Deliver(line, on_line);
      }
      return;
    }
    if (!pending_.empty() || !discarding_) {
      std::string line = std::move(pending_);
      pending_.clear();
      Deliver(line, on_line);
    }
    discarding_ = false;
    data.remove_prefix(newline + 1);
  }
}

void LogSource::Deliver(std::string_view raw, const LineCallback& on_line) {
  if (kind_ != Kind::kDockerJson) {
    Emit(raw, {}, on_line);
    return;
  }
  auto entry = ParseDockerJsonLine(raw);
  if (!entry) {
    ++malformed_;
    return;
  }
  if (entry->partial && docker_partial_.size() + entry->log.size() < kMaxLineBytes) {
    docker_partial_ += entry->log;
    return;
  }
  std::string line = std::move(docker_partial_);
  docker_partial_.clear();
  line += entry->log;
  if (skip_before_ns_ > 0 && entry->time_ns < skip_before_ns_) {
    ++lineno_;  // logged before what is being watched: numbered, not scanned
    return;
  }
  Emit(line, entry->stream, on_line);
}

void LogSource::Emit(std::string_view line, std::string_view stream, const LineCallback& on_line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  on_line(line, ++lineno_, stream);
}

// tail -F: a new file at the path (rotation by rename) is read from its start once the old
// one is drained; a file shorter than what was read (truncation) is read again from 0. A
// missing path (rotated, not yet recreated; or the container removed) is waited for.
void LogSource::Reopen(const LineCallback& on_line) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return;
  if (st.st_dev == dev_ && st.st_ino == ino_) {
    if (st.st_size < offset_) {
      ::lseek(fd_, 0, SEEK_SET);
      offset_ = 0;
      pending_.clear();
      docker_partial_.clear();
      ++rotations_;
    }
    return;
  }
  ReadAvailable(true, on_line);  // what was written to the old file before the rename
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::close(fd_);
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  offset_ = 0;
  ++rotations_;
}

}  // namespace vigil::logscan
