// Shared helpers for the logscan tests: the built-in signatures, and lines built from parts.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "logscan/scanner.h"
#include "logscan/signatures.h"

namespace vigil::logscan::testing {

inline const SignatureSet& BuiltInSignatures() {
  static const SignatureSet* set = [] {
    auto loaded = SignatureSet::BuiltIn();
    EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
    return new SignatureSet(std::move(*loaded));
  }();
  return *set;
}

// A combined-format line (nginx's default) carrying the given request parts.
inline std::string CombinedLine(const std::string& uri, const std::string& agent = "Mozilla/5.0",
                                const std::string& referer = "-", int status = 404,
                                const std::string& method = "GET") {
  return "203.0.113.9 - - [27/Nov/2026:10:00:00 +0000] \"" + method + " " + uri + " HTTP/1.1\" " +
         std::to_string(status) + " 153 \"" + referer + "\" \"" + agent + "\"";
}

// The rule names the scanner raises for `line`.
inline std::set<std::string> RulesFor(const std::string& line) {
  Scanner scanner(BuiltInSignatures());
  std::set<std::string> rules;
  for (const Finding& f : scanner.ScanLine(line)) rules.insert(f.attack->rule);
  return rules;
}

}  // namespace vigil::logscan::testing
