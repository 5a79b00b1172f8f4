#include "rules/source.h"

#include <fmt/core.h>

namespace vigil::rules {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Walks the file from the scalar's start, matching the scalar's characters in order. Runs of
// white space (line breaks and indentation included) match each other loosely, which is what
// YAML folding does to plain, quoted and '>' block scalars.
void MapOffset(const SourceText& src, uint32_t offset, int& line, int& column) {
  const auto& lines = src.file->lines;
  int l = src.line;
  int c = src.column;
  auto at_end = [&] { return l >= static_cast<int>(lines.size()); };
  auto current = [&]() -> char {
    if (at_end()) return '\0';
    const auto& s = lines[l];
    return c < static_cast<int>(s.size()) ? s[c] : '\n';
  };
  auto advance = [&] {
    if (at_end()) return;
    if (c < static_cast<int>(lines[l].size())) {
      ++c;
    } else {
      ++l;
      c = 0;
    }
  };
  char first = current();
  if (first == '>' || first == '|') {
    ++l;
    c = 0;
  } else if (first == '"' || first == '\'') {
    advance();
  }
  const std::string& text = src.text;
  uint32_t limit = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  for (uint32_t i = 0; i <= limit && !at_end(); ++i) {
    char want = i < text.size() ? text[i] : '\0';
    if (want == '\0') break;
    if (IsSpace(want)) {
      if (i == limit) break;
      while (!at_end() && IsSpace(current())) advance();
      continue;
    }
    // Skip source characters that folding removed (indentation, line breaks, quotes).
    int guard = 0;
    while (!at_end() && current() != want && guard++ < 4096) advance();
    if (i == limit) break;
    advance();
  }
  line = l;
  column = c;
}

}  // namespace

Diagnostic MakeFileDiagnostic(Diagnostic::Severity severity,
                              const std::shared_ptr<const SourceFile>& file, int line0, int column0,
                              std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.message = std::move(message);
  if (file) {
    d.file = file->path;
    d.line = line0 + 1;
    d.column = column0 + 1;
    if (line0 >= 0 && line0 < static_cast<int>(file->lines.size())) d.source_line = file->lines[line0];
  }
  return d;
}

std::shared_ptr<const SourceText> JoinSources(const std::shared_ptr<const SourceText>& first,
                                              const std::shared_ptr<const SourceText>& second) {
  auto joined = std::make_shared<SourceText>();
  auto add = [&](const std::shared_ptr<const SourceText>& piece) {
    const uint32_t base = static_cast<uint32_t>(joined->text.size());
    if (piece->parts.empty()) {
      joined->parts.push_back({base, piece});
    } else {
      for (const auto& p : piece->parts) joined->parts.push_back({base + p.start, p.source});
    }
    joined->text += piece->text;
  };
  add(first);
  joined->text += '\n';
  add(second);
  joined->file = first->file ? first->file : second->file;
  return joined;
}

Diagnostic MakeDiagnostic(Diagnostic::Severity severity, const Location& location,
                          std::string message) {
  if (location.source && !location.source->parts.empty()) {
    // Joined text: find the part the offset falls in.
    const auto& parts = location.source->parts;
    std::size_t i = parts.size() - 1;
    while (i > 0 && parts[i].start > location.offset) --i;
    uint32_t inner = location.offset >= parts[i].start ? location.offset - parts[i].start : 0;
    return MakeDiagnostic(severity, Location{parts[i].source, inner}, std::move(message));
  }
  if (!location.source || !location.source->file) {
    Diagnostic d;
    d.severity = severity;
    d.message = std::move(message);
    return d;
  }
  int line = 0, column = 0;
  MapOffset(*location.source, location.offset, line, column);
  return MakeFileDiagnostic(severity, location.source->file, line, column, std::move(message));
}

std::string FormatDiagnostic(const Diagnostic& d) {
  const char* kind = d.severity == Diagnostic::Severity::kError ? "error" : "warning";
  std::string out;
  if (!d.file.empty() && d.line > 0) {
    out = fmt::format("{}:{}:{}: {}: {}", d.file, d.line, d.column, kind, d.message);
  } else if (!d.file.empty()) {
    out = fmt::format("{}: {}: {}", d.file, kind, d.message);
  } else {
    out = fmt::format("{}: {}", kind, d.message);
  }
  if (!d.source_line.empty()) {
    out += "\n  " + d.source_line + "\n  ";
    for (int i = 1; i < d.column && i <= static_cast<int>(d.source_line.size()); ++i) {
      out += d.source_line[i - 1] == '\t' ? '\t' : ' ';
    }
    out += '^';
  }
  return out;
}

}  // namespace vigil::rules
