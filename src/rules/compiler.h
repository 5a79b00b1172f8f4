// Turns a condition's syntax tree into an executable filter: macros expanded, lists resolved,
// fields checked against the registry, operands converted to the field's type, constant sets
// pre-built. Also derives which event types the condition can match, for the rule index.
#pragma once

#include <bitset>
#include <memory>
#include <optional>
#include <set>
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

// A compiled condition node. Filters are immutable and evaluated by one thread at a time per
// EvalContext (the context carries all per-event state).
class Filter {
 public:
  virtual ~Filter() = default;
  virtual bool Eval(EvalContext& ctx) const = 0;
};
using FilterPtr = std::unique_ptr<Filter>;

struct MacroDef {
  ExprPtr condition;  // null when the macro's own condition failed to parse
  Location location;
  std::string text;   // the condition as written (append/override build on it)
};
struct ListDef {
  std::vector<ListItem> items;
  Location location;
};

struct Definitions {
  std::unordered_map<std::string, MacroDef> macros;
  std::unordered_map<std::string, ListDef> lists;
};

// Assigns each distinct value expression ("proc.aname[2]", "tolower(proc.name)") one cache
// slot, across all rules.
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

struct CompiledMacro;

// What compiling rules shares across all of them: value cache slots, and each macro compiled
// once (its result is then computed once per event, whichever rules use it).
struct CompileCache {
  FieldSlots slots;
  std::unordered_map<std::string, std::shared_ptr<const CompiledMacro>> macros;
  std::size_t macro_slots = 0;
};

struct CompiledCondition {
  FilterPtr filter;
  EventTypeSet event_types;  // the types the filter can be true for
  std::vector<std::string> fields;  // every field the condition reads, canonical spelling
  // What the condition names that vigil cannot observe yet: it loads, and those parts read as
  // unknown (fields) or never occur (event types).
  std::set<std::string> unproduced_fields;
  std::set<std::string> unproduced_event_types;
  // Whether the condition restricts the event type at all (Falco warns when it does not).
  bool restricts_event_types = false;
  // The domain names it compares addresses with (fd.sip.name = example.com): resolved ahead
  // of time by whoever evaluates it (EvalContext::set_domain_names).
  std::set<std::string> domain_names;
};

// Compiles `expr`. Errors (every one found, not only the first) are appended to `diagnostics`;
// the result is empty when there was any.
std::optional<CompiledCondition> CompileCondition(const Expr& expr, const Definitions& defs,
                                                  CompileCache& cache,
                                                  std::vector<Diagnostic>& diagnostics);

EventTypeSet AllEventTypes();

}  // namespace vigil::rules
