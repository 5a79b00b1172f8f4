// One alert destination (stdout, a file, syslog, a program, HTTP) with its own queue and
// thread: the event loop hands alerts over and never waits on a slow destination. Every alert
// is delivered or counted as dropped (Stats), never silently lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/result.h"
#include "events/alert.h"
#include "output/format.h"

namespace vigil::output {

struct OutputStats {
  uint64_t delivered = 0;
  uint64_t dropped = 0;          // alerts that will never be delivered: queue full, gave up
  uint64_t failed_attempts = 0;  // deliveries that failed (some retried later)
  uint64_t queued = 0;           // waiting in memory now
  uint64_t spilled = 0;          // waiting in the spill file now (HTTP)
};

// How the line outputs render an alert (falco.yaml's json_output and json_include_*).
struct LineFormat {
  bool json = false;
  JsonOptions json_options;
  bool buffered = false;  // falco.yaml's buffered_outputs: flush when the queue runs dry
  bool operator==(const LineFormat& o) const {
    return json == o.json && json_options.include_output == o.json_options.include_output &&
           json_options.include_tags == o.json_options.include_tags && buffered == o.buffered;
  }
};

std::string RenderLine(const Alert& alert, const LineFormat& format);

// Thread-safety: Enqueue, Stats and Reopen may be called from any thread; Close once, from
// the owner, after which Enqueue counts the alert as dropped.
class Output {
 public:
  virtual ~Output() = default;
  virtual const std::string& name() const = 0;
  // Never blocks: queues the alert, or counts it as dropped when the queue is full.
  virtual void Enqueue(const Alert& alert) = 0;
  virtual OutputStats Stats() const = 0;
  // Reopens files (SIGUSR1, after logrotate moved them); a no-op for most outputs.
  virtual void Reopen() {}
  // Delivers what is queued within `grace`, then stops; what is left is spilled or dropped.
  virtual void Close(std::chrono::milliseconds grace) = 0;
};

// Where an output's thread sends each alert; blocking is fine there.
// Used by one thread at a time (the output's).
class Deliverer {
 public:
  virtual ~Deliverer() = default;
  // `line` is the alert rendered as the output's LineFormat says (no trailing newline).
  virtual Status Deliver(const Alert& alert, const std::string& line) = 0;
  virtual void Flush() {}
  virtual void Reopen() {}
  virtual void Close() {}
};

}  // namespace vigil::output
