#include "rules/exceptions.h"

#include <fmt/core.h>

namespace vigil::rules {
namespace {

std::optional<Op> ParseOp(std::string_view text) {
  static const std::pair<std::string_view, Op> kOps[] = {
      {"=", Op::kEq},           {"==", Op::kEq},          {"!=", Op::kNe},
      {"<", Op::kLt},           {"<=", Op::kLe},          {">", Op::kGt},
      {">=", Op::kGe},          {"contains", Op::kContains}, {"icontains", Op::kIContains},
      {"bcontains", Op::kBContains}, {"startswith", Op::kStartsWith},
      {"bstartswith", Op::kBStartsWith}, {"endswith", Op::kEndsWith}, {"glob", Op::kGlob},
      {"iglob", Op::kIGlob},    {"regex", Op::kRegex},    {"in", Op::kIn},
      {"intersects", Op::kIntersects}, {"pmatch", Op::kPmatch},
  };
  for (const auto& [name, op] : kOps) {
    if (name == text) return op;
  }
  return std::nullopt;
}

ExprPtr Node(Expr::Kind kind, const Location& at) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->location = at;
  return e;
}

ExprPtr Check(const std::string& field, const Location& field_at, Op op, const ExceptionValue& v) {
  auto e = Node(Expr::Kind::kCompare, v.location);
  e->left.field = field;
  e->left.location = field_at;
  e->op = op;
  e->value_location = v.location;
  if (IsListOp(op)) {
    if (v.is_list) {
      e->list = v.list;
    } else {
      e->list.push_back({v.text, false, v.location});  // a list name, or a single item
    }
  } else {
    e->value = v.text;
  }
  return e;
}

ExprPtr Combine(Expr::Kind kind, std::vector<ExprPtr> children, const Location& at) {
  if (children.size() == 1) return std::move(children.front());
  auto e = Node(kind, at);
  e->children = std::move(children);
  return e;
}

}  // namespace

ExprPtr BuildExceptionExpr(const ExceptionDef& x, std::vector<Diagnostic>& diagnostics) {
  auto error = [&](const Location& at, std::string message) {
    diagnostics.push_back(MakeDiagnostic(Diagnostic::Severity::kError, at,
                                         fmt::format("exception '{}': {}", x.name, message)));
  };
  if (x.fields.empty()) {
    error(x.location, "needs 'fields'");
    return nullptr;
  }
  if (x.comps.size() != x.fields.size()) {
    error(x.location, fmt::format("has {} fields but {} comps", x.fields.size(), x.comps.size()));
    return nullptr;
  }
  std::vector<Op> ops;
  for (const auto& comp : x.comps) {
    auto op = ParseOp(comp);
    if (!op) {
      error(x.location, fmt::format("unknown comparison '{}'", comp));
      return nullptr;
    }
    ops.push_back(*op);
  }
  if (x.values.empty()) return nullptr;

  if (x.single_field) {
    // One field: with a list operator all values form one list, else any value matches.
    std::vector<ExceptionValue> flat;
    for (const auto& tuple : x.values) flat.insert(flat.end(), tuple.begin(), tuple.end());
    if (IsListOp(ops[0])) {
      ExceptionValue all;
      all.is_list = true;
      all.location = flat.front().location;
      for (const auto& v : flat) {
        if (v.is_list) {
          all.list.insert(all.list.end(), v.list.begin(), v.list.end());
        } else {
          all.list.push_back({v.text, false, v.location});
        }
      }
      return Check(x.fields[0], x.field_locations[0], ops[0], all);
    }
    std::vector<ExprPtr> any;
    for (const auto& v : flat) any.push_back(Check(x.fields[0], x.field_locations[0], ops[0], v));
    return Combine(Expr::Kind::kOr, std::move(any), x.location);
  }

  std::vector<ExprPtr> alternatives;
  for (const auto& tuple : x.values) {
    if (tuple.size() != x.fields.size()) {
      error(tuple.empty() ? x.location : tuple.front().location,
            fmt::format("a values entry has {} items for {} fields", tuple.size(), x.fields.size()));
      return nullptr;
    }
    std::vector<ExprPtr> all;
    for (std::size_t i = 0; i < tuple.size(); ++i) {
      if (tuple[i].is_list && !IsListOp(ops[i])) {
        error(tuple[i].location, fmt::format("a list value needs in, intersects or pmatch, not '{}'",
                                             x.comps[i]));
        return nullptr;
      }
      all.push_back(Check(x.fields[i], x.field_locations[i], ops[i], tuple[i]));
    }
    alternatives.push_back(Combine(Expr::Kind::kAnd, std::move(all), x.location));
  }
  return Combine(Expr::Kind::kOr, std::move(alternatives), x.location);
}

ExprPtr ApplyExceptions(ExprPtr condition, std::vector<ExprPtr> excluded) {
  if (excluded.empty()) return condition;
  auto conj = Node(Expr::Kind::kAnd, condition->location);
  conj->children.push_back(std::move(condition));
  for (auto& e : excluded) {
    auto negated = Node(Expr::Kind::kNot, e->location);
    negated->children.push_back(std::move(e));
    conj->children.push_back(std::move(negated));
  }
  return conj;
}

}  // namespace vigil::rules
