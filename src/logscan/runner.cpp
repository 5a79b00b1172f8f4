#include "logscan/runner.h"

#include <chrono>
#include <thread>

#include "common/clock.h"
#include "logscan/alerts.h"

namespace vigil::logscan {

LogScanRunner::LogScanRunner(const SignatureSet& signatures, Emit emit, std::string hostname)
    : scanner_(signatures), emit_(std::move(emit)), hostname_(std::move(hostname)) {}

void LogScanRunner::ScanLine(std::string_view line, const LineOrigin& origin) {
  ++stats_.lines;
  const HttpRecord record = ParseLine(line);
  if (record.has_request()) ++stats_.requests;
  const auto findings = scanner_.Scan(record);
  if (findings.empty()) return;
  const uint64_t now = WallClockNs();
  for (const Finding& finding : findings) {
    emit_(MakeAlert(finding, record, line, origin, hostname_, now));
    ++stats_.alerts;
  }
}

RunStats LogScanRunner::Run(bool follow, const std::function<bool()>& stop) {
  for (;;) {
    bool read_any = false;
    bool all_ended = true;
    for (auto& source : sources_) {
      if (stop && stop()) break;
      LineOrigin origin;
      if (source->kind() == LogSource::Kind::kFile) origin.source = source->path();
      if (source->kind() == LogSource::Kind::kStdin) origin.source = "stdin";
      if (source->container()) origin.container = &*source->container();
      read_any |= source->Poll(
          follow, [&](std::string_view line, uint64_t lineno, std::string_view stream) {
            origin.lineno = lineno;
            if (source->kind() == LogSource::Kind::kDockerJson) {
              origin.source = "docker:" + std::string(stream.empty() ? "unknown" : stream);
            }
            ScanLine(line, origin);
          });
      all_ended = all_ended && source->ended();
    }
    if (all_ended || (stop && stop())) break;
    if (!read_any) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stats_.malformed = stats_.truncated = 0;
  for (const auto& source : sources_) {
    stats_.malformed += source->malformed();
    stats_.truncated += source->truncated();
  }
  return stats_;
}

Result<std::unique_ptr<LogSource>> OpenContainerLog(const DockerClient& docker,
                                                    std::string_view container) {
  auto info = docker.InspectContainer(container);
  if (!info) return Fail(info.error());
  auto path = docker.ContainerLogPath(info->full_id.empty() ? info->id : info->full_id);
  if (!path) return Fail(path.error());
  return LogSource::Open(std::move(*path), LogSource::Kind::kDockerJson, std::move(*info));
}

}  // namespace vigil::logscan
