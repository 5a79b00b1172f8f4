// Tokens of the Falco condition language.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <expected>
#include <vector>

#include "common/result.h"

namespace vigil::rules {

struct Token {
  enum class Kind : uint8_t { kLParen, kRParen, kComma, kSymbolOp, kWord, kString, kEnd };
  Kind kind;
  std::string text;  // unescaped for kString
  uint32_t offset;   // into the condition
};

struct LexError {
  uint32_t offset;
  std::string message;
};

// Words are runs of anything but white space, quotes, parentheses, commas and = < > !
// ("evt.type", "proc.aname[2]", "/usr/bin", "and"); symbolic operators are = == != < <= > >=;
// strings are "…" or '…' with \" \' \\ escapes.
std::expected<std::vector<Token>, LexError> Lex(std::string_view text);

}  // namespace vigil::rules
