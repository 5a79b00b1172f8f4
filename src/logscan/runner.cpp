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

bool LogScanRunner::PollOnce(bool follow) {
  bool read_any = false;
  for (auto& source : sources_) {
    LineOrigin origin;
    if (source->kind() == LogSource::Kind::kFile) origin.source = source->path();
    if (source->kind() == LogSource::Kind::kStdin) origin.source = "stdin";
    if (source->container()) origin.container = &*source->container();
    read_any |=
        source->Poll(follow, [&](std::string_view line, uint64_t lineno, std::string_view stream) {
          origin.lineno = lineno;
          if (source->kind() == LogSource::Kind::kDockerJson) {
            origin.source = "docker:" + std::string(stream.empty() ? "unknown" : stream);
          }
          ScanLine(line, origin);
        });
  }
  return read_any;
}

RunStats LogScanRunner::Run(bool follow, const std::function<bool()>& stop) {
  for (;;) {
    const bool read_any = PollOnce(follow);
    bool all_ended = true;
    for (const auto& source : sources_) all_ended = all_ended && source->ended();
    if (all_ended || (stop && stop())) break;
    if (!read_any) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Stats();
}

RunStats LogScanRunner::Stats() const {
  RunStats stats = stats_;
  for (const auto& source : sources_) {
    stats.malformed += source->malformed();
    stats.truncated += source->truncated();
  }
  return stats;
}

bool LogScanRunner::HasContainer(const std::string& id) const {
  for (const auto& source : sources_) {
    if (source->container() && source->container()->id == id) return true;
  }
  return false;
}

void LogScanRunner::RemoveContainer(const std::string& id) {
  std::erase_if(sources_, [&](const std::unique_ptr<LogSource>& source) {
    return source->container() && source->container()->id == id;
  });
}

std::vector<std::string> LogScanRunner::ContainerIds() const {
  std::vector<std::string> ids;
  for (const auto& source : sources_) {
    if (source->container()) ids.push_back(source->container()->id);
  }
  return ids;
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
