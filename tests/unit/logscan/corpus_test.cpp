// Detection and false-alarm floors on HttpParamsDataset (../shared/corpora/httpparams, not in
// the repository): each labelled parameter value sent as ?q=<percent-encoded value> in a
// combined-format line. The floors are what was measured (docs/LOGSCAN.md): a regression fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "logscan/scanner.h"
#include "unit/logscan/logscan_fixture.h"

namespace vigil::logscan {
namespace {

std::string CorpusPath() {
  const char* env = std::getenv("VIGIL_HTTPPARAMS_CSV");
  return env ? env : VIGIL_HTTPPARAMS_CSV;
}

#define REQUIRE_CORPUS()                      \
  if (!std::filesystem::exists(CorpusPath())) \
  GTEST_SKIP() << "HttpParamsDataset not found at " << CorpusPath() << " (set VIGIL_HTTPPARAMS_CSV)"

// RFC 4180 fields of one record (the file has no newlines inside fields).
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string PercentEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

struct Tally {
  int total = 0;
  int detected = 0;  // by the class the label names (or, for norm, any alert)
};

TEST(LogscanCorpusTest, HttpParamsDetectionAndFalseAlarmFloors) {
  REQUIRE_CORPUS();
  const std::map<std::string, std::vector<std::string>> expected = {
      {"sqli", {"sqli"}},
      {"xss", {"xss"}},
      {"cmdi", {"cmdi"}},
      {"path-traversal", {"path_traversal", "lfi"}},
      {"norm", {}}};
  std::ifstream in(CorpusPath());
  std::string line;
  std::getline(in, line);  // header
  Scanner scanner(testing::BuiltInSignatures());
  std::map<std::string, Tally> tally;
  while (std::getline(in, line)) {
    const auto fields = CsvFields(line);
    if (fields.size() < 4 || !expected.contains(fields[2])) continue;
    Tally& t = tally[fields[2]];
    ++t.total;
    const auto findings =
        scanner.ScanLine(testing::CombinedLine("/search?q=" + PercentEncode(fields[0])));
    const auto& want = expected.at(fields[2]);
    bool hit = want.empty() && !findings.empty();
    for (const Finding& f : findings) {
      for (const auto& name : want) hit = hit || f.attack->name == name;
    }
    t.detected += hit ? 1 : 0;
  }
  for (const auto& [label, t] : tally) {
    std::printf("  %-15s %6d values, %6d %s (%.2f%%)\n", label.c_str(), t.total, t.detected,
                label == "norm" ? "false alarms" : "detected", 100.0 * t.detected / t.total);
  }
  ASSERT_EQ(tally["norm"].total, 19304);
  auto rate = [&](const char* label) { return 100.0 * tally[label].detected / tally[label].total; };
  EXPECT_GE(rate("sqli"), 99.9);
  EXPECT_GE(rate("xss"), 97.0);
  EXPECT_GE(rate("cmdi"), 88.0);
  EXPECT_GE(rate("path-traversal"), 61.0);
  EXPECT_EQ(tally["norm"].detected, 0);
}

}  // namespace
}  // namespace vigil::logscan
