#include "output/sink.h"

#include "output/format.h"

namespace vigil::output {

void StreamSink::Emit(const Alert& alert) {
  std::string line = format_ == Format::kJson ? FormatJson(alert) : FormatText(alert);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stream_);
  std::fflush(stream_);
}

void StreamSink::Flush() { std::fflush(stream_); }

}  // namespace vigil::output
