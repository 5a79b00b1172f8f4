// Runs the scanner over log sources: every line of every source parsed, scanned, and each
// finding handed to `emit` as an alert. One thread; sources are polled in turn (every 100 ms
// when all are idle).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "events/alert.h"
#include "logscan/alerts.h"
#include "logscan/scanner.h"
#include "logscan/source.h"
#include "runtime/docker_client.h"

namespace vigil::logscan {

struct RunStats {
  uint64_t lines = 0;
  uint64_t requests = 0;  // lines where an HTTP request was found
  uint64_t alerts = 0;
  uint64_t malformed = 0;  // Docker log entries that were not JSON
  uint64_t truncated = 0;  // lines cut at kMaxLineBytes
};

class LogScanRunner {
 public:
  using Emit = std::function<void(const Alert&)>;
  // `signatures` must outlive the runner.
  LogScanRunner(const SignatureSet& signatures, Emit emit, std::string hostname);

  void Add(std::unique_ptr<LogSource> source) { sources_.push_back(std::move(source)); }
  // Without `follow`: reads every source to its end. With it: until `stop` returns true (polled
  // between reads) or every source has ended for good.
  RunStats Run(bool follow, const std::function<bool()>& stop);
  RunStats Stats() const;
  // One round over every source; true when any read something.
  bool PollOnce(bool follow);
  // The container log sources (by the container's 12-character id).
  bool HasContainer(const std::string& id) const;
  void RemoveContainer(const std::string& id);
  std::vector<std::string> ContainerIds() const;
  // Scans one line as if read from `origin` (what Run does for each line).
  void ScanLine(std::string_view line, const LineOrigin& origin);

 private:
  Scanner scanner_;
  Emit emit_;
  std::string hostname_;
  std::vector<std::unique_ptr<LogSource>> sources_;
  RunStats stats_;
};

// A container's json-file log as a source: the container (id, id prefix or name) inspected
// through the Engine API for its metadata and LogPath. An error when it does not exist or logs
// through another driver.
Result<std::unique_ptr<LogSource>> OpenContainerLog(const DockerClient& docker,
                                                    std::string_view container);

}  // namespace vigil::logscan
