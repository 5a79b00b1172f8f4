#include "output/writers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/clock.h"

extern char** environ;

namespace vigil::output {
namespace {

// Writes everything; on a non-blocking descriptor, waits at most `timeout_ms` for room.
Status WriteAll(int fd, std::string_view data, int timeout_ms = -1) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      const int ready = poll(&p, 1, timeout_ms);
      if (ready == 0) return Fail("not read within {} ms", timeout_ms);
      if (ready < 0 && errno != EINTR) return Fail("poll: {}", ErrnoText(errno));
      continue;
    }
    if (n < 0) return Fail("{}", ErrnoText(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Writes to a pipe whose reader may be gone without a SIGPIPE killing vigil: the signal is
// blocked on this thread during the write and a pending one consumed (EPIPE is the answer).
Status WriteToPipe(int fd, std::string_view data, int timeout_ms) {
  sigset_t pipe_only, previous;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  auto status = WriteAll(fd, data, timeout_ms);
  if (!status) {
    const timespec zero{};
    while (sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return status;
}

class StreamWriter final : public Deliverer {
 public:
  StreamWriter(std::FILE* stream, bool buffered) : stream_(stream), buffered_(buffered) {}
  Status Deliver(const Alert&, const std::string& line) override {
    if (std::fwrite(line.data(), 1, line.size(), stream_) != line.size() ||
        std::fputc('\n', stream_) == EOF || (!buffered_ && std::fflush(stream_) != 0)) {
      return Fail("write: {}", ErrnoText(errno));
    }
    return {};
  }
  void Flush() override { std::fflush(stream_); }

 private:
  std::FILE* stream_;
  bool buffered_;
};

class FileWriter final : public Deliverer {
 public:
  FileWriter(std::string path, bool keep_alive, bool buffered)
      : path_(std::move(path)), keep_alive_(keep_alive), buffered_(buffered) {}
  ~FileWriter() override { Close(); }

  Status Deliver(const Alert&, const std::string& line) override {
    if (!file_) {
      file_ = std::fopen(path_.c_str(), "ae");
      if (!file_) return Fail("open {}: {}", path_, ErrnoText(errno));
    }
    const bool ok = std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
                    std::fputc('\n', file_) != EOF &&
                    ((buffered_ && keep_alive_) || std::fflush(file_) == 0);
    const int err = errno;
    if (!keep_alive_ || !ok) Close();
    if (!ok) return Fail("write {}: {}", path_, ErrnoText(err));
    return {};
  }
  void Flush() override {
    if (file_) std::fflush(file_);
  }
  void Reopen() override { Close(); }  // the next alert opens the path anew
  void Close() override {
    if (file_) std::fclose(file_);
    file_ = nullptr;
  }

 private:
  std::string path_;
  bool keep_alive_;
  bool buffered_;
  std::FILE* file_ = nullptr;
};

class SyslogWriter final : public Deliverer {
 public:
  explicit SyslogWriter(std::string path) : path_(std::move(path)) {}
  ~SyslogWriter() override { Close(); }

  Status Deliver(const Alert& alert, const std::string& line) override {
    if (fd_ < 0) fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return Fail("syslog socket: {}", ErrnoText(errno));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof(addr.sun_path)) return Fail("syslog socket path too long");
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    const std::string message = SyslogMessage(alert, line, WallClockNs(), getpid());
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) >= 0) {
        return {};
      }
      if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) break;
      usleep(10'000);  // the receiver is busy: a moment, on this output's thread only
    }
    return Fail("syslog {}: {}", path_, ErrnoText(errno));
  }
  void Close() override {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// Waits for a program whose stdin was closed; one that does not exit within `timeout_ms` is
// killed (a program that ignores end of input must not hang vigil).
void Reap(pid_t pid, int timeout_ms) {
  int status = 0;
  for (int i = 0; i < timeout_ms / 10; ++i) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return;
    usleep(10'000);
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

class ProgramWriter final : public Deliverer {
 public:
  static constexpr int kRunTimeoutMs = 30000;  // one process per alert may take its time

  ProgramWriter(std::string program, bool keep_alive, int timeout_ms)
      : program_(std::move(program)), keep_alive_(keep_alive), timeout_ms_(timeout_ms) {}
  ~ProgramWriter() override { Close(); }

  Status Deliver(const Alert&, const std::string& line) override {
    std::string data = line + '\n';
    std::string why;
    // Twice: a kept-alive program that went away is started again for this alert.
    for (int attempt = 0; attempt < (keep_alive_ ? 2 : 1); ++attempt) {
      if (stdin_ < 0) {
        if (auto s = Start(); !s) return s;
      }
      auto written = WriteToPipe(stdin_, data, timeout_ms_);
      if (!keep_alive_ || !written) Close();  // one process per alert; or it went away
      if (written) return {};
      why = written.error().message;
    }
    return Fail("program '{}' does not read its input: {}", program_, why);
  }
  void Close() override {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
    // One process per alert may take its time (a curl); a kept-alive one is being stopped.
    if (pid_ > 0) Reap(pid_, keep_alive_ ? timeout_ms_ : std::max(timeout_ms_, kRunTimeoutMs));
    pid_ = -1;
  }

 private:
  Status Start() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return Fail("pipe: {}", ErrnoText(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    const char* argv[] = {"sh", "-c", program_.c_str(), nullptr};
    const int err =
        posix_spawn(&pid_, "/bin/sh", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[0]);
    if (err != 0) {
      close(fds[1]);
      pid_ = -1;
      return Fail("start '{}': {}", program_, ErrnoText(err));
    }
    stdin_ = fds[1];
    fcntl(stdin_, F_SETFL, fcntl(stdin_, F_GETFL) | O_NONBLOCK);  // writes wait with a timeout
    return {};
  }

  std::string program_;
  bool keep_alive_;
  int timeout_ms_;
  pid_t pid_ = -1;
  int stdin_ = -1;
};

}  // namespace

std::string SyslogMessage(const Alert& alert, const std::string& line, uint64_t wall_ns,
                          pid_t pid) {
  constexpr int kFacilityUser = 1;
  // Falco's priorities are syslog's severities, in the same order.
  const int pri = kFacilityUser * 8 + static_cast<int>(alert.priority);
  const time_t seconds = static_cast<time_t>(wall_ns / 1'000'000'000ull);
  tm local{};
  localtime_r(&seconds, &local);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &local);
  return fmt::format("<{}>{} vigil[{}]: {}", pri, stamp, pid, line);
}

std::unique_ptr<Deliverer> MakeStreamWriter(std::FILE* stream, bool buffered) {
  return std::make_unique<StreamWriter>(stream, buffered);
}
std::unique_ptr<Deliverer> MakeFileWriter(std::string path, bool keep_alive, bool buffered) {
  return std::make_unique<FileWriter>(std::move(path), keep_alive, buffered);
}
std::unique_ptr<Deliverer> MakeSyslogWriter(std::string socket_path) {
  return std::make_unique<SyslogWriter>(std::move(socket_path));
}
std::unique_ptr<Deliverer> MakeProgramWriter(std::string program, bool keep_alive, int timeout_ms) {
  return std::make_unique<ProgramWriter>(std::move(program), keep_alive, timeout_ms);
}

}  // namespace vigil::output
