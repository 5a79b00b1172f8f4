// Loads Falco-language rule files: lists, macros and rules in file order (later items may
// extend earlier ones with `override` or the legacy `append`), then compiles every rule with its
// exceptions. Every problem in every file is reported (file:line:col, the line, a caret), not
// only the first; any error yields no rule set.
//
// Not thread-safe; use one loader per load.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rules/compiler.h"
#include "rules/exceptions.h"
#include "rules/ruleset.h"
#include "rules/source.h"

namespace vigil::rules {

class RuleLoader {
 public:
  RuleLoader();
  ~RuleLoader();

  // Reads and adds a file. A file that cannot be read or parsed is an error diagnostic.
  void AddFile(const std::string& path);
  // Adds rules text; `name` stands for the file name in diagnostics.
  void AddText(const std::string& name, const std::string& content);

  // Compiles all that was added. Returns null when any error was found.
  std::unique_ptr<RuleSet> Build();

  // Appends " container_id=%container.id container_name=%container.name
  // image=%container.image.repository" to every rule output that does not print container.id
  // itself, as Falco's default configuration does (append_output): the upstream files'
  // outputs name no container. Off by default (tests compare outputs exactly); vigil's
  // commands turn it on.
  void AppendContainerOutput(bool on) { append_container_output_ = on; }
  static constexpr const char* kContainerOutput =
      " container_id=%container.id container_name=%container.name "
      "image=%container.image.repository";

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  bool has_errors() const;

  struct PendingRule;
  struct ItemContext;

 private:
  void AddItem(ItemContext& item);
  void AddList(ItemContext& item);
  void AddMacro(ItemContext& item);
  void AddRule(ItemContext& item);
  void ExtendRule(ItemContext& item, PendingRule& rule);
  std::unique_ptr<Rule> CompileRule(PendingRule& pending, CompileCache& cache);
  void WarnUnproduced(const std::vector<std::unique_ptr<Rule>>& rules);

  Definitions defs_;
  std::map<std::string, std::shared_ptr<const SourceText>> macro_sources_;
  std::vector<std::unique_ptr<PendingRule>> rules_;
  std::vector<Diagnostic> diagnostics_;
  bool append_container_output_ = false;
};

// The rules built into the vigil binary (rules/vigil_rules.yaml).
std::string_view DefaultRulesText();
inline constexpr const char* kDefaultRulesName = "<built-in>/vigil_rules.yaml";

}  // namespace vigil::rules
