#include "rules/compiler.h"

#include <algorithm>

#include <fmt/core.h>
#include <re2/re2.h>

#include "common/glob.h"
#include "common/paths.h"
#include "common/strings.h"
#include "rules/value_source.h"

namespace vigil::rules {
namespace {

// ------------------------------------------------------------------------------ boolean nodes

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

// ------------------------------------------------------------------------------ value tests

// One comparison of a value with the check's operand.
class Test {
 public:
  virtual ~Test() = default;
  virtual bool Holds(EvalContext& ctx, const FieldValue& v) const = 0;
};
using TestPtr = std::unique_ptr<Test>;

char FoldCase(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive (ASCII) substring search, without copying either side.
bool ContainsFolded(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && FoldCase(hay[i + k]) == FoldCase(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// "cafebabe" or "CAFEBABE" to its four bytes; false unless an even number of hex digits.
bool DecodeHex(std::string_view text, std::string& out) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.empty() || text.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = digit(text[i]), lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool CompareStrings(Op op, std::string_view s, std::string_view operand) {
  switch (op) {
    case Op::kEq: return s == operand;
    case Op::kNe: return s != operand;
    case Op::kContains:
    case Op::kBContains: return s.find(operand) != std::string_view::npos;
    case Op::kIContains: return ContainsFolded(s, operand);
    case Op::kStartsWith:
    case Op::kBStartsWith: return s.starts_with(operand);
    case Op::kEndsWith: return s.ends_with(operand);
    case Op::kGlob: return GlobMatch(operand, s);
    case Op::kIGlob: return GlobMatch(operand, s, true);
    default: return false;
  }
}

class StringTest final : public Test {
 public:
  StringTest(Op op, std::string operand) : op_(op), operand_(std::move(operand)) {}
  bool Holds(EvalContext&, const FieldValue& v) const override {
    return CompareStrings(op_, v.str, operand_);
  }

 private:
  Op op_;
  std::string operand_;
};

class RegexTest final : public Test {
 public:
  explicit RegexTest(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}
  bool Holds(EvalContext&, const FieldValue& v) const override {
    return re2::RE2::PartialMatch(re2::StringPiece(v.str.data(), v.str.size()), *re_);
  }

 private:
  std::unique_ptr<re2::RE2> re_;
};

// An open-addressing set of strings that takes the probe's hash from the caller, so a value
// tested against many lists is hashed once per event (FieldValue::StrHash).
class StringSet {
 public:
  explicit StringSet(const std::vector<std::string>& items) {
    std::size_t capacity = 8;
    while (capacity < items.size() * 2) capacity <<= 1;
    table_.resize(capacity);
    mask_ = capacity - 1;
    for (const auto& item : items) Insert(item);
  }
  bool Contains(std::string_view s, std::size_t hash) const {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Entry& e = table_[i];
      if (!e.used) return false;
      if (e.hash == hash && e.value == s) return true;
    }
  }
  bool Contains(std::string_view s) const { return Contains(s, std::hash<std::string_view>{}(s)); }

 private:
  struct Entry {
    std::size_t hash = 0;
    std::string value;
    bool used = false;
  };
  void Insert(const std::string& item) {
    std::size_t hash = std::hash<std::string_view>{}(item);
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      Entry& e = table_[i];
      if (!e.used) {
        e = Entry{hash, item, true};
        return;
      }
      if (e.hash == hash && e.value == item) return;
    }
  }
  std::vector<Entry> table_;
  std::size_t mask_ = 0;
};

class StringSetTest final : public Test {
 public:
  explicit StringSetTest(const std::vector<std::string>& items) : items_(items) {}
  bool Holds(EvalContext&, const FieldValue& v) const override {
    return items_.Contains(v.str, v.StrHash());
  }

 private:
  StringSet items_;
};

// pmatch: the value is one of the paths or lies below one. The value and each of its parent
// directories are looked up in one hash set: O(depth), whatever the list's length.
class PathPrefixTest final : public Test {
 public:
  explicit PathPrefixTest(const std::vector<std::string>& prefixes)
      : prefixes_(Normalized(prefixes)) {}
  bool Holds(EvalContext&, const FieldValue& v) const override {
    std::string_view path = v.str;
    while (!path.empty()) {
      if (prefixes_.Contains(path)) return true;
      if (path == "/") return false;
      auto slash = path.rfind('/');
      if (slash == std::string_view::npos) return false;
      path = slash == 0 ? std::string_view("/") : path.substr(0, slash);
    }
    return false;
  }

 private:
  static std::vector<std::string> Normalized(const std::vector<std::string>& prefixes) {
    std::vector<std::string> out;
    for (const auto& p : prefixes) out.push_back(p == "/" ? p : NormalizePath(p));
    return out;
  }
  StringSet prefixes_;
};

__int128 AsWide(const FieldValue& v) {
  switch (v.type) {
    case FieldType::kInt64: return v.i;
    case FieldType::kUint64: return v.u;
    case FieldType::kBool: return v.b ? 1 : 0;
    default: return 0;
  }
}

bool CompareNumbers(Op op, __int128 x, __int128 y) {
  switch (op) {
    case Op::kEq: return x == y;
    case Op::kNe: return x != y;
    case Op::kLt: return x < y;
    case Op::kLe: return x <= y;
    case Op::kGt: return x > y;
    case Op::kGe: return x >= y;
    default: return false;
  }
}

class NumberTest final : public Test {
 public:
  NumberTest(Op op, std::vector<__int128> operands) : op_(op), operands_(std::move(operands)) {}
  bool Holds(EvalContext&, const FieldValue& v) const override {
    __int128 x = AsWide(v);
    if (op_ == Op::kIn || op_ == Op::kIntersects) {
      return std::find(operands_.begin(), operands_.end(), x) != operands_.end();
    }
    return CompareNumbers(op_, x, operands_[0]);
  }

 private:
  Op op_;
  std::vector<__int128> operands_;
};

struct Network {
  IpAddress address;
  int prefix_length;
};

// Addresses against addresses or networks: '=' and 'in' hold when the value lies in any of
// them, '!=' when in none.
class IpTest final : public Test {
 public:
  IpTest(Op op, std::vector<Network> networks) : op_(op), networks_(std::move(networks)) {}
  bool Holds(EvalContext&, const FieldValue& v) const override {
    bool inside = false;
    for (const auto& n : networks_) inside = inside || IpInNetwork(v.ip, n.address, n.prefix_length);
    return op_ == Op::kNe ? !inside : inside;
  }

 private:
  Op op_;
  std::vector<Network> networks_;
};

// fd.sip.name = example.com: the address is one of the names' (as last resolved); '!=' when it
// is none of them. Names not resolved (resolution off, a lookup pending) hold no address.
class DomainNameTest final : public Test {
 public:
  DomainNameTest(Op op, std::vector<std::string> names) : op_(op), names_(std::move(names)) {}
  bool Holds(EvalContext& ctx, const FieldValue& v) const override {
    const DomainNames* table = ctx.domain_names();
    bool resolved = false;
    if (table) {
      const NetAddress address = ToNetAddress(v.ip);
      for (const auto& name : names_) resolved = resolved || table->Resolves(name, address);
    }
    return op_ == Op::kNe ? !resolved : resolved;
  }

 private:
  Op op_;
  std::vector<std::string> names_;
};

// val(field): the operand is another value of the same event.
class FieldCompareTest final : public Test {
 public:
  FieldCompareTest(Op op, std::unique_ptr<ValueSource> other) : op_(op), other_(std::move(other)) {}
  bool Holds(EvalContext& ctx, const FieldValue& v) const override {
    const FieldValue* other = other_->Get(ctx);
    if (!other) return false;
    const FieldValue& w = *other;
    if (v.type == FieldType::kString) return CompareStrings(op_, v.str, w.str);
    if (v.type == FieldType::kIpAddr || v.type == FieldType::kIpNet) {
      bool same = v.ip == w.ip;
      return op_ == Op::kNe ? !same : (op_ == Op::kEq && same);
    }
    return CompareNumbers(op_, AsWide(v), AsWide(w));
  }

 private:
  Op op_;
  std::unique_ptr<ValueSource> other_;
};

// A value and a test of it. An unknown value makes the check false (as in Falco); 'exists'
// is exactly the question whether it is known.
class CheckFilter final : public Filter {
 public:
  CheckFilter(std::unique_ptr<ValueSource> source, TestPtr test)
      : source_(std::move(source)), test_(std::move(test)) {}
  bool Eval(EvalContext& ctx) const override {
    if (source_->multi_value()) {
      if (!test_) return source_->AnyValue(ctx, [](const FieldValue&) { return true; });
      return source_->AnyValue(ctx, [&](const FieldValue& v) { return test_->Holds(ctx, v); });
    }
    const FieldValue* v = source_->Get(ctx);
    if (!v) return false;
    return !test_ || test_->Holds(ctx, *v);
  }

 private:
  std::unique_ptr<ValueSource> source_;
  TestPtr test_;  // null: 'exists'
};

// evt.type = / in / != against vigil's event types: a bit test, no string work. Names vigil
// does not model are simply absent from the set, so they never match, as a string compare.
class EventTypeFilter final : public Filter {
 public:
  EventTypeFilter(EventTypeSet types, bool negate) : types_(types), negate_(negate) {}
  bool Eval(EvalContext& ctx) const override {
    return types_.test(static_cast<std::size_t>(ctx.event().type)) != negate_;
  }

 private:
  EventTypeSet types_;
  bool negate_;
};

}  // namespace

// A macro compiled once, shared by every rule that uses it.
struct CompiledMacro {
  FilterPtr filter;
  EventTypeSet types;
  bool evttype_only = false;
  std::size_t result_slot = 0;
  std::vector<std::string> fields;
  std::set<std::string> unproduced_fields;
  std::set<std::string> unproduced_event_types;
  bool restricts_event_types = false;
  std::set<std::string> domain_names;
};

namespace {

// Evaluates a shared macro at most once per event.
class MacroFilter final : public Filter {
 public:
  explicit MacroFilter(std::shared_ptr<const CompiledMacro> macro) : macro_(std::move(macro)) {}
  bool Eval(EvalContext& ctx) const override {
    auto& slot = ctx.macro_slot(macro_->result_slot);
    if (slot.generation != ctx.generation()) {
      slot.value = macro_->filter->Eval(ctx);
      slot.generation = ctx.generation();
    }
    return slot.value;
  }

 private:
  std::shared_ptr<const CompiledMacro> macro_;
};

// ------------------------------------------------------------------------------ compiler

bool IsOrdering(Op op) { return op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe; }

bool OpAllowed(FieldType type, Op op) {
  if (op == Op::kExists) return true;
  switch (type) {
    case FieldType::kString:
      return !IsOrdering(op);
    case FieldType::kInt64:
    case FieldType::kUint64:
      return op == Op::kEq || op == Op::kNe || IsOrdering(op) || op == Op::kIn ||
             op == Op::kIntersects;
    case FieldType::kBool:
      return op == Op::kEq || op == Op::kNe;
    case FieldType::kIpAddr:
    case FieldType::kIpNet:
      return op == Op::kEq || op == Op::kNe || op == Op::kIn || op == Op::kIntersects;
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
  Compiler(const Definitions& defs, CompileCache& cache, std::vector<Diagnostic>& diagnostics,
           CompiledCondition& out)
      : defs_(defs), cache_(cache), slots_(cache.slots), diagnostics_(diagnostics), out_(out) {}

  std::optional<Compiled> Compile(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr: return CompileBinary(e);
      case Expr::Kind::kNot: {
        auto child = Compile(*e.children[0]);
        if (!child) return std::nullopt;
        Compiled c;
        c.evttype_only = child->evttype_only;
        c.types = child->evttype_only ? ~child->types : AllEventTypes();
        c.filter = std::make_unique<NotFilter>(std::move(child->filter));
        return c;
      }
      case Expr::Kind::kMacro: return CompileMacro(e);
      case Expr::Kind::kCompare: return CompileCompare(e);
    }
    return std::nullopt;
  }

 private:
  void Error(const Location& at, std::string message) {
    diagnostics_.push_back(MakeDiagnostic(Diagnostic::Severity::kError, at, std::move(message)));
  }

  std::optional<Compiled> CompileBinary(const Expr& e) {
    const bool is_and = e.kind == Expr::Kind::kAnd;
    std::vector<FilterPtr> children;
    Compiled c;
    c.types = is_and ? AllEventTypes() : EventTypeSet();
    c.evttype_only = true;
    bool failed = false;
    for (const auto& child_expr : e.children) {
      auto child = Compile(*child_expr);  // keep going: report every error
      if (!child) {
        failed = true;
        continue;
      }
      c.types = is_and ? (c.types & child->types) : (c.types | child->types);
      c.evttype_only = c.evttype_only && child->evttype_only;
      children.push_back(std::move(child->filter));
    }
    if (failed) return std::nullopt;
    if (is_and) {
      c.filter = std::make_unique<AndFilter>(std::move(children));
    } else {
      c.filter = std::make_unique<OrFilter>(std::move(children));
    }
    return c;
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
    auto cached = cache_.macros.find(e.name);
    if (cached == cache_.macros.end()) {
      // First use: compile it once, collecting what it reads separately from this rule.
      CompiledCondition* rule_out = &out_;
      CompiledCondition macro_out;
      out_ptr_ = &macro_out;
      expanding_.push_back(e.name);
      auto body = Compile(*it->second.condition);
      expanding_.pop_back();
      out_ptr_ = rule_out;
      std::shared_ptr<CompiledMacro> macro;
      if (body) {
        macro = std::make_shared<CompiledMacro>();
        macro->filter = std::move(body->filter);
        macro->types = body->types;
        macro->evttype_only = body->evttype_only;
        macro->result_slot = cache_.macro_slots++;
        macro->fields = std::move(macro_out.fields);
        macro->unproduced_fields = std::move(macro_out.unproduced_fields);
        macro->unproduced_event_types = std::move(macro_out.unproduced_event_types);
        macro->restricts_event_types = macro_out.restricts_event_types;
        macro->domain_names = std::move(macro_out.domain_names);
      }
      cached = cache_.macros.emplace(e.name, std::move(macro)).first;  // null: it failed
    }
    const auto& macro = cached->second;
    if (!macro) return std::nullopt;  // its errors were reported where it failed first
    Out().fields.insert(Out().fields.end(), macro->fields.begin(), macro->fields.end());
    Out().unproduced_fields.insert(macro->unproduced_fields.begin(), macro->unproduced_fields.end());
    Out().unproduced_event_types.insert(macro->unproduced_event_types.begin(),
                                        macro->unproduced_event_types.end());
    Out().restricts_event_types = Out().restricts_event_types || macro->restricts_event_types;
    Out().domain_names.insert(macro->domain_names.begin(), macro->domain_names.end());
    Compiled c;
    c.types = macro->types;
    c.evttype_only = macro->evttype_only;
    c.filter = std::make_unique<MacroFilter>(macro);
    return c;
  }

  // Where what the condition reads is recorded: the rule's, or a macro's while it compiles.
  CompiledCondition& Out() { return out_ptr_ ? *out_ptr_ : out_; }

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

  std::unique_ptr<ValueSource> CompileOperand(const FieldOperand& operand) {
    auto ref = ResolveField(operand.field);
    if (!ref) {
      Error(operand.location, ref.error().message);
      return nullptr;
    }
    if (!ref->def->produced) Out().unproduced_fields.insert(ref->text);
    Out().fields.push_back(ref->text);
    auto source = std::make_unique<ValueSource>();
    source->type = ref->def->type;
    source->text = ref->text;
    source->slot = slots_.Intern(ref->text);
    if (ref->multi_value) source->iter_slot = slots_.Intern(ref->text + "#ancestors");
    source->ref = std::move(*ref);
    // Transformers apply innermost first.
    for (auto t = operand.transformers.rbegin(); t != operand.transformers.rend(); ++t) {
      Transformer kind;
      ParseTransformer(*t, kind);
      if (source->multi_value()) {
        Error(operand.location, fmt::format("{}() needs a single value: give '{}' an index",
                                            *t, source->text));
        return nullptr;
      }
      if (source->type != FieldType::kString) {
        Error(operand.location, fmt::format("{}() applies to strings; '{}' is {}", *t,
                                            source->text, FieldTypeName(source->type)));
        return nullptr;
      }
      auto outer = std::make_unique<ValueSource>();
      outer->text = fmt::format("{}({})", *t, source->text);
      outer->type = kind == Transformer::kLen ? FieldType::kUint64 : FieldType::kString;
      outer->transform = kind;
      outer->slot = slots_.Intern(outer->text);
      outer->inner = std::move(source);
      source = std::move(outer);
    }
    return source;
  }

  // The set of event types an evt.type check can match, and the names vigil cannot produce.
  Compiled EventTypeCheck(const Expr& e, const std::vector<std::string>& items, bool& ok) {
    Compiled c;
    c.types = AllEventTypes();
    c.evttype_only = true;
    EventTypeSet named;
    auto add = [&](const std::string& name, const Location& at) {
      if (!IsKnownEventName(name)) {
        Error(at, fmt::format("unknown event type '{}'", name));
        ok = false;
        return;
      }
      auto t = EventTypeFromName(name);
      if (t) named.set(static_cast<std::size_t>(*t));
      if (!t || !EventTypeProduced(*t)) Out().unproduced_event_types.insert(name);
    };
    if (e.value_field) {
      c.evttype_only = false;
      return c;
    }
    switch (e.op) {
      case Op::kEq:
        add(e.value, e.value_location);
        c.types = named;
        break;
      case Op::kIn:
      case Op::kIntersects:
        for (const auto& i : items) add(i, e.value_location);
        c.types = named;
        break;
      case Op::kNe:
        add(e.value, e.value_location);
        c.types = ~named;
        break;
      default:
        c.evttype_only = false;
    }
    if (c.evttype_only && e.op != Op::kNe) Out().restricts_event_types = true;
    return c;
  }

  TestPtr CompileTest(const Expr& e, const ValueSource& source, std::vector<std::string>& items,
                      bool& ok) {
    const FieldType type = source.type;
    auto fail = [&](std::string message) {
      Error(e.value_location, std::move(message));
      ok = false;
      return nullptr;
    };
    if (e.value_field) {
      auto other = CompileOperand(*e.value_field);
      if (!other) {
        ok = false;
        return nullptr;
      }
      if (other->multi_value()) return fail("val() needs a single value: give the field an index");
      bool comparable = other->type == type ||
                        ((type == FieldType::kInt64 || type == FieldType::kUint64) &&
                         (other->type == FieldType::kInt64 || other->type == FieldType::kUint64));
      if (!comparable) {
        return fail(fmt::format("'{}' is {} but val({}) is {}", source.text, FieldTypeName(type),
                                other->text, FieldTypeName(other->type)));
      }
      return std::make_unique<FieldCompareTest>(e.op, std::move(other));
    }
    const std::vector<std::string> single{e.value};
    const auto& texts = IsListOp(e.op) ? items : single;
    switch (type) {
      case FieldType::kString:
        if (e.op == Op::kIn || e.op == Op::kIntersects) return std::make_unique<StringSetTest>(items);
        if (e.op == Op::kPmatch) return std::make_unique<PathPrefixTest>(items);
        if (e.op == Op::kRegex) {
          re2::RE2::Options options;
          options.set_log_errors(false);
          auto re = std::make_unique<re2::RE2>(e.value, options);
          if (!re->ok()) return fail(fmt::format("invalid regular expression: {}", re->error()));
          return std::make_unique<RegexTest>(std::move(re));
        }
        if (e.op == Op::kBContains || e.op == Op::kBStartsWith) {
          // As in Falco: the operand is the bytes, written in hexadecimal ("cafebabe").
          std::string bytes;
          if (!DecodeHex(e.value, bytes)) {
            return fail(fmt::format("'{}' is not a hexadecimal byte string (like CAFEBABE): "
                                    "bcontains and bstartswith compare bytes",
                                    e.value));
          }
          return std::make_unique<StringTest>(e.op, std::move(bytes));
        }
        return std::make_unique<StringTest>(e.op, e.value);
      case FieldType::kBool: {
        std::string lowered = ToLower(e.value);
        if (lowered != "true" && lowered != "false") {
          return fail(fmt::format("field '{}' is bool: compare it with true or false, not '{}'",
                                  source.text, e.value));
        }
        return std::make_unique<NumberTest>(e.op, std::vector<__int128>{lowered == "true" ? 1 : 0});
      }
      case FieldType::kInt64:
      case FieldType::kUint64: {
        std::vector<__int128> numbers;
        for (const auto& text : texts) {
          std::optional<__int128> n;
          if (auto u = ParseUint(text)) n = *u;
          else if (auto i = ParseInt(text)) n = *i;
          if (!n) {
            return fail(fmt::format("field '{}' is {}: '{}' is not a number", source.text,
                                    FieldTypeName(type), text));
          }
          numbers.push_back(*n);
        }
        return std::make_unique<NumberTest>(e.op, std::move(numbers));
      }
      case FieldType::kIpAddr:
      case FieldType::kIpNet: {
        std::vector<Network> networks;
        for (const auto& text : texts) {
          Network n;
          if (!ParseIpNetwork(text, n.address, n.prefix_length)) {
            return fail(fmt::format("field '{}' is {}: '{}' is not an IP address or network",
                                    source.text, FieldTypeName(type), text));
          }
          networks.push_back(n);
        }
        return std::make_unique<IpTest>(e.op, std::move(networks));
      }
    }
    return nullptr;
  }

  std::optional<Compiled> CompileCompare(const Expr& e) {
    auto source = CompileOperand(e.left);
    if (!source) return std::nullopt;
    if (!OpAllowed(source->type, e.op)) {
      Error(e.value_location, fmt::format("operator '{}' does not apply to field '{}' of type {}",
                                          OpName(e.op), source->text, FieldTypeName(source->type)));
      return std::nullopt;
    }
    std::vector<std::string> items;
    if (IsListOp(e.op)) ExpandItems(e.list, items, 0);
    bool ok = true;
    Compiled c;
    c.types = AllEventTypes();
    if (source->leaf() && source->text == "evt.type") {
      c = EventTypeCheck(e, items, ok);
      if (!ok) return std::nullopt;
      if (c.evttype_only) {  // =, in, intersects, != : a bit test
        EventTypeSet named = e.op == Op::kNe ? ~c.types : c.types;
        c.filter = std::make_unique<EventTypeFilter>(named, e.op == Op::kNe);
        return c;
      }
    }
    if (source->leaf() && !source->ref.def->address_field.empty() && !e.value_field &&
        (e.op == Op::kEq || e.op == Op::kNe || e.op == Op::kIn || e.op == Op::kIntersects)) {
      return CompileDomainNames(e, *source, items);
    }
    TestPtr test;
    if (e.op != Op::kExists) test = CompileTest(e, *source, items, ok);
    if (!ok) return std::nullopt;
    c.filter = std::make_unique<CheckFilter>(std::move(source), std::move(test));
    return c;
  }

  // fd.sip.name = example.com compares fd.sip with the name's addresses.
  std::optional<Compiled> CompileDomainNames(const Expr& e, const ValueSource& named,
                                             const std::vector<std::string>& items) {
    std::vector<std::string> names = IsListOp(e.op) ? items : std::vector<std::string>{e.value};
    for (const auto& name : names) {
      if (name.empty() || name.find_first_of(" \t/") != std::string::npos) {
        Error(e.value_location, fmt::format("'{}' is not a domain name ({} compares the "
                                            "addresses names resolve to)", name, named.text));
        return std::nullopt;
      }
    }
    FieldOperand address_operand;
    address_operand.field = std::string(named.ref.def->address_field);
    address_operand.location = e.left.location;
    auto address = CompileOperand(address_operand);
    if (!address) return std::nullopt;
    Out().domain_names.insert(names.begin(), names.end());
    Compiled c;
    c.types = AllEventTypes();
    c.filter = std::make_unique<CheckFilter>(std::move(address),
                                             std::make_unique<DomainNameTest>(e.op, std::move(names)));
    return c;
  }

  const Definitions& defs_;
  CompileCache& cache_;
  FieldSlots& slots_;
  std::vector<Diagnostic>& diagnostics_;
  CompiledCondition& out_;
  CompiledCondition* out_ptr_ = nullptr;
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
                                                  CompileCache& cache,
                                                  std::vector<Diagnostic>& diagnostics) {
  CompiledCondition out;
  Compiler compiler(defs, cache, diagnostics, out);
  auto compiled = compiler.Compile(expr);
  if (!compiled) return std::nullopt;
  out.filter = std::move(compiled->filter);
  out.event_types = compiled->types & AllEventTypes();
  std::sort(out.fields.begin(), out.fields.end());
  out.fields.erase(std::unique(out.fields.begin(), out.fields.end()), out.fields.end());
  return out;
}

}  // namespace vigil::rules
