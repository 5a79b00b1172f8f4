// Where rule text came from, and diagnostics that point into it:
//   rules.yaml:12:18: error: unknown field 'proc.nme'
//     condition: proc.nme = cat
//                ^
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vigil::rules {

// One YAML file's text, split into lines, shared by every SourceText taken from it.
struct SourceFile {
  std::string path;
  std::vector<std::string> lines;
};

// One scalar taken from a rules file (a condition, an output), and where it starts; or text
// joined from several such scalars (a condition extended by append/override), which keeps
// where each part begins so positions still map to the right file and line.
struct SourceText {
  std::shared_ptr<const SourceFile> file;  // null for text that came from no file
  std::string text;
  int line = 0;    // 0-based line of the YAML scalar (yaml-cpp's Mark)
  int column = 0;  // 0-based column
  struct Part {
    uint32_t start;  // offset of the part in `text`
    std::shared_ptr<const SourceText> source;
  };
  std::vector<Part> parts;  // empty for a single scalar
};

// `first` followed by `second`, separated by a line break, as Falco appends conditions.
std::shared_ptr<const SourceText> JoinSources(const std::shared_ptr<const SourceText>& first,
                                              const std::shared_ptr<const SourceText>& second);

// A position inside a SourceText.
struct Location {
  std::shared_ptr<const SourceText> source;
  uint32_t offset = 0;
};

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string message;
  std::string source_line;  // the offending line, for the caret display; may be empty
};

// Maps `location` to its file line and column (following YAML's folding of multi-line scalars).
Diagnostic MakeDiagnostic(Diagnostic::Severity severity, const Location& location,
                          std::string message);
Diagnostic MakeFileDiagnostic(Diagnostic::Severity severity, const std::shared_ptr<const SourceFile>& file,
                              int line0, int column0, std::string message);

// "file:line:col: error: message", then the line and a caret under the column.
std::string FormatDiagnostic(const Diagnostic& diagnostic);

}  // namespace vigil::rules
