#include "output/format.h"

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace vigil::output {

std::string FormatText(const Alert& alert) {
  std::string line = FormatTimeOfDay(alert.time_ns);
  line += ": ";
  line += PriorityName(alert.priority);
  line += ' ';
  line += alert.output;
  return line;
}

std::string FormatJson(const Alert& alert, const JsonOptions& options) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [name, value] : alert.output_fields) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            fields[name] = nullptr;
          } else {
            fields[name] = v;
          }
        },
        value);
  }
  nlohmann::json j = {
      {"time", FormatRfc3339(alert.time_ns)},
      {"rule", alert.rule},
      {"priority", std::string(PriorityName(alert.priority))},
      {"output", alert.output},
      {"output_fields", std::move(fields)},
      {"source", alert.source},
      {"tags", alert.tags},
      {"hostname", alert.hostname},
  };
  if (!options.include_output) j.erase("output");
  if (!options.include_tags) j.erase("tags");
  // Untrusted bytes (paths, command lines) may be invalid UTF-8: replace, never throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vigil::output
