// Log sources: a file followed like `tail -F` (across rotation by rename and truncation),
// stdin, or a Docker container's json-file log (its JSON entries unwrapped, lines Docker split
// at 16 KiB joined again). Lines longer than kMaxLineBytes are cut there (the rest of such a
// line is dropped and counted).
//
// Not thread-safe; one thread polls all sources.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "events/container.h"

namespace vigil::logscan {

// A complete line: its text (without '\n'), its 1-based number in the file or stream, and for
// Docker logs the stream it came on ("stdout", "stderr").
using LineCallback =
    std::function<void(std::string_view line, uint64_t lineno, std::string_view stream)>;

inline constexpr std::size_t kMaxLineBytes = 1 << 20;

class LogSource {
 public:
  enum class Kind { kFile, kStdin, kDockerJson };

  // Opens `path` (a regular file or a pipe); for kDockerJson, the container it belongs to.
  static Result<std::unique_ptr<LogSource>> Open(std::string path, Kind kind,
                                                 std::optional<ContainerInfo> container = {});
  static std::unique_ptr<LogSource> Stdin();
  ~LogSource();
  LogSource(const LogSource&) = delete;
  LogSource& operator=(const LogSource&) = delete;

  // Reads what is there now, calling `on_line` for each complete line; true when it read
  // anything. With `follow`, at the end of a file it checks for rotation and truncation and
  // reopens; without, the end of input ends the source (a last line without '\n' counts).
  bool Poll(bool follow, const LineCallback& on_line);
  // Docker logs only: entries Docker read before `wall_ns` are counted (line numbers stay
  // right) but not delivered: what a container logged before the agent (or its last start).
  void SkipEntriesBefore(uint64_t wall_ns) { skip_before_ns_ = wall_ns; }
  // True once the input has ended for good (stdin or a pipe closed, or a non-followed file
  // read to its end).
  bool ended() const { return ended_; }

  Kind kind() const { return kind_; }
  const std::string& path() const { return path_; }
  const std::optional<ContainerInfo>& container() const { return container_; }
  uint64_t lines() const { return lineno_; }
  uint64_t malformed() const { return malformed_; }  // Docker entries that are not JSON
  uint64_t truncated() const { return truncated_; }  // lines cut at kMaxLineBytes
  uint64_t rotations() const { return rotations_; }

 private:
  LogSource(std::string path, Kind kind, int fd);
  bool ReadAvailable(bool follow, const LineCallback& on_line);
  void Split(std::string_view data, const LineCallback& on_line);
  void Deliver(std::string_view raw, const LineCallback& on_line);
  void Reopen(const LineCallback& on_line);
  void Emit(std::string_view line, std::string_view stream, const LineCallback& on_line);

  std::string path_;
  Kind kind_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  off_t offset_ = 0;
  bool seekable_ = false;
  bool ended_ = false;
  bool discarding_ = false;     // inside the rest of a line longer than kMaxLineBytes
  std::string pending_;         // the partial line read so far
  std::string docker_partial_;  // Docker's split line so far
  uint64_t lineno_ = 0;
  uint64_t malformed_ = 0;
  uint64_t truncated_ = 0;
  uint64_t rotations_ = 0;
  uint64_t skip_before_ns_ = 0;
  std::optional<ContainerInfo> container_;
};

}  // namespace vigil::logscan
