#include "rules/compiler.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include <fmt/core.h>
#include <re2/re2.h>

#include "common/glob.h"
#include "common/strings.h"

namespace vigil::rules {
namespace {

// ------------------------------------------------------------------------------ filter nodes

class AndFilter final : public Filter {
 public:
  explicit AndFilter(std::vector<FilterPtr> children) : children_(std::move(children)) {}
  bool Eval(EvalContext& ctx) const override {
    for (const auto& c : children_) {
      if (!c->Eval(ctx)) return false;
    }
    return true;
  }

 private:
  std::vector<FilterPtr> children_;
};

class OrFilter final : public Filter {
 public:
  explicit OrFilter(std::vector<FilterPtr> children) : children_(std::move(children)) {}
  bool Eval(EvalContext& ctx) const override {
    for (const auto& c : children_) {
      if (c->Eval(ctx)) return true;
    }
    return false;
  }

 private:
  std::vector<FilterPtr> children_;
};

class NotFilter final : public Filter {
 public:
  explicit NotFilter(FilterPtr child) : child_(std::move(child)) {}
  bool Eval(EvalContext& ctx) const override { return !child_->Eval(ctx); }

 private:
  FilterPtr child_;
};

// Base of every field check: extraction through the per-event cache. An unknown value makes
// every check false (as in Falco), except 'exists', which is exactly that question.
class FieldFilter : public Filter {
 public:
  FieldFilter(FieldRef ref, std::size_t slot) : ref_(std::move(ref)), slot_(slot) {}

 protected:
  bool Get(EvalContext& ctx, FieldValue& v) const { return Extract(ctx, ref_, slot_, v); }
  FieldRef ref_;
  std::size_t slot_;
};

class ExistsFilter final : public FieldFilter {
 public:
  using FieldFilter::FieldFilter;
  bool Eval(EvalContext& ctx) const override {
    FieldValue v;
    return Get(ctx, v);
  }
};

bool ContainsFolded(std::string_view hay, std::string_view lowered_needle) {
  if (lowered_needle.empty()) return true;
  if (hay.size() < lowered_needle.size()) return false;
  for (std::size_t i = 0; i + lowered_needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    for (; k < lowered_needle.size(); ++k) {
      char c = hay[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != lowered_needle[k]) break;
    }
    if (k == lowered_needle.size()) return true;
  }
  return false;
}

class StringFilter final : public FieldFilter {
 public:
  StringFilter(FieldRef ref, std::size_t slot, Op op, std::string operand)
      : FieldFilter(std::move(ref), slot), op_(op), operand_(std::move(operand)) {
    if (op_ == Op::kIContains) operand_ = ToLower(operand_);
  }
  bool Eval(EvalContext& ctx) const override {
    FieldValue v;
    if (!Get(ctx, v)) return false;
    std::string_view s = v.str;
    switch (op_) {
      case Op::kEq: return s == operand_;
      case Op::kNe: return s != operand_;
      case Op::kContains:
      case Op::kBContains: return s.find(operand_) != std::string_view::npos;
      case Op::kIContains: return ContainsFolded(s, operand_);
      case Op::kStartsWith:
      case Op::kBStartsWith: return s.starts_with(operand_);
      case Op::kEndsWith: return s.ends_with(operand_);
      case Op::kGlob: return GlobMatch(operand_, s);
      case Op::kIGlob: return GlobMatch(operand_, s, true);
      default: return false;
    }
  }

 private:
  Op op_;
  std::string operand_;
};

class RegexFilter final : public FieldFilter {
 public:
  RegexFilter(FieldRef ref, std::size_t slot, std::unique_ptr<re2::RE2> re)
      : FieldFilter(std::move(ref), slot), re_(std::move(re)) {}
  bool Eval(EvalContext& ctx) const override {
    FieldValue v;
    if (!Get(ctx, v)) return false;
    return re2::RE2::PartialMatch(re2::StringPiece(v.str.data(), v.str.size()), *re_);
  }

 private:
  std::unique_ptr<re2::RE2> re_;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class StringSetFilter final : public FieldFilter {
 public:
  StringSetFilter(FieldRef ref, std::size_t slot, const std::vector<std::string>& items)
      : FieldFilter(std::move(ref), slot), items_(items.begin(), items.end()) {}
  bool Eval(EvalContext& ctx) const override {
    FieldValue v;
    if (!Get(ctx, v)) return false;
    return items_.find(v.str) != items_.end();
  }

 private:
  std::unordered_set<std::string, StringHash, std::equal_to<>> items_;
};

// pmatch: the value is one of the paths or lies below one of them.
class PathPrefixFilter final : public FieldFilter {
 public:
  PathPrefixFilter(FieldRef ref, std::size_t slot, std::vector<std::string> prefixes)
      : FieldFilter(std::move(ref), slot), prefixes_(std::move(prefixes)) {
    for (auto& p : prefixes_) {
      while (p.size() > 1 && p.back() == '/') p.pop_back();
    }
  }
  bool Eval(EvalContext& ctx) const override {
    FieldValue v;
    if (!Get(ctx, v)) return false;
    for (const auto& p : prefixes_) {
      if (!v.str.starts_with(p)) continue;
      if (v.str.size() == p.size() || p == "/" || v.str[p.size()] == '/') return true;
    }
    return false;
  }

 private:
  std::vector<std::string> prefixes_;
};

__int128 AsWide(const FieldValue& v) {
  switch (v.type) {
    case FieldType::kInt64: return v.i;
    case FieldType::kUint64: return v.u;
    case FieldType::kBool: return v.b ? 1 : 0;
    case FieldType::kString: return 0;
  }
  return 0;
}

class NumberFilter final : public FieldFilter {
 public:
  NumberFilter(FieldRef ref, std::size_t slot, Op op, std::vector<__int128> operands)
      : FieldFilter(std::move(ref), slot), op_(op), operands_(std::move(operands)) {}
  bool Eval(EvalContext& ctx) const override {
    FieldValue v;
    if (!Get(ctx, v)) return false;
    __int128 x = AsWide(v);
    switch (op_) {
      case Op::kEq: return x == operands_[0];
      case Op::kNe: return x != operands_[0];
      case Op::kLt: return x < operands_[0];
      case Op::kLe: return x <= operands_[0];
      case Op::kGt: return x > operands_[0];
      case Op::kGe: return x >= operands_[0];
      case Op::kIn:
      case Op::kIntersects:
        return std::find(operands_.begin(), operands_.end(), x) != operands_.end();
      default: return false;
    }
  }

 private:
  Op op_;
  std::vector<__int128> operands_;
};

// ------------------------------------------------------------------------------ compiler

bool OpAllowed(FieldType type, Op op) {
  if (op == Op::kExists) return true;
  switch (type) {
    case FieldType::kString:
      return op != Op::kLt && op != Op::kLe && op != Op::kGt && op != Op::kGe;
    case FieldType::kInt64:
    case FieldType::kUint64:
      return op == Op::kEq || op == Op::kNe || op == Op::kLt || op == Op::kLe || op == Op::kGt ||
             op == Op::kGe || op == Op::kIn || op == Op::kIntersects;
    case FieldType::kBool:
      return op == Op::kEq || op == Op::kNe;
  }
  return false;
}

struct Compiled {
  FilterPtr filter;
  EventTypeSet types;
  bool evttype_only = false;  // built only from evt.type checks: 'not' may invert its set
};

class Compiler {
 public:
  Compiler(const Definitions& defs, FieldSlots& slots, std::vector<Diagnostic>& diagnostics)
      : defs_(defs), slots_(slots), diagnostics_(diagnostics) {}

  std::optional<Compiled> Compile(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr: return CompileBinary(e);
      case Expr::Kind::kNot: {
        auto child = Compile(*e.children[0]);
        if (!child) return std::nullopt;
        Compiled out;
        out.evttype_only = child->evttype_only;
        out.types = child->evttype_only ? ~child->types : AllEventTypes();
        out.filter = std::make_unique<NotFilter>(std::move(child->filter));
        return out;
      }
      case Expr::Kind::kMacro: return CompileMacro(e);
      case Expr::Kind::kCompare: return CompileCompare(e);
    }
    return std::nullopt;
  }

  std::vector<std::string> fields_used;

 private:
  void Error(const Location& at, std::string message) {
    diagnostics_.push_back(MakeDiagnostic(Diagnostic::Severity::kError, at, std::move(message)));
  }

  std::optional<Compiled> CompileBinary(const Expr& e) {
    const bool is_and = e.kind == Expr::Kind::kAnd;
    std::vector<FilterPtr> children;
    Compiled out;
    out.types = is_and ? AllEventTypes() : EventTypeSet();
    out.evttype_only = true;
    bool failed = false;
    for (const auto& child_expr : e.children) {
      auto child = Compile(*child_expr);  // keep going: report every error
      if (!child) {
        failed = true;
        continue;
      }
      out.types = is_and ? (out.types & child->types) : (out.types | child->types);
      out.evttype_only = out.evttype_only && child->evttype_only;
      children.push_back(std::move(child->filter));
    }
    if (failed) return std::nullopt;
    if (is_and) {
      out.filter = std::make_unique<AndFilter>(std::move(children));
    } else {
      out.filter = std::make_unique<OrFilter>(std::move(children));
    }
    return out;
  }

  std::optional<Compiled> CompileMacro(const Expr& e) {
    auto it = defs_.macros.find(e.name);
    if (it == defs_.macros.end()) {
      if (defs_.lists.contains(e.name)) {
        Error(e.location, fmt::format("'{}' is a list, not a macro: use it inside an operator's "
                                      "list, e.g. proc.name in ({})", e.name, e.name));
      } else {
        Error(e.location, fmt::format("unknown macro '{}'", e.name));
      }
      return std::nullopt;
    }
    if (!it->second.condition) {
      Error(e.location, fmt::format("macro '{}' has an invalid condition", e.name));
      return std::nullopt;
    }
    if (std::find(expanding_.begin(), expanding_.end(), e.name) != expanding_.end()) {
      Error(e.location, fmt::format("macro '{}' refers to itself", e.name));
      return std::nullopt;
    }
    expanding_.push_back(e.name);
    auto out = Compile(*it->second.condition);
    expanding_.pop_back();
    return out;
  }

  // Expands list names (recursively) into their literal items.
  void ExpandItems(const std::vector<ListItem>& items, std::vector<std::string>& out, int depth) {
    for (const auto& item : items) {
      if (!item.quoted) {
        auto it = defs_.lists.find(item.text);
        if (it != defs_.lists.end()) {
          if (depth > 32) {
            Error(item.location, fmt::format("list '{}' nests too deeply (a cycle?)", item.text));
            continue;
          }
          ExpandItems(it->second.items, out, depth + 1);
          continue;
        }
      }
      out.push_back(item.text);
    }
  }

  std::optional<__int128> ParseNumber(const std::string& text, FieldType type) {
    if (type == FieldType::kUint64) {
      if (auto u = ParseUint(text)) return *u;
    }
    if (auto i = ParseInt(text)) return *i;
    return std::nullopt;
  }

  std::optional<Compiled> CompileCompare(const Expr& e) {
    auto ref = ResolveField(e.field);
    if (!ref) {
      Error(e.field_location, ref.error().message);
      return std::nullopt;
    }
    const FieldType type = ref->def->type;
    if (!OpAllowed(type, e.op)) {
      Error(e.value_location, fmt::format("operator '{}' does not apply to field '{}' of type {}",
                                          OpName(e.op), ref->text, FieldTypeName(type)));
      return std::nullopt;
    }
    const std::size_t slot = slots_.Intern(ref->text);
    fields_used.push_back(ref->text);
    Compiled out;
    out.types = AllEventTypes();
    std::vector<std::string> items;
    if (IsListOp(e.op)) ExpandItems(e.list, items, 0);

    if (ref->text == "evt.type") {
      out.evttype_only = true;
      EventTypeSet named;
      auto add = [&named](const std::string& name) {
        if (auto t = EventTypeFromName(name)) named.set(static_cast<std::size_t>(*t));
      };
      if (e.op == Op::kEq) {
        add(e.value);
        out.types = named;
      } else if (e.op == Op::kIn || e.op == Op::kIntersects) {
        for (const auto& i : items) add(i);
        out.types = named;
      } else if (e.op == Op::kNe) {
        add(e.value);
        out.types = ~named;
      } else {
        out.evttype_only = false;
      }
    }

    if (e.op == Op::kExists) {
      out.filter = std::make_unique<ExistsFilter>(std::move(*ref), slot);
      return out;
    }
    if (type == FieldType::kString) {
      if (e.op == Op::kIn || e.op == Op::kIntersects) {
        out.filter = std::make_unique<StringSetFilter>(std::move(*ref), slot, items);
      } else if (e.op == Op::kPmatch) {
        out.filter = std::make_unique<PathPrefixFilter>(std::move(*ref), slot, std::move(items));
      } else if (e.op == Op::kRegex) {
        re2::RE2::Options options;
        options.set_log_errors(false);
        auto re = std::make_unique<re2::RE2>(e.value, options);
        if (!re->ok()) {
          Error(e.value_location, fmt::format("invalid regular expression: {}", re->error()));
          return std::nullopt;
        }
        out.filter = std::make_unique<RegexFilter>(std::move(*ref), slot, std::move(re));
      } else {
        out.filter = std::make_unique<StringFilter>(std::move(*ref), slot, e.op, e.value);
      }
      return out;
    }
    if (type == FieldType::kBool) {
      std::string lowered = ToLower(e.value);
      if (lowered != "true" && lowered != "false") {
        Error(e.value_location, fmt::format("field '{}' is bool: compare it with true or false, "
                                            "not '{}'", ref->text, e.value));
        return std::nullopt;
      }
      __int128 b = lowered == "true" ? 1 : 0;
      out.filter = std::make_unique<NumberFilter>(std::move(*ref), slot, e.op, std::vector<__int128>{b});
      return out;
    }
    // Numbers: one operand, or the items of a list ('in ()' is empty and matches nothing).
    std::vector<__int128> numbers;
    const std::vector<std::string> single{e.value};
    for (const auto& text : IsListOp(e.op) ? items : single) {
      auto n = ParseNumber(text, type);
      if (!n) {
        Error(e.value_location, fmt::format("field '{}' is {}: '{}' is not a number", ref->text,
                                            FieldTypeName(type), text));
        return std::nullopt;
      }
      numbers.push_back(*n);
    }
    out.filter = std::make_unique<NumberFilter>(std::move(*ref), slot, e.op, std::move(numbers));
    return out;
  }

  const Definitions& defs_;
  FieldSlots& slots_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<std::string> expanding_;
};

}  // namespace

EventTypeSet AllEventTypes() {
  EventTypeSet all;
  all.set();
  all.reset(static_cast<std::size_t>(EventType::kUnknown));
  all.reset(static_cast<std::size_t>(EventType::kProcInfo));  // synthetic: never matched
  return all;
}

std::optional<CompiledCondition> CompileCondition(const Expr& expr, const Definitions& defs,
                                                  FieldSlots& slots,
                                                  std::vector<Diagnostic>& diagnostics) {
  Compiler compiler(defs, slots, diagnostics);
  auto compiled = compiler.Compile(expr);
  if (!compiled) return std::nullopt;
  CompiledCondition out;
  out.filter = std::move(compiled->filter);
  out.event_types = compiled->types & AllEventTypes();
  std::sort(compiler.fields_used.begin(), compiler.fields_used.end());
  compiler.fields_used.erase(std::unique(compiler.fields_used.begin(), compiler.fields_used.end()),
                             compiler.fields_used.end());
  out.fields = std::move(compiler.fields_used);
  return out;
}

}  // namespace vigil::rules
