// Parses a Falco condition into an Expr tree:
//   expr    := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | primary
//   primary := '(' expr ')' | check | macro-name
//   check   := field OP value | field LISTOP '(' [item (',' item)*] ')' | field 'exists'
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "rules/ast.h"

namespace vigil::rules {

struct ParseError {
  uint32_t offset;
  std::string message;
};

// Nesting (parentheses and 'not') deeper than this is rejected rather than risking the stack.
inline constexpr int kMaxExpressionDepth = 200;

std::expected<ExprPtr, ParseError> ParseCondition(const std::shared_ptr<const SourceText>& source);

}  // namespace vigil::rules
