// Where alerts go. This slice: stdout, as text or JSON lines. Later: file, syslog, program,
// HTTP, falcosidekick (DESIGN.md §1).
#pragma once

#include <cstdio>
#include <memory>

#include "events/alert.h"

namespace vigil::output {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void Emit(const Alert& alert) = 0;
  virtual void Flush() = 0;
};

enum class Format { kText, kJson };

// Writes one line per alert to `stream` and flushes after each (alerts are rare and must not
// sit in a buffer when the agent is killed). Not thread-safe.
class StreamSink final : public AlertSink {
 public:
  StreamSink(std::FILE* stream, Format format) : stream_(stream), format_(format) {}
  void Emit(const Alert& alert) override;
  void Flush() override;

 private:
  std::FILE* stream_;
  Format format_;
};

}  // namespace vigil::output
