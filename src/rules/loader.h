// Loads Falco-language rule files: lists, macros and rules, in file order, then compiles every
// rule. Every problem in every file is reported (file:line:col, the line, a caret), not only the
// first; a file with errors yields no rule set.
//
// Not thread-safe; use one loader per load.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/compiler.h"
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

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  bool has_errors() const;

 private:
  struct PendingRule;
  void AddItem(const std::shared_ptr<const SourceFile>& file, const void* node);
  void Error(const std::shared_ptr<const SourceFile>& file, const void* node, std::string message);
  void Warn(const std::shared_ptr<const SourceFile>& file, const void* node, std::string message);

  Definitions defs_;
  std::vector<std::unique_ptr<PendingRule>> rules_;
  std::vector<Diagnostic> diagnostics_;
};

// The rules built into the vigil binary (rules/vigil_rules.yaml).
std::string_view DefaultRulesText();
inline constexpr const char* kDefaultRulesName = "<built-in>/vigil_rules.yaml";

}  // namespace vigil::rules
