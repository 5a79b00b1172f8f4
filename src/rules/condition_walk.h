// What the analyses that read conditions ahead of time (open_interest, tcp_data_interest)
// share: list operands expanded to their literal items, and macros followed without looping.
#pragma once

#include <string>
#include <vector>

#include "rules/ast.h"
#include "rules/compiler.h"

namespace vigil::rules {

// A comparison's operand values: its list's items with list names expanded (recursively), or
// its single value.
std::vector<std::string> OperandValues(const Expr& compare, const Definitions& defs);

// The macros an analysis is inside of. Enter() gives a macro's condition to analyse, or null
// when the macro is unknown or already being expanded (a cycle); Leave() after each non-null.
class MacroStack {
 public:
  explicit MacroStack(const Definitions& defs) : defs_(defs) {}
  const Expr* Enter(const std::string& name);
  void Leave() { expanding_.pop_back(); }

 private:
  const Definitions& defs_;
  std::vector<std::string> expanding_;
};

}  // namespace vigil::rules
