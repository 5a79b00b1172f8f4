#include <cstdio>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/log.h"
#include "rules/fields.h"
#include "rules/loader.h"

namespace vigil::cli {


namespace {

std::unique_ptr<rules::RuleSet> Load(const std::vector<std::string>& files, bool all_warnings) {
  rules::RuleLoader loader;
  const bool builtin = files.empty();
  if (builtin) loader.AddText(rules::kDefaultRulesName, std::string(rules::DefaultRulesText()));
  for (const auto& f : files) loader.AddFile(f);
  auto set = loader.Build();
  std::size_t warnings = 0;
  for (const auto& d : loader.diagnostics()) {
    if (d.severity == rules::Diagnostic::Severity::kWarning && !all_warnings) {
      ++warnings;
      continue;
    }
    fmt::print(stderr, "{}\n", rules::FormatDiagnostic(d));
  }
  if (set && builtin && !all_warnings) {
    // The built-in rules are vigil's own: say once how many can alert today, not each gap.
    std::size_t waiting = 0;
    for (const auto& rule : set->rules()) {
      bool alertable = false;
      for (std::size_t t = 0; t < kEventTypeCount; ++t) {
        alertable = alertable || (rule->condition.event_types.test(t) &&
                                  EventTypeProduced(static_cast<EventType>(t)));
      }
      if (!alertable) ++waiting;
    }
    log::Info("built-in rules: {} loaded, {} wait for events the sensor does not capture yet "
              "({} notes: `vigil rules validate` lists them)",
              set->rules().size(), waiting, warnings);
  }
  return set;
}

}  // namespace

std::unique_ptr<rules::RuleSet> LoadRulesOrReport(const std::vector<std::string>& files) {
  return Load(files, /*all_warnings=*/!files.empty());
}

int RulesValidate(const std::vector<std::string>& files) {
  if (files.empty()) {  // the built-in rules
    auto set = Load({}, /*all_warnings=*/true);
    fmt::print("{}: {}\n", rules::kDefaultRulesName,
               set ? fmt::format("ok ({} rules)", set->rules().size()) : "invalid");
    return set ? 0 : 1;
  }
  int failed = 0;
  for (const auto& file : files) {
    auto set = Load({file}, /*all_warnings=*/true);
    if (!set) {
      fmt::print("{}: invalid\n", file);
      ++failed;
    } else {
      fmt::print("{}: ok ({} rules)\n", file, set->rules().size());
    }
  }
  return failed ? 1 : 0;
}

int RulesList(const std::vector<std::string>& files, bool json) {
  auto set = LoadRulesOrReport(files);
  if (!set) return 1;
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : set->rules()) {
      out.push_back({{"rule", r->name}, {"priority", std::string(PriorityName(r->priority))},
                     {"enabled", r->enabled}, {"tags", r->tags}, {"desc", r->description},
                     {"file", r->file}, {"line", r->line}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  for (const auto& r : set->rules()) {
    fmt::print("{:<60} {:<13} {}\n", r->name, PriorityName(r->priority),
               r->enabled ? "enabled" : "disabled");
  }
  return 0;
}

int RulesFields(bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : rules::AllFields()) {
      std::string arg = f.arg_kind == rules::FieldArgKind::kIndex ? "index"
                        : f.arg_kind == rules::FieldArgKind::kKey ? "key"
                                                                  : "none";
      out.push_back({{"name", std::string(f.name)},
                     {"type", std::string(rules::FieldTypeName(f.type))},
                     {"arg", arg},
                     {"desc", std::string(f.description)}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  for (const auto& f : rules::AllFields()) {
    std::string name(f.name);
    if (f.arg_kind == rules::FieldArgKind::kIndex) name += "[N]";
    if (f.arg_kind == rules::FieldArgKind::kKey) name += "[KEY]";
    fmt::print("{:<28} {:<7} {}\n", name, rules::FieldTypeName(f.type), f.description);
  }
  return 0;
}

}  // namespace vigil::cli
