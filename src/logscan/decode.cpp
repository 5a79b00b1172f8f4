#include "logscan/decode.h"

#include <array>
#include <cstdint>
#include <utility>

namespace vigil::logscan {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of `count` hex digits at `in[pos]`, or -1.
long HexAt(std::string_view in, std::size_t pos, std::size_t count) {
  if (pos + count > in.size()) return -1;
  long value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const int digit = HexValue(in[pos + i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // fullwidth forms: IIS reads them as ASCII
  if (cp == 0x2215 || cp == 0x2044) cp = '/';      // division and fraction slashes
  if (cp == 0x2216) cp = '\\';                     // set minus
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsContinuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

struct NamedEntity {
  std::string_view name;
  char value;
};
constexpr std::array<NamedEntity, 16> kEntities{{{"lt", '<'},
                                                 {"gt", '>'},
                                                 {"quot", '"'},
                                                 {"apos", '\''},
                                                 {"amp", '&'},
                                                 {"sol", '/'},
                                                 {"bsol", '\\'},
                                                 {"colon", ':'},
                                                 {"semi", ';'},
                                                 {"lpar", '('},
                                                 {"rpar", ')'},
                                                 {"period", '.'},
                                                 {"equals", '='},
                                                 {"tab", '\t'},
                                                 {"newline", '\n'},
                                                 {"nbsp", ' '}}};

// A numeric entity at in[pos] == '&' ("&#60;", "&#x3C"): its value and length, or {-1, 0}.
std::pair<long, std::size_t> NumericEntity(std::string_view in, std::size_t pos) {
  std::size_t i = pos + 2;
  const bool hex = i < in.size() && (in[i] == 'x' || in[i] == 'X');
  if (hex) ++i;
  const std::size_t digits_start = i;
  long value = 0;
  while (i < in.size() && i - digits_start < 8) {
    const int digit = hex ? HexValue(in[i]) : (in[i] >= '0' && in[i] <= '9' ? in[i] - '0' : -1);
    if (digit < 0) break;
    value = value * (hex ? 16 : 10) + digit;
    ++i;
  }
  if (i == digits_start) return {-1, 0};
  if (i < in.size() && in[i] == ';') ++i;
  return {value, i - pos};
}

// A named entity at in[pos] == '&': its character and length, or {0, 0}.
std::pair<char, std::size_t> NamedEntityAt(std::string_view in, std::size_t pos) {
  for (const NamedEntity& e : kEntities) {
    if (in.size() - pos - 1 < e.name.size()) continue;
    std::string_view candidate = in.substr(pos + 1, e.name.size());
    bool equal = true;
    for (std::size_t k = 0; k < candidate.size(); ++k) {
      if ((candidate[k] | 0x20) != e.name[k]) equal = false;
    }
    if (!equal) continue;
    std::size_t length = 1 + e.name.size();
    if (pos + length < in.size() && in[pos + length] == ';') {
      ++length;
    } else if (e.name.size() > 4) {
      continue;  // only the short classics are read without their ';'
    }
    return {e.value, length};
  }
  return {0, 0};
}

std::string EvaluateLookup(std::string_view content) {
  std::string lower;
  for (char c : content) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  const std::size_t start = lower.find_first_not_of(" \t");
  std::string_view key = std::string_view(lower).substr(start == std::string::npos ? 0 : start);
  if (key.starts_with("jndi:")) return "${" + std::string(content) + "}";
  if (const auto dash = content.find(":-"); dash != std::string_view::npos) {
    return std::string(content.substr(dash + 2));
  }
  if (key.starts_with("lower:") || key.starts_with("upper:")) {
    return std::string(content.substr(content.find(':') + 1));
  }
  if (key.starts_with("date:")) {
    std::string value(content.substr(content.find(':') + 1));
    std::erase(value, '\'');
    return value;
  }
  return "${" + std::string(content) + "}";
}

// From in[pos] (just after "${") to the matching '}': appends the resolved lookup to `out` and
// returns the position after it.
std::size_t ResolveLookupAt(std::string_view in, std::size_t pos, int depth, std::string& out) {
  std::string content;
  while (pos < in.size()) {
    if (in[pos] == '$' && pos + 1 < in.size() && in[pos + 1] == '{' && depth < 8) {
      pos = ResolveLookupAt(in, pos + 2, depth + 1, content);
    } else if (in[pos] == '}') {
      out += EvaluateLookup(content);
      return pos + 1;
    } else {
      content += in[pos++];
    }
  }
  out += "${" + content;  // unterminated: as written
  return pos;
}

}  // namespace

std::string ResolveLog4jLookups(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '{') {
      i = ResolveLookupAt(in, i + 2, 1, out);
    } else {
      out += in[i++];
    }
  }
  return out;
}

std::string PercentDecodeOnce(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+' && plus_as_space) {
      out += ' ';
      continue;
    }
    if (c != '%') {
      out += c;
      continue;
    }
    if (i + 5 < in.size() && (in[i + 1] == 'u' || in[i + 1] == 'U')) {
      const long cp = HexAt(in, i + 2, 4);
      if (cp >= 0) {
        AppendUtf8(out, static_cast<uint32_t>(cp));
        i += 5;
        continue;
      }
    }
    const long byte = HexAt(in, i + 1, 2);
    if (byte >= 0) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string DecodeOverlongUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    const auto at = [&](std::size_t k) {
      return i + k < in.size() ? static_cast<unsigned char>(in[i + k]) : 0;
    };
    if ((b0 == 0xC0 || b0 == 0xC1) && IsContinuation(at(1))) {
      out += static_cast<char>(((b0 & 0x1F) << 6) | (at(1) & 0x3F));
      i += 1;
    } else if (b0 == 0xE0 && (at(1) & 0xE0) == 0x80 && IsContinuation(at(2))) {
      const uint32_t cp = ((at(1) & 0x3F) << 6) | (at(2) & 0x3F);
      if (cp < 0x80) {
        out += static_cast<char>(cp);
        i += 2;
      } else {
        out += static_cast<char>(b0);
      }
    } else if (b0 == 0xF0 && (at(1) & 0xF0) == 0x80 && IsContinuation(at(2)) &&
               IsContinuation(at(3)) && (at(1) & 0x3F) == 0 && (at(2) & 0x3E) == 0) {
      out += static_cast<char>(((at(2) & 0x3F) << 6) | (at(3) & 0x3F));
      i += 3;
    } else {
      out += static_cast<char>(b0);
    }
  }
  return out;
}

std::string DecodeHtmlEntities(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '&' || i + 2 >= in.size()) {
      out += in[i];
      continue;
    }
    if (in[i + 1] == '#') {
      auto [value, length] = NumericEntity(in, i);
      if (value >= 0 && value <= 0x10FFFF) {
        AppendUtf8(out, static_cast<uint32_t>(value > 0xFFFF ? 0xFFFD : value));
        i += length - 1;
        continue;
      }
    } else if (auto [value, length] = NamedEntityAt(in, i); length > 0) {
      out += value;
      i += length - 1;
      continue;
    }
    out += in[i];
  }
  return out;
}

std::string NormalizePath(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\0') continue;
    if (c == '\\') c = '/';
    if (c == '/' && !out.empty() && out.back() == '/' &&
        !(out.size() >= 2 && out[out.size() - 2] == ':')) {
      continue;  // "//" -> "/"
    }
    if (c == '/' && out.size() >= 2 && out.ends_with("/.") &&
        !(out.size() >= 3 && out[out.size() - 3] == '.')) {
      out.pop_back();  // "/./" -> "/"
      continue;
    }
    if (c == '/' && out.ends_with("...")) {
      std::size_t dots = 0;
      while (dots < out.size() && out[out.size() - 1 - dots] == '.') ++dots;
      out.resize(out.size() - dots + 2);  // "....//" and ".../" -> "../"
    }
    out += c;
  }
  return out;
}

std::string Canonicalize(std::string_view in) {
  std::string current(in);
  for (int round = 0; round < 4; ++round) {
    std::string next = DecodeHtmlEntities(DecodeOverlongUtf8(PercentDecodeOnce(current)));
    if (next == current) break;
    current = std::move(next);
  }
  if (current.find("${") != std::string::npos) current = ResolveLog4jLookups(current);
  std::string out = NormalizePath(current);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace vigil::logscan

namespace vigil::logscan {
namespace {

// Walks the '/'-separated segments of `part`: true when ".." takes it below its start.
bool ClimbsAboveStart(std::string_view part) {
  int depth = 0;
  std::size_t start = 0;
  while (start <= part.size()) {
    std::size_t end = part.find('/', start);
    if (end == std::string_view::npos) end = part.size();
    std::string_view segment = part.substr(start, end - start);
    while (!segment.empty() && (segment.back() == ';' || segment.back() == ' ')) {
      segment.remove_suffix(1);
    }
    while (!segment.empty() && segment.front() == ' ') segment.remove_prefix(1);
    if (segment == "..") {
      if (--depth < 0) return true;
    } else if (!segment.empty() && segment != "." && end < part.size()) {
      ++depth;
    }
    start = end + 1;
  }
  return false;
}

// "0x2e" for '.', "0x2f" and "0x5c" for '/' (and '\\'), any case: the hex-literal spelling of
// a traversal some applications decode ("..0x2f", "0x2e0x2e/"). Only the traversal check reads
// them so; other text keeps its "0x".
std::string DecodeHexLiteralDots(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i + 3 < in.size() && in[i] == '0' && (in[i + 1] == 'x' || in[i + 1] == 'X')) {
      const char hi = in[i + 2];
      const char lo = static_cast<char>(in[i + 3] | 0x20);
      if (hi == '2' && lo == 'e') {
        out.push_back('.');
        i += 3;
        continue;
      }
      if ((hi == '2' && lo == 'f') || (hi == '5' && lo == 'c')) {
        out.push_back('/');
        i += 3;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

bool EscapesRootDecoded(std::string_view uri);

}  // namespace

bool EscapesRoot(std::string_view uri) {
  if (EscapesRootDecoded(uri)) return true;
  const bool hex = uri.find("0x") != std::string_view::npos || uri.find("0X") != std::string_view::npos;
  return hex && EscapesRootDecoded(DecodeHexLiteralDots(uri));
}

namespace {

bool EscapesRootDecoded(std::string_view uri) {
  const auto question = uri.find('?');
  if (ClimbsAboveStart(uri.substr(0, question))) return true;
  if (question == std::string_view::npos) return false;
  std::string_view query = uri.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (ClimbsAboveStart(equals == std::string_view::npos ? pair : pair.substr(equals + 1))) {
      return true;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace
}  // namespace vigil::logscan
