// Turns a condition's syntax tree into an executable filter: macros expanded, lists resolved,
// fields checked against the registry, operands converted to the field's type, constant sets
// pre-built. Also derives which event types the condition can match, for the rule index.
#pragma once

#include <bitset>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/event.h"
#include "rules/ast.h"
#include "rules/eval_context.h"
#include "rules/fields.h"
#include "rules/source.h"

namespace vigil::rules {

using EventTypeSet = std::bitset<kEventTypeCount>;

class Filter {
 public:
  virtual ~Filter() = default;
  virtual bool Eval(EvalContext& ctx) const = 0;
};
using FilterPtr = std::unique_ptr<Filter>;

struct MacroDef {
  ExprPtr condition;  // null when the macro's own condition failed to parse
  Location location;
};
struct ListDef {
  std::vector<ListItem> items;
  Location location;
};

struct Definitions {
  std::unordered_map<std::string, MacroDef> macros;
  std::unordered_map<std::string, ListDef> lists;
};

// Assigns each distinct field reference ("proc.aname[2]") one cache slot, across all rules.
class FieldSlots {
 public:
  std::size_t Intern(const std::string& text) {
    auto [it, inserted] = slots_.try_emplace(text, slots_.size());
    return it->second;
  }
  std::size_t size() const { return slots_.size(); }

 private:
  std::unordered_map<std::string, std::size_t> slots_;
};

struct CompiledCondition {
  FilterPtr filter;
  EventTypeSet event_types;  // the types the filter can be true for
  std::vector<std::string> fields;  // every field the condition reads, canonical spelling
};

// Compiles `expr`. Errors (every one found, not only the first) are appended to `diagnostics`;
// the result is empty when there was any.
std::optional<CompiledCondition> CompileCondition(const Expr& expr, const Definitions& defs,
                                                  FieldSlots& slots,
                                                  std::vector<Diagnostic>& diagnostics);

// A single field value against a parsed operand — shared by the compiler and the tests.
EventTypeSet AllEventTypes();

}  // namespace vigil::rules
