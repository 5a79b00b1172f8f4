#include "logscan/alerts.h"

#include <fmt/core.h>

#include "common/strings.h"

namespace vigil::logscan {
namespace {

FieldJsonValue TextOrNull(std::string_view text, std::size_t max = 1024) {
  if (text.empty()) return std::monostate{};
  return EscapeForDisplay(text, max);
}

std::string Shown(const FieldJsonValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<int64_t>(&value)) return std::to_string(*number);
  if (const auto* number = std::get_if<uint64_t>(&value)) return std::to_string(*number);
  return "<NA>";
}

}  // namespace

Alert MakeAlert(const Finding& finding, const HttpRecord& record, std::string_view line,
                const LineOrigin& origin, const std::string& hostname, uint64_t time_ns) {
  Alert alert;
  alert.time_ns = time_ns;
  alert.rule = finding.attack->rule;
  alert.priority = finding.priority;
  alert.source = "logs";
  alert.tags = finding.attack->tags;
  alert.hostname = hostname;
  const ContainerInfo* c = origin.container;
  auto& f = alert.output_fields;
  f.emplace_back("log.indicator", TextOrNull(finding.indicator, 256));
  if (finding.attack->names_file) f.emplace_back("log.target", TextOrNull(finding.target, 256));
  f.emplace_back("log.signature", finding.signature->id);
  f.emplace_back("log.field", std::string(FieldName(finding.field)));
  f.emplace_back("http.method", TextOrNull(record.method));
  f.emplace_back("http.uri", TextOrNull(record.uri));
  f.emplace_back("http.status", record.status > 0 ? FieldJsonValue(int64_t{record.status})
                                                  : FieldJsonValue(std::monostate{}));
  f.emplace_back("http.user_agent", TextOrNull(record.user_agent));
  f.emplace_back("http.referer", TextOrNull(record.referer));
  f.emplace_back("http.client_ip", TextOrNull(record.client, 64));
  f.emplace_back("container.id", c ? FieldJsonValue(c->id) : FieldJsonValue(std::monostate{}));
  f.emplace_back("container.name", c ? TextOrNull(c->name) : FieldJsonValue(std::monostate{}));
  f.emplace_back("container.image.repository",
                 c ? TextOrNull(c->image_repository) : FieldJsonValue(std::monostate{}));
  f.emplace_back("log.source", origin.source);
  f.emplace_back("log.lineno", origin.lineno);
  f.emplace_back("log.format", std::string(LogFormatName(record.format)));
  f.emplace_back("log.line", EscapeForDisplay(line, kMaxLineExcerpt));
  std::string output = fmt::format("{} (", finding.attack->rule);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i].first == "log.line") continue;  // the fields above already say it, shorter
    output += fmt::format("{}{}={}", i == 0 ? "" : " ", f[i].first, Shown(f[i].second));
  }
  alert.output = output + ")";
  return alert;
}

}  // namespace vigil::logscan
