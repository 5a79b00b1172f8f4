#include "rules/condition_walk.h"

#include <algorithm>

namespace vigil::rules {
namespace {

void Expand(const Definitions& defs, const std::vector<ListItem>& items,
            std::vector<std::string>& out, int depth) {
  for (const auto& item : items) {
    auto it = item.quoted ? defs.lists.end() : defs.lists.find(item.text);
    if (it != defs.lists.end() && depth < 32) {
      Expand(defs, it->second.items, out, depth + 1);
    } else {
      out.push_back(item.text);
    }
  }
}

}  // namespace

std::vector<std::string> OperandValues(const Expr& compare, const Definitions& defs) {
  std::vector<std::string> values;
  if (IsListOp(compare.op)) {
    Expand(defs, compare.list, values, 0);
  } else {
    values.push_back(compare.value);
  }
  return values;
}

const Expr* MacroStack::Enter(const std::string& name) {
  auto it = defs_.macros.find(name);
  if (it == defs_.macros.end() || !it->second.condition) return nullptr;
  if (std::find(expanding_.begin(), expanding_.end(), name) != expanding_.end()) return nullptr;
  expanding_.push_back(name);
  return it->second.condition.get();
}

}  // namespace vigil::rules
