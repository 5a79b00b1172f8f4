#include "rules/parser.h"

#include <optional>

#include <fmt/core.h>

#include "rules/lexer.h"

namespace vigil::rules {
namespace {

struct WordOp {
  std::string_view word;
  Op op;
};
constexpr WordOp kWordOps[] = {
    {"contains", Op::kContains},     {"icontains", Op::kIContains},
    {"bcontains", Op::kBContains},   {"startswith", Op::kStartsWith},
    {"bstartswith", Op::kBStartsWith}, {"endswith", Op::kEndsWith},
    {"glob", Op::kGlob},             {"iglob", Op::kIGlob},
    {"regex", Op::kRegex},           {"in", Op::kIn},
    {"intersects", Op::kIntersects}, {"pmatch", Op::kPmatch},
    {"exists", Op::kExists},
};

std::optional<Op> OperatorOf(const Token& t) {
  if (t.kind == Token::Kind::kSymbolOp) {
    if (t.text == "=" || t.text == "==") return Op::kEq;
    if (t.text == "!=") return Op::kNe;
    if (t.text == "<") return Op::kLt;
    if (t.text == "<=") return Op::kLe;
    if (t.text == ">") return Op::kGt;
    if (t.text == ">=") return Op::kGe;
    return std::nullopt;
  }
  if (t.kind != Token::Kind::kWord) return std::nullopt;
  for (const auto& w : kWordOps) {
    if (w.word == t.text) return w.op;
  }
  return std::nullopt;
}

bool IsKeyword(std::string_view w) { return w == "and" || w == "or" || w == "not"; }

class Parser {
 public:
  Parser(std::shared_ptr<const SourceText> source, std::vector<Token> tokens)
      : source_(std::move(source)), tokens_(std::move(tokens)) {}

  std::expected<ExprPtr, ParseError> Run() {
    auto expr = ParseOr(0);
    if (!expr) return expr;
    if (Peek().kind != Token::Kind::kEnd) {
      if (Peek().kind == Token::Kind::kRParen) return Error(Peek(), "unbalanced ')'");
      return Error(Peek(), fmt::format("expected 'and', 'or' or the end, found '{}'", Peek().text));
    }
    return expr;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    std::size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Take() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool PeekWord(std::string_view word) const {
    return Peek().kind == Token::Kind::kWord && Peek().text == word;
  }
  Location At(uint32_t offset) const { return Location{source_, offset}; }
  std::unexpected<ParseError> Error(const Token& t, std::string message) const {
    return std::unexpected(ParseError{t.offset, std::move(message)});
  }

  ExprPtr MakeNode(Expr::Kind kind, uint32_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->location = At(offset);
    return e;
  }

  std::expected<ExprPtr, ParseError> ParseBinary(int depth, Expr::Kind kind, std::string_view word) {
    auto first = kind == Expr::Kind::kOr ? ParseBinary(depth, Expr::Kind::kAnd, "and") : ParseNot(depth);
    if (!first) return first;
    if (!PeekWord(word)) return first;
    auto node = MakeNode(kind, (*first)->location.offset);
    node->children.push_back(std::move(*first));
    while (PeekWord(word)) {
      Take();
      auto next = kind == Expr::Kind::kOr ? ParseBinary(depth, Expr::Kind::kAnd, "and") : ParseNot(depth);
      if (!next) return next;
      node->children.push_back(std::move(*next));
    }
    return node;
  }

  std::expected<ExprPtr, ParseError> ParseOr(int depth) {
    if (depth > kMaxExpressionDepth) {
      return Error(Peek(), fmt::format("expression nested deeper than {} levels", kMaxExpressionDepth));
    }
    return ParseBinary(depth, Expr::Kind::kOr, "or");
  }

  std::expected<ExprPtr, ParseError> ParseNot(int depth) {
    if (PeekWord("not")) {
      if (depth > kMaxExpressionDepth) {
        return Error(Peek(), fmt::format("expression nested deeper than {} levels", kMaxExpressionDepth));
      }
      const Token& t = Take();
      auto child = ParseNot(depth + 1);
      if (!child) return child;
      auto node = MakeNode(Expr::Kind::kNot, t.offset);
      node->children.push_back(std::move(*child));
      return node;
    }
    return ParsePrimary(depth);
  }

  std::expected<ExprPtr, ParseError> ParsePrimary(int depth) {
    const Token& t = Peek();
    switch (t.kind) {
      case Token::Kind::kLParen: {
        Take();
        auto inner = ParseOr(depth + 1);
        if (!inner) return inner;
        if (Peek().kind != Token::Kind::kRParen) {
          if (Peek().kind == Token::Kind::kEnd) return Error(t, "unbalanced '(': no matching ')'");
          return Error(Peek(), fmt::format("expected ')', found '{}'", Peek().text));
        }
        Take();
        return inner;
      }
      case Token::Kind::kWord:
        if (IsKeyword(t.text)) return Error(t, fmt::format("expected a condition, found '{}'", t.text));
        return ParseCheck();
      case Token::Kind::kEnd:
        return Error(t, "unexpected end of condition");
      default:
        return Error(t, fmt::format("expected a condition, found '{}'", t.text));
    }
  }

  static bool IsTransformer(std::string_view w) {
    return w == "tolower" || w == "toupper" || w == "b64" || w == "basename" || w == "len";
  }

  // field | transformer '(' operand ')'
  std::expected<FieldOperand, ParseError> ParseFieldOperand(int depth) {
    const Token name = Take();
    if (Peek().kind == Token::Kind::kLParen && (IsTransformer(name.text) || name.text == "val")) {
      if (name.text == "val") return Error(name, "val() can only be the right side of a comparison");
      if (depth > 16) return Error(name, "transformers nested too deeply");
      Take();
      if (Peek().kind != Token::Kind::kWord) {
        return Error(Peek(), fmt::format("expected a field inside {}()", name.text));
      }
      auto inner = ParseFieldOperand(depth + 1);
      if (!inner) return inner;
      if (Peek().kind != Token::Kind::kRParen) {
        return Error(Peek(), fmt::format("expected ')' to close {}(", name.text));
      }
      Take();
      inner->transformers.insert(inner->transformers.begin(), name.text);
      inner->location = At(name.offset);
      return inner;
    }
    FieldOperand operand;
    operand.field = name.text;
    operand.location = At(name.offset);
    return operand;
  }

  std::expected<ExprPtr, ParseError> ParseCheck() {
    const Token& first = Peek();
    const bool transformed = IsTransformer(first.text) && Peek(1).kind == Token::Kind::kLParen;
    auto op = OperatorOf(Peek(1));
    if (!transformed && !op) {
      const Token name = Take();
      if (name.text.find('.') != std::string::npos) {
        if (Peek().kind == Token::Kind::kEnd) {
          return Error(Peek(), fmt::format("expected an operator after field '{}'", name.text));
        }
        return Error(Peek(), fmt::format("expected an operator after field '{}', found '{}'",
                                         name.text, Peek().text));
      }
      auto node = MakeNode(Expr::Kind::kMacro, name.offset);
      node->name = name.text;
      return node;
    }
    auto node = MakeNode(Expr::Kind::kCompare, first.offset);
    auto left = ParseFieldOperand(0);
    if (!left) return std::unexpected(left.error());
    node->left = std::move(*left);
    op = OperatorOf(Peek());
    if (!op) {
      return Error(Peek(), fmt::format("expected an operator after '{}'", node->left.Text()));
    }
    const Token op_token = Take();
    node->op = *op;
    node->value_location = At(op_token.offset);
    if (*op == Op::kExists) return node;
    if (IsListOp(*op)) {
      if (Peek().kind != Token::Kind::kLParen) {
        return Error(Peek(), fmt::format("'{}' needs a parenthesised list, e.g. (a, b)", op_token.text));
      }
      Take();
      while (Peek().kind != Token::Kind::kRParen) {
        const Token& item = Peek();
        if (item.kind != Token::Kind::kWord && item.kind != Token::Kind::kString) {
          if (item.kind == Token::Kind::kEnd) return Error(item, "unbalanced '(': list not closed");
          return Error(item, fmt::format("expected a list item, found '{}'", item.text));
        }
        Take();
        node->list.push_back({item.text, item.kind == Token::Kind::kString, At(item.offset)});
        if (Peek().kind == Token::Kind::kComma) {
          Take();
          continue;
        }
        if (Peek().kind != Token::Kind::kRParen) {
          if (Peek().kind == Token::Kind::kEnd) return Error(Peek(), "unbalanced '(': list not closed");
          return Error(Peek(), fmt::format("expected ',' or ')' in list, found '{}'", Peek().text));
        }
      }
      Take();
      return node;
    }
    const Token& value = Peek();
    if (value.kind == Token::Kind::kWord && value.text == "val" &&
        Peek(1).kind == Token::Kind::kLParen) {
      Take();
      Take();
      if (Peek().kind != Token::Kind::kWord) return Error(Peek(), "expected a field inside val()");
      auto field = ParseFieldOperand(0);
      if (!field) return std::unexpected(field.error());
      if (Peek().kind != Token::Kind::kRParen) return Error(Peek(), "expected ')' to close val(");
      Take();
      node->value_location = At(value.offset);
      node->value_field = std::move(*field);
      return node;
    }
    if (value.kind != Token::Kind::kWord && value.kind != Token::Kind::kString) {
      return Error(value, fmt::format("expected a value after '{}'", op_token.text));
    }
    Take();
    node->value = value.text;
    node->value_quoted = value.kind == Token::Kind::kString;
    node->value_location = At(value.offset);
    return node;
  }

  std::shared_ptr<const SourceText> source_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string FieldOperand::Text() const {
  std::string out;
  for (const auto& t : transformers) out += t + "(";
  out += field;
  out.append(transformers.size(), ')');
  return out;
}

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kEq: return "=";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    default: break;
  }
  for (const auto& w : kWordOps) {
    if (w.op == op) return w.word;
  }
  return "?";
}

std::expected<ExprPtr, ParseError> ParseCondition(const std::shared_ptr<const SourceText>& source) {
  auto tokens = Lex(source->text);
  if (!tokens) return std::unexpected(ParseError{tokens.error().offset, tokens.error().message});
  return Parser(source, std::move(*tokens)).Run();
}

}  // namespace vigil::rules
