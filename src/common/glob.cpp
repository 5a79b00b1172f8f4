#include "common/glob.h"

namespace vigil {
namespace {

char Fold(char c, bool ignore_case) {
  return ignore_case && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Matches a class starting at pattern[p] == '['; sets `next` past it. False if malformed.
bool MatchClass(std::string_view pattern, std::size_t p, char c, bool ignore_case,
                std::size_t& next, bool& matched) {
  std::size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  matched = false;
  bool first = true;
  while (i < pattern.size() && (pattern[i] != ']' || first)) {
    first = false;
    char lo = Fold(pattern[i], ignore_case);
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = Fold(pattern[i + 2], ignore_case);
      i += 3;
    } else {
      ++i;
    }
    if (c >= lo && c <= hi) matched = true;
  }
  if (i >= pattern.size()) return false;
  next = i + 1;
  if (negate) matched = !matched;
  return true;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  std::size_t p = 0, t = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    char c = Fold(text[t], ignore_case);
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        star_p = p++;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        std::size_t next = 0;
        bool matched = false;
        if (MatchClass(pattern, p, c, ignore_case, next, matched)) {
          if (matched) {
            p = next;
            ++t;
            continue;
          }
        } else if (c == '[') {  // malformed class: a literal '['
          ++p;
          ++t;
          continue;
        }
      } else {
        if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
        if (Fold(pc, ignore_case) == c) {
          ++p;
          ++t;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace vigil
