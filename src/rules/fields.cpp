#include "rules/fields.h"

#include <vector>

#include <fmt/core.h>

#include "common/strings.h"

namespace vigil::rules {
namespace {

const std::vector<FieldDef>& Table() {
  static const std::vector<FieldDef> table = [] {
    std::vector<FieldDef> all;
    for (auto part : {EventFields(), ProcessFields(), FdFields(), ContainerFields()}) {
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  return table;
}

const FieldDef* Find(std::string_view name) {
  for (const auto& f : Table()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool TakesKey(FieldArgKind kind) {
  return kind == FieldArgKind::kKey || kind == FieldArgKind::kOptionalKey;
}

}  // namespace

std::span<const FieldDef> AllFields() { return Table(); }

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString: return "string";
    case FieldType::kInt64: return "int64";
    case FieldType::kUint64: return "uint64";
    case FieldType::kBool: return "bool";
    case FieldType::kIpAddr: return "ipaddr";
    case FieldType::kIpNet: return "ipnet";
  }
  return "?";
}

Result<FieldRef> ResolveField(std::string_view text) {
  std::string_view name = text;
  std::string_view bracket_arg;
  bool has_bracket = false;
  if (auto open = text.find('['); open != std::string_view::npos) {
    if (text.back() != ']') return Fail("malformed field argument in '{}'", text);
    name = text.substr(0, open);
    bracket_arg = text.substr(open + 1, text.size() - open - 2);
    has_bracket = true;
  }
  // The exact name first, then a key-taking field followed by ".key" (container.label.app),
  // the longest such field winning.
  const FieldDef* def = Find(name);
  std::string_view dotted_key;
  if (!def && !has_bracket) {
    for (const auto& f : Table()) {
      if (TakesKey(f.arg_kind) && name.size() > f.name.size() + 1 && name.starts_with(f.name) &&
          name[f.name.size()] == '.' && (!def || f.name.size() > def->name.size())) {
        def = &f;
        dotted_key = name.substr(f.name.size() + 1);
      }
    }
  }
  if (!def) return Fail("unknown field '{}'", text);

  FieldRef ref;
  ref.def = def;
  switch (def->arg_kind) {
    case FieldArgKind::kNone:
      if (has_bracket) return Fail("field '{}' takes no argument", def->name);
      ref.text = std::string(def->name);
      ref.multi_value = def->either_end;
      break;
    case FieldArgKind::kIndex:
    case FieldArgKind::kOptionalIndex: {
      if (!has_bracket) {
        if (def->arg_kind == FieldArgKind::kIndex) {
          return Fail("field '{}' needs an index, e.g. {}[1]", def->name, def->name);
        }
        ref.multi_value = true;
        ref.text = std::string(def->name);
        break;
      }
      auto index = ParseInt(bracket_arg);
      if (!index || *index < 0 || *index > 64) {
        return Fail("field '{}' needs an index from 0 to 64, not '{}'", def->name, bracket_arg);
      }
      ref.arg.index = *index;
      ref.arg.present = true;
      ref.text = fmt::format("{}[{}]", def->name, *index);
      break;
    }
    case FieldArgKind::kKey:
    case FieldArgKind::kOptionalKey: {
      std::string_view key = has_bracket ? bracket_arg : dotted_key;
      if (key.empty()) {
        if (def->arg_kind == FieldArgKind::kKey) {
          return Fail("field '{}' needs an argument, e.g. {}[name]", def->name, def->name);
        }
        ref.text = std::string(def->name);
        break;
      }
      ref.arg.key = std::string(key);
      ref.arg.present = true;
      ref.text = has_bracket ? fmt::format("{}[{}]", def->name, key) : std::string(text);
      break;
    }
  }
  return ref;
}

}  // namespace vigil::rules
