#include "rules/value_source.h"

#include "common/paths.h"

namespace vigil::rules {
namespace {

int B64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool DecodeBase64(std::string_view in, std::string& out) {
  out.clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    int v = B64Value(c);
    if (v < 0) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return true;
}

}  // namespace

bool ParseTransformer(std::string_view name, Transformer& out) {
  if (name == "tolower") out = Transformer::kToLower;
  else if (name == "toupper") out = Transformer::kToUpper;
  else if (name == "b64") out = Transformer::kB64;
  else if (name == "basename") out = Transformer::kBasename;
  else if (name == "len") out = Transformer::kLen;
  else return false;
  return true;
}

bool ApplyTransformer(Transformer t, const FieldValue& in, FieldValue& out, std::string& scratch) {
  out = FieldValue();
  out.type = FieldType::kString;
  switch (t) {
    case Transformer::kToLower:
    case Transformer::kToUpper:
      scratch.assign(in.str);
      for (char& c : scratch) {
        if (t == Transformer::kToLower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (t == Transformer::kToUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      out.str = scratch;
      return true;
    case Transformer::kB64:
      if (!DecodeBase64(in.str, scratch)) return false;
      out.str = scratch;
      return true;
    case Transformer::kBasename:
      out.str = BaseName(in.str);
      return true;
    case Transformer::kLen:
      out.type = FieldType::kUint64;
      out.u = in.str.size();
      return true;
  }
  return false;
}

const FieldValue* ValueSource::Get(EvalContext& ctx) const {
  if (leaf()) return Extract(ctx, ref, slot);
  auto& s = ctx.slot(slot);
  if (s.generation != ctx.generation()) {
    s.generation = ctx.generation();
    const FieldValue* base = inner->Get(ctx);
    s.known = base && ApplyTransformer(transform, *base, s.value, s.scratch);
  }
  return s.known ? &s.value : nullptr;
}

}  // namespace vigil::rules
