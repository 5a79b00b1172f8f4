// Helpers shared by the field tables (fields_*.cpp). Internal to the rules module.
#pragma once

#include "rules/fields.h"

namespace vigil::rules::field_helpers {

using Ctx = EvalContext;

inline bool Str(FieldValue& out, std::string_view s) {
  out.type = FieldType::kString;
  out.str = s;
  return true;
}
inline bool NonEmpty(FieldValue& out, std::string_view s) { return !s.empty() && Str(out, s); }
inline bool Int(FieldValue& out, int64_t v) {
  out.type = FieldType::kInt64;
  out.i = v;
  return true;
}
inline bool Uint(FieldValue& out, uint64_t v) {
  out.type = FieldType::kUint64;
  out.u = v;
  return true;
}
inline bool Bool(FieldValue& out, bool v) {
  out.type = FieldType::kBool;
  out.b = v;
  return true;
}
// For fields whose data vigil does not produce yet: always unknown.
inline bool Unknown(Ctx&, const FieldArg&, FieldValue&, std::string&) { return false; }

}  // namespace vigil::rules::field_helpers
