// Links an HTTP attack seen in a container's log with what the sensor saw that container do:
// a log alert naming a file (path traversal, file inclusion: its `log.target`) and an alert of
// the rules engine where the same container opened that file (`fd.name`, `container.id`), both
// within a few seconds, give one more alert, at priority Alert: the attack reached the file.
//
// Not thread-safe: the agent's event loop calls Observe for every alert it emits.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "events/alert.h"

namespace vigil::logscan {

inline constexpr const char* kCorrelatedRule = "HTTP attack opened the file it named";

class FileCorrelator {
 public:
  explicit FileCorrelator(uint64_t window_ns = 5'000'000'000) : window_ns_(window_ns) {}

  // Looks at an alert on its way out; the linking alert when it completes a pair (each log line
  // and each open are linked at most once).
  std::optional<Alert> Observe(const Alert& alert);

 private:
  struct Seen {
    uint64_t time_ns;
    std::string container;
    std::string path;
    std::string key;  // log alerts: container, source and line, so a line links once
    Alert alert;
  };
  void Prune(uint64_t now_ns);

  uint64_t window_ns_;
  std::deque<Seen> log_alerts_;
  std::deque<Seen> opens_;
  std::deque<std::pair<uint64_t, std::string>> linked_lines_;
};

// The file a decoded URI names, for path traversal and file inclusion: the first parameter
// value (or the path) that climbs above its start or is an absolute path containing
// `indicator`, with its ".." resolved from "/" ("x=../../etc/passwd" -> "/etc/passwd").
// Empty when none does.
std::string TargetPath(std::string_view canonical_uri, std::string_view indicator);

}  // namespace vigil::logscan
