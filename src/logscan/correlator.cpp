#include "logscan/correlator.h"

#include <fmt/core.h>

#include <vector>

#include "logscan/decode.h"

namespace vigil::logscan {
namespace {

std::string FieldText(const Alert& alert, std::string_view name) {
  for (const auto& [key, value] : alert.output_fields) {
    if (key != name) continue;
    if (const auto* text = std::get_if<std::string>(&value)) return *text;
    if (const auto* number = std::get_if<uint64_t>(&value)) return std::to_string(*number);
  }
  return {};
}

// "/"-resolution of a path: ".." above the root stays at the root; "." and "" vanish.
std::string Resolve(std::string_view path) {
  std::vector<std::string_view> stack;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == ".." || segment == "..;") {
      if (!stack.empty()) stack.pop_back();
    } else if (!segment.empty() && segment != ".") {
      stack.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view s : stack) out += "/" + std::string(s);
  return out.empty() ? "/" : out;
}

Alert Linked(const Alert& log_alert, const Alert& open_alert, const std::string& path) {
  Alert out;
  out.time_ns = std::max(log_alert.time_ns, open_alert.time_ns);
  out.rule = kCorrelatedRule;
  out.priority = Priority::kAlert;
  out.source = "logs";
  out.tags = {"web", "attack", "correlated", "mitre_initial_access", "T1190"};
  out.hostname = log_alert.hostname;
  auto& f = out.output_fields;
  f.emplace_back("fd.name", path);
  f.emplace_back("container.id", FieldText(log_alert, "container.id"));
  f.emplace_back("container.name", FieldText(log_alert, "container.name"));
  f.emplace_back("proc.name", FieldText(open_alert, "proc.name"));
  f.emplace_back("http.uri", FieldText(log_alert, "http.uri"));
  f.emplace_back("log.rule", log_alert.rule);
  f.emplace_back("log.source", FieldText(log_alert, "log.source"));
  f.emplace_back("log.lineno", FieldText(log_alert, "log.lineno"));
  f.emplace_back("syscall.rule", open_alert.rule);
  out.output = fmt::format(
      "{} (fd.name={} container.id={} container.name={} proc.name={} http.uri={} log.rule={} "
      "log.lineno={} syscall.rule={})",
      out.rule, path, FieldText(log_alert, "container.id"), FieldText(log_alert, "container.name"),
      FieldText(open_alert, "proc.name"), FieldText(log_alert, "http.uri"), log_alert.rule,
      FieldText(log_alert, "log.lineno"), open_alert.rule);
  return out;
}

}  // namespace

std::string TargetPath(std::string_view uri, std::string_view indicator) {
  std::vector<std::string_view> parts;
  const auto question = uri.find('?');
  parts.push_back(uri.substr(0, question));
  std::string_view query = question == std::string_view::npos ? "" : uri.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    parts.push_back(equals == std::string_view::npos ? pair : pair.substr(equals + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  for (std::string_view part : parts) {
    const bool climbs = EscapesRoot(part);
    const bool names = indicator.starts_with('/') && part.starts_with('/') &&
                       part.find(indicator) != std::string_view::npos;
    if (climbs || names) return Resolve(part);
  }
  return {};
}

void FileCorrelator::Prune(uint64_t now_ns) {
  const uint64_t oldest = now_ns > window_ns_ ? now_ns - window_ns_ : 0;
  while (!log_alerts_.empty() && log_alerts_.front().time_ns < oldest) log_alerts_.pop_front();
  while (!opens_.empty() && opens_.front().time_ns < oldest) opens_.pop_front();
  while (!linked_lines_.empty() && linked_lines_.front().first < oldest) {
    linked_lines_.pop_front();
  }
}

std::optional<Alert> FileCorrelator::Observe(const Alert& alert) {
  Prune(alert.time_ns);
  const std::string container = FieldText(alert, "container.id");
  if (container.empty() || container == "host") return std::nullopt;
  if (alert.source == "logs" && alert.rule != kCorrelatedRule) {
    Seen seen{alert.time_ns, container, FieldText(alert, "log.target"), "", alert};
    if (seen.path.empty()) return std::nullopt;
    seen.key =
        container + "\n" + FieldText(alert, "log.source") + "\n" + FieldText(alert, "log.lineno");
    for (const auto& [time, key] : linked_lines_) {
      if (key == seen.key) return std::nullopt;
    }
    for (auto it = opens_.begin(); it != opens_.end(); ++it) {
      if (it->container != container || it->path != seen.path) continue;
      Alert linked = Linked(alert, it->alert, seen.path);
      opens_.erase(it);
      linked_lines_.emplace_back(alert.time_ns, seen.key);
      return linked;
    }
    log_alerts_.push_back(std::move(seen));
    return std::nullopt;
  }
  if (alert.source != "syscall") return std::nullopt;
  Seen open{alert.time_ns, container, FieldText(alert, "fd.name"), "", alert};
  if (open.path.empty()) return std::nullopt;
  for (auto it = log_alerts_.begin(); it != log_alerts_.end(); ++it) {
    if (it->container != container || it->path != open.path) continue;
    Alert linked = Linked(it->alert, alert, open.path);
    const std::string key = it->key;
    linked_lines_.emplace_back(alert.time_ns, key);
    std::erase_if(log_alerts_, [&](const Seen& s) { return s.key == key; });
    return linked;
  }
  opens_.push_back(std::move(open));
  return std::nullopt;
}

}  // namespace vigil::logscan
