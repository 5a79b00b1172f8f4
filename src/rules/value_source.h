// A value a check compares: a field, possibly inside transformers (tolower(proc.name)), with its
// per-event cache slot. Internal to the rules compiler.
#pragma once

#include <memory>
#include <string>

#include "rules/fields.h"

namespace vigil::rules {

enum class Transformer : uint8_t { kToLower, kToUpper, kB64, kBasename, kLen };

struct ValueSource {
  // A leaf names a field; otherwise `transform` applies to `inner`.
  FieldRef ref;
  std::unique_ptr<ValueSource> inner;
  Transformer transform = Transformer::kToLower;
  FieldType type = FieldType::kString;
  std::size_t slot = 0;       // cache of this value
  std::size_t iter_slot = 0;  // scratch for iterating the values (ref.multi_value)
  std::string text;

  bool leaf() const { return inner == nullptr; }
  bool multi_value() const { return leaf() && ref.multi_value; }

  // This event's value (cached), or null when unknown.
  const FieldValue* Get(EvalContext& ctx) const;

  // For multi-valued fields (proc.aname without an index, fd.ip): true when `test` holds for
  // one of the values (an ancestor's, parent first; either end of a socket).
  template <class Test>
  bool AnyValue(EvalContext& ctx, Test&& test) const {
    FieldArg arg = ref.arg;
    std::string& scratch = ctx.slot(iter_slot).scratch;
    for (int generation = 1; generation <= kMaxAncestors; ++generation) {
      arg.index = generation;
      FieldValue v;
      v.type = ref.def->type;
      if (!ref.def->extract(ctx, arg, v, scratch)) return false;  // the chain ended
      if (test(v)) return true;
    }
    return false;
  }

  static constexpr int kMaxAncestors = 32;
};

// Applies one transformer; false when the input cannot be transformed (e.g. bad base64).
bool ApplyTransformer(Transformer t, const FieldValue& in, FieldValue& out, std::string& scratch);
bool ParseTransformer(std::string_view name, Transformer& out);

}  // namespace vigil::rules
