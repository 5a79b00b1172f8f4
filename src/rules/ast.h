// The syntax tree of a condition, as the parser builds it and before macros and lists are
// resolved. Every node keeps its Location for diagnostics.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/source.h"

namespace vigil::rules {

enum class Op : uint8_t {
  kEq, kNe, kLt, kLe, kGt, kGe,
  kContains, kIContains, kBContains, kStartsWith, kBStartsWith, kEndsWith,
  kGlob, kIGlob, kRegex, kIn, kIntersects, kPmatch, kExists,
};

std::string_view OpName(Op op);
// Ops whose operand is a parenthesised list.
inline bool IsListOp(Op op) { return op == Op::kIn || op == Op::kIntersects || op == Op::kPmatch; }

// The left side of a check: a field, possibly inside transformers, innermost last:
// tolower(basename(proc.exepath)) has transformers {"tolower", "basename"}.
struct FieldOperand {
  std::string field;  // as written: "proc.aname[2]"
  std::vector<std::string> transformers;
  Location location;
  std::string Text() const;  // "tolower(basename(proc.exepath))"
};

struct ListItem {
  std::string text;
  bool quoted = false;  // a quoted item is always a literal, never a list name
  Location location;
};

struct Expr {
  enum class Kind : uint8_t { kAnd, kOr, kNot, kCompare, kMacro };
  Kind kind;
  Location location;
  std::vector<std::unique_ptr<Expr>> children;  // kAnd, kOr: two or more; kNot: one

  // kCompare
  FieldOperand left;
  Op op = Op::kEq;
  std::string value;     // single operand
  bool value_quoted = false;
  Location value_location;
  std::vector<ListItem> list;  // list operand (IsListOp)
  std::optional<FieldOperand> value_field;  // val(field) as the operand

  // kMacro
  std::string name;
};

using ExprPtr = std::unique_ptr<Expr>;

}  // namespace vigil::rules
