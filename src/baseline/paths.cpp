#include "baseline/paths.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <vector>

namespace vigil::baseline {
namespace {

constexpr std::string_view kFold = "/**";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

// 8-4-4-4-12 hex digits at `s`.
bool UuidAt(std::string_view s) {
  static constexpr int kGroups[] = {8, 4, 4, 4, 12};
  std::size_t i = 0;
  for (int g = 0; g < 5; ++g) {
    if (g > 0) {
      if (i >= s.size() || s[i] != '-') return false;
      ++i;
    }
    for (int k = 0; k < kGroups[g]; ++k, ++i) {
      if (i >= s.size() || !IsHex(s[i])) return false;
    }
  }
  return i == s.size() || !IsHex(s[i]);
}
constexpr std::size_t kUuidLength = 36;

// A hash or an id: 8+ hex digits with at least one digit and one letter (an all-digit run is
// a number, handled below; "deadbeef"-like words without a digit stay).
bool LooksLikeHex(std::string_view run) {
  if (run.size() < 8 || !AllOf(run, IsHex)) return false;
  bool digit = false;
  bool letter = false;
  for (char c : run) (IsDigit(c) ? digit : letter) = true;
  return digit && letter;
}

// A random name (mktemp's "aB3xQ9", "Fq8ZkLw1aP"): 6+ letters and digits that change between
// letter and digit, or from lower to upper case, at least 4 times. Words with a number in them
// ("sha256sum", "utf8mb4", "e2fsck", "NetworkManager", "K8sConfig") change at most 3 times.
bool LooksRandom(std::string_view run) {
  if (run.size() < 6) return false;
  int changes = 0;
  for (std::size_t i = 1; i < run.size(); ++i) {
    const char p = run[i - 1];
    const char c = run[i];
    if (IsDigit(p) != IsDigit(c)) ++changes;
    if (IsLower(p) && IsUpper(c)) ++changes;
  }
  return changes >= 4;
}

// Python's tempfile names: "tmp" and 8 characters of [a-z0-9_], then maybe a suffix.
bool PythonTempName(std::string_view c) {
  if (!c.starts_with("tmp") || c.size() < 11) return false;
  for (std::size_t i = 3; i < 11; ++i) {
    if (!(IsLower(c[i]) || IsDigit(c[i]) || c[i] == '_')) return false;
  }
  bool has_digit_or_underscore = false;
  for (std::size_t i = 3; i < 11; ++i) has_digit_or_underscore |= IsDigit(c[i]) || c[i] == '_';
  return has_digit_or_underscore && (c.size() == 11 || c[11] == '.');
}

// Pass 1: UUIDs, hex and random-looking runs of letters and digits become "*".
std::string CollapseRuns(std::string_view c) {
  std::string out;
  std::size_t i = 0;
  while (i < c.size()) {
    if ((i == 0 || !IsHex(c[i - 1])) && c.size() - i >= kUuidLength && UuidAt(c.substr(i))) {
      out += '*';
      i += kUuidLength;
      continue;
    }
    if (!IsAlnum(c[i])) {
      out += c[i++];
      continue;
    }
    std::size_t end = i;
    while (end < c.size() && IsAlnum(c[end])) ++end;
    std::string_view run = c.substr(i, end - i);
    if (LooksLikeHex(run) || LooksRandom(run)) {
      out += '*';
    } else {
      out.append(run);
    }
    i = end;
  }
  return out;
}

bool DateSeparator(char c) {
  return c == '-' || c == '_' || c == ':' || c == '.' || c == 'T';
}

// Pass 2: numbers of 4+ digits (pids, years, timestamps, counters) become "*", with the digits
// joined to them by date separators ("2024-01-02T10:00:00" is one "*"). Shorter numbers stay:
// they are versions ("libssl.so.3", "libstdc++.so.6.0.30", "python3.11", "x86_64").
std::string CollapseNumbers(std::string_view c) {
  std::string out;
  std::size_t i = 0;
  while (i < c.size()) {
    if (!IsDigit(c[i])) {
      out += c[i++];
      continue;
    }
    // The token: digit groups joined by single separators.
    std::size_t end = i;
    std::size_t longest = 0;
    while (true) {
      std::size_t group = end;
      while (end < c.size() && IsDigit(c[end])) ++end;
      longest = std::max(longest, end - group);
      if (end + 1 < c.size() && DateSeparator(c[end]) && IsDigit(c[end + 1])) {
        ++end;
        continue;
      }
      break;
    }
    if (longest >= 4) {
      out += '*';
      i = end;
    } else {
      // Keep the first group only: a later group may start a long number of its own.
      while (i < c.size() && IsDigit(c[i])) out += c[i++];
    }
  }
  return out;
}

std::string GeneraliseComponent(std::string_view c) {
  if (c.empty() || c == "." || c == "..") return std::string(c);
  if (AllOf(c, IsDigit)) return "*";
  if (PythonTempName(c)) return "tmp*" + std::string(c.substr(11));
  std::string out = CollapseNumbers(CollapseRuns(c));
  // "**" is the fold marker: a name never becomes it.
  std::string squeezed;
  for (char ch : out) {
    if (ch == '*' && !squeezed.empty() && squeezed.back() == '*') continue;
    squeezed += ch;
  }
  return squeezed;
}

// The directory part of a pattern ("" for "/x"); npos-safe.
std::string_view ParentOf(std::string_view pattern) {
  auto slash = pattern.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : pattern.substr(0, slash);
}

}  // namespace

std::string GeneralisePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::string(path);
  std::string out;
  out.reserve(path.size());
  std::size_t i = 1;
  while (true) {
    out += '/';
    std::size_t slash = path.find('/', i);
    std::string_view component =
        path.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
    out += GeneraliseComponent(component);
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  return out;
}

bool PatternsCover(const std::set<std::string>& patterns, std::string_view generalised) {
  if (patterns.contains(std::string(generalised))) return true;
  // Every ancestor directory, folded: "/**", "/a/**", … (not the pattern itself).
  std::string ancestor;
  for (std::size_t slash = generalised.find('/'); slash != std::string_view::npos;
       slash = generalised.find('/', slash + 1)) {
    ancestor.assign(generalised.substr(0, slash));
    ancestor += kFold;
    if (ancestor != generalised && patterns.contains(ancestor)) return true;
  }
  return false;
}

bool AddPattern(std::set<std::string>& patterns, std::string_view generalised,
                std::size_t fold_after) {
  if (PatternsCover(patterns, generalised)) return false;
  std::string pattern(generalised);
  if (pattern.empty() || pattern.front() != '/') {
    patterns.insert(std::move(pattern));
    return true;
  }
  // The patterns at or below `path` ("/srv" or "/srv/…", not "/srvx").
  auto under = [&patterns](std::string_view prefix) {
    auto first = patterns.lower_bound(std::string(prefix));
    auto last = first;
    while (last != patterns.end() && last->starts_with(prefix)) ++last;
    return std::pair{first, last};
  };
  auto exists = [&](std::string_view path) {
    if (patterns.contains(std::string(path))) return true;
    auto [first, last] = under(std::string(path) + "/");
    return first != last;
  };
  if (pattern.ends_with(kFold)) {
    // A folded tree replaces everything below it.
    auto [first, last] = under(std::string_view(pattern).substr(0, pattern.size() - 2));
    patterns.erase(first, last);
  }
  // The new pattern adds an entry to the shallowest directory that did not hold its path yet;
  // deeper directories are new and hold only it. Only that directory's count can now exceed
  // `fold_after` (the others' counts did not change).
  std::string dir;
  for (std::size_t slash = pattern.find('/', 1);; slash = pattern.find('/', slash + 1)) {
    std::string_view path = std::string_view(pattern).substr(0, slash);
    if (slash == std::string::npos || !exists(path)) {
      dir = std::string(ParentOf(path));
      break;
    }
  }
  patterns.insert(pattern);

  const std::string prefix = dir + "/";
  auto [first, last] = under(prefix);
  std::set<std::string_view> entries;
  for (auto it = first; it != last && entries.size() <= fold_after; ++it) {
    std::string_view rest = std::string_view(*it).substr(prefix.size());
    entries.insert(rest.substr(0, rest.find('/')));
  }
  if (entries.size() > fold_after) {
    entries.clear();
    patterns.erase(first, last);
    patterns.insert(dir + std::string(kFold));
  }
  return true;
}

}  // namespace vigil::baseline
