#include "rules/output_format.h"

#include <fmt/core.h>

namespace vigil::rules {
namespace {
bool IsFieldChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}
}  // namespace

std::optional<OutputFormat> OutputFormat::Parse(const std::shared_ptr<const SourceText>& source,
                                                FieldSlots& slots,
                                                std::vector<Diagnostic>& diagnostics) {
  OutputFormat format;
  const std::string& text = source->text;
  std::string literal;
  bool ok = true;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '%' || i + 1 >= text.size() || !IsFieldChar(text[i + 1])) {
      literal += text[i++];
      continue;
    }
    std::size_t start = i + 1;
    std::size_t end = start;
    while (end < text.size() && IsFieldChar(text[end])) ++end;
    if (end < text.size() && text[end] == '[') {
      auto close = text.find(']', end);
      if (close == std::string::npos) {
        diagnostics.push_back(MakeDiagnostic(Diagnostic::Severity::kError,
                                             Location{source, static_cast<uint32_t>(end)},
                                             "unclosed '[' in output field"));
        ok = false;
        break;
      }
      end = close + 1;
    }
    // "file=%fd.name." ends a sentence: the trailing dot is text.
    std::size_t name_end = end;
    while (name_end > start && text[name_end - 1] == '.') --name_end;
    auto ref = ResolveField(std::string_view(text).substr(start, name_end - start));
    if (!ref) {
      diagnostics.push_back(MakeDiagnostic(Diagnostic::Severity::kError,
                                           Location{source, static_cast<uint32_t>(start)},
                                           ref.error().message + " in output"));
      ok = false;
      i = end;
      continue;
    }
    if (ref->multi_value) {  // one value to print: the first (the parent, the local end)
      ref->multi_value = false;
      ref->arg.index = 1;
      ref->arg.present = true;
    }
    if (!literal.empty()) format.segments_.push_back({std::move(literal), std::nullopt, 0});
    literal.clear();
    std::size_t slot = slots.Intern(ref->text);
    format.segments_.push_back({"", std::move(*ref), slot});
    literal.assign(text, name_end, end - name_end);
    i = end;
  }
  if (!literal.empty()) format.segments_.push_back({std::move(literal), std::nullopt, 0});
  if (!ok) return std::nullopt;
  return format;
}

void OutputFormat::Render(EvalContext& ctx, std::string& text,
                          std::vector<std::pair<std::string, FieldJsonValue>>& fields) const {
  text.clear();
  fields.clear();
  for (const auto& segment : segments_) {
    if (!segment.field) {
      text += segment.literal;
      continue;
    }
    FieldJsonValue json;
    const FieldValue* extracted = Extract(ctx, *segment.field, segment.slot);
    if (!extracted) {
      text += "<NA>";
    } else {
      const FieldValue& v = *extracted;
      switch (v.type) {
        case FieldType::kString:
          if (segment.field->def->binary) {
            std::string shown(v.str);
            for (char& ch : shown) {
              if (ch < 0x20 || ch > 0x7e) ch = '.';
            }
            text += shown;
            json = std::move(shown);
          } else {
            text += v.str;
            json = std::string(v.str);
          }
          break;
        case FieldType::kInt64:
          text += std::to_string(v.i);
          json = v.i;
          break;
        case FieldType::kUint64:
          text += std::to_string(v.u);
          json = v.u;
          break;
        case FieldType::kBool:
          text += v.b ? "true" : "false";
          json = v.b;
          break;
        case FieldType::kIpAddr:
        case FieldType::kIpNet: {
          std::string ip = FormatIpAddress(v.ip);
          text += ip;
          json = std::move(ip);
          break;
        }
      }
    }
    bool seen = false;
    for (const auto& [name, _] : fields) seen = seen || name == segment.field->text;
    if (!seen) fields.emplace_back(segment.field->text, std::move(json));
  }
}

std::vector<std::string> OutputFormat::FieldNames() const {
  std::vector<std::string> names;
  for (const auto& s : segments_) {
    if (s.field) names.push_back(s.field->text);
  }
  return names;
}

}  // namespace vigil::rules
