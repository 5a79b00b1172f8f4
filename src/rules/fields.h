// The field registry: every field a condition or an output can name, with its type, its
// argument, its description and how to extract it. One table drives the compiler's checks,
// `vigil rules fields` and docs/FIELDS.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rules/eval_context.h"

namespace vigil::rules {

enum class FieldArgKind : uint8_t {
  kNone,           // proc.name
  kIndex,          // proc.aname[2]: a number in brackets, required
  kKey,            // container.label[app] or container.label.app: text, required
};

struct FieldArg {
  int64_t index = 0;
  std::string key;
};

// Writes the value and returns true, or returns false when the value is unknown.
// `scratch` is per-slot storage for strings that must be computed.
using Extractor = bool (*)(EvalContext& ctx, const FieldArg& arg, FieldValue& out,
                           std::string& scratch);

struct FieldDef {
  std::string_view name;
  FieldType type;
  FieldArgKind arg_kind;
  std::string_view description;
  Extractor extract;
};

std::span<const FieldDef> AllFields();
std::string_view FieldTypeName(FieldType type);

// A field as written in a rule, resolved against the registry.
struct FieldRef {
  const FieldDef* def = nullptr;
  FieldArg arg;
  std::string text;  // canonical spelling: "proc.aname[2]", "container.label[app]"
};

// Resolves "proc.name", "proc.aname[2]", "container.label.app". The error names what is wrong.
Result<FieldRef> ResolveField(std::string_view text);

// Extracts with the per-event cache of `slot`.
inline bool Extract(EvalContext& ctx, const FieldRef& ref, std::size_t slot, FieldValue& out) {
  auto& s = ctx.slot(slot);
  if (s.generation != ctx.generation()) {
    s.generation = ctx.generation();
    s.value = FieldValue();
    s.value.type = ref.def->type;
    s.known = ref.def->extract(ctx, ref.arg, s.value, s.scratch);
  }
  out = s.value;
  return s.known;
}

// Text of an open's flags as Falco prints them: "O_WRONLY|O_CREAT|O_TRUNC".
std::string OpenFlagsText(uint32_t flags);

}  // namespace vigil::rules
