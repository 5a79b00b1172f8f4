#include "rules/lexer.h"

#include <fmt/core.h>

namespace vigil::rules {
namespace {
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsWordChar(char c) {
  switch (c) {
    case '(': case ')': case ',': case '"': case '\'': case '=': case '<': case '>': case '!':
      return false;
    default:
      return !IsSpace(c) && c != '\0';
  }
}
}  // namespace

std::expected<std::vector<Token>, LexError> Lex(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (true) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const auto start = static_cast<uint32_t>(i);
    if (i == text.size()) {
      tokens.push_back({Token::Kind::kEnd, "", start});
      return tokens;
    }
    char c = text[i];
    if (c == '(') {
      tokens.push_back({Token::Kind::kLParen, "(", start});
      ++i;
    } else if (c == ')') {
      tokens.push_back({Token::Kind::kRParen, ")", start});
      ++i;
    } else if (c == ',') {
      tokens.push_back({Token::Kind::kComma, ",", start});
      ++i;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      std::string op(1, c);
      if (i + 1 < text.size() && text[i + 1] == '=') op += '=';
      if (op == "!") return std::unexpected(LexError{start, "'!' must be followed by '=' (use 'not')"});
      i += op.size();
      tokens.push_back({Token::Kind::kSymbolOp, op, start});
    } else if (c == '"' || c == '\'') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '\\' && i + 1 < text.size() && (text[i + 1] == c || text[i + 1] == '\\')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (d == c) {
          closed = true;
          ++i;
          break;
        }
        value += d;
        ++i;
      }
      if (!closed) return std::unexpected(LexError{start, fmt::format("unterminated string starting with {}", c)});
      tokens.push_back({Token::Kind::kString, std::move(value), start});
    } else {
      while (i < text.size() && IsWordChar(text[i])) ++i;
      if (i == start) {
        return std::unexpected(LexError{start, fmt::format("unexpected character '{}'", c)});
      }
      tokens.push_back({Token::Kind::kWord, std::string(text.substr(start, i - start)), start});
    }
  }
}

}  // namespace vigil::rules
