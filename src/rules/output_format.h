// A rule's output template ("Sensitive file opened (file=%fd.name user=%user.name)"), parsed
// once at load, rendered per alert into the text and the typed output_fields.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "events/alert.h"
#include "rules/compiler.h"
#include "rules/fields.h"
#include "rules/source.h"

namespace vigil::rules {

class OutputFormat {
 public:
  // Fields are '%name' or '%name[arg]', names made of letters, digits, '_' and '.'.
  // Unknown fields are errors at their position.
  static std::optional<OutputFormat> Parse(const std::shared_ptr<const SourceText>& source,
                                           FieldSlots& slots, std::vector<Diagnostic>& diagnostics);

  // Unknown values render as "<NA>" in the text and null in the fields; each field appears
  // once in `fields`, in order of first use.
  void Render(EvalContext& ctx, std::string& text,
              std::vector<std::pair<std::string, FieldJsonValue>>& fields) const;

  std::vector<std::string> FieldNames() const;

 private:
  struct Segment {
    std::string literal;          // when field is empty
    std::optional<FieldRef> field;
    std::size_t slot = 0;
  };
  std::vector<Segment> segments_;
};

}  // namespace vigil::rules
