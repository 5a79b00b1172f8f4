// The signature file: the built-in one loads and covers every class; errors in a file name
// the line and column; hostile files are rejected, never crash.
#include "logscan/signatures.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "logscan/alerts.h"
#include "unit/logscan/logscan_fixture.h"

namespace vigil::logscan {
namespace {

TEST(LogscanSignaturesTest, BuiltInLoadsEveryClass) {
  const SignatureSet& set = testing::BuiltInSignatures();
  std::set<std::string> classes;
  for (const auto& c : set.classes()) classes.insert(c.name);
  EXPECT_EQ(classes, (std::set<std::string>{"path_traversal", "lfi", "rfi", "sqli", "xss", "cmdi",
                                            "log4shell", "ssrf", "scanner", "secret_probe"}));
  std::set<std::size_t> with_signatures;
  for (const auto& s : set.signatures()) with_signatures.insert(s.class_index);
  EXPECT_EQ(with_signatures.size(), set.classes().size());
}

struct BadFile {
  const char* yaml;
  const char* error;
};

TEST(LogscanSignaturesTest, ErrorsNameLineAndColumn) {
  const std::string head =
      "classes:\n  - {name: a, rule: A rule, priority: Warning}\nsignatures:\n";
  const BadFile cases[] = {
      {"signatures:\n  - id: x\n    class: a\n    pattern: 'x'\n",
       "t.yaml: expected a map with 'classes' and 'signatures' lists"},
      {"classes: [}", "t.yaml:1:"},
      {"classes:\n  - {name: a, rule: r, priority: Loud}\nsignatures: []\n",
       "t.yaml:2:34: class 'a': unknown priority"},
      {"classes:\n  - {name: a, rule: r, priority: Warning}\nsignatures: []\n",
       "t.yaml: no signatures"},
  };
  for (const BadFile& c : cases) {
    auto loaded = SignatureSet::Load(c.yaml, "t.yaml");
    ASSERT_FALSE(loaded) << c.yaml;
    EXPECT_NE(loaded.error().message.find(c.error), std::string::npos) << loaded.error().message;
  }
  const BadFile signature_cases[] = {
      {"  - id: s\n    class: a\n    pattern: 'a(b'\n", "t.yaml:6:14: signature 's': missing )"},
      {"  - id: s\n    class: nope\n    pattern: 'a'\n",
       "t.yaml:5:12: signature 's': unknown class 'nope'"},
      {"  - id: s\n    class: a\n    fields: [cookie]\n    pattern: 'a'\n",
       "t.yaml:6:14: signature 's': unknown field 'cookie'"},
      {"  - {id: s, class: a}\n", "t.yaml:4:5: a signature needs id, class and pattern"},
  };
  for (const BadFile& c : signature_cases) {
    auto loaded = SignatureSet::Load(head + c.yaml, "t.yaml");
    ASSERT_FALSE(loaded) << c.yaml;
    EXPECT_NE(loaded.error().message.find(c.error), std::string::npos) << loaded.error().message;
  }
}

TEST(LogscanSignaturesTest, HostileFilesAreRejected) {
  const std::string hostile[] = {
      "",
      "[",
      "- - - -",
      std::string(5000, '['),
      "classes: 5\nsignatures: x",
      "classes:\n  - [1, 2]\nsignatures: []\n",
      "classes:\n  - {name: [1], rule: r, priority: Warning}\nsignatures: []",
      // A second document (a "---" or a wrong indentation) is not silently dropped.
      "classes: []\nsignatures: []\n---\nclasses: []\n"};
  for (const std::string& yaml : hostile) EXPECT_FALSE(SignatureSet::Load(yaml, "h.yaml"));
}

TEST(LogscanSignaturesTest, MatchesFieldsAndIndicators) {
  auto loaded = SignatureSet::Load(
      "classes:\n  - {name: a, rule: A, priority: Notice, priority_on_success: Alert}\n"
      "signatures:\n  - {id: s1, class: a, pattern: 'ev(il)+', fields: [user_agent]}\n",
      "t.yaml");
  ASSERT_TRUE(loaded) << loaded.error().message;
  std::vector<int> hits;
  loaded->Match("an EVILIL agent", hits);
  ASSERT_EQ(hits, std::vector<int>{0});
  EXPECT_EQ(loaded->Indicator(0, "an EVILIL agent"), "EVILIL");
  EXPECT_EQ(loaded->Indicator(7, "x"), "");
  EXPECT_EQ(loaded->classes()[0].priority_on_success, Priority::kAlert);
  Scanner scanner(*loaded);
  EXPECT_TRUE(scanner.ScanLine(testing::CombinedLine("/evil")).empty());  // uri: not its field
  EXPECT_EQ(scanner.ScanLine(testing::CombinedLine("/", "evil")).size(), 1u);
}

TEST(LogscanSignaturesTest, AlertCarriesFalcoShapeAndFields) {
  Scanner scanner(testing::BuiltInSignatures());
  const std::string line = testing::CombinedLine("/dl?f=../../etc/passwd", "curl/8", "-", 200);
  const HttpRecord record = ParseLine(line);
  auto findings = scanner.Scan(record);
  ASSERT_FALSE(findings.empty());
  ContainerInfo container;
  container.id = "0123456789ab";
  container.name = "web";
  container.image_repository = "nginx";
  LineOrigin origin{"docker:stdout", 7, &container};
  const Alert alert = MakeAlert(findings[0], record, line, origin, "host1", 42);
  EXPECT_EQ(alert.source, "logs");
  EXPECT_EQ(alert.rule, "Path traversal in HTTP request");
  EXPECT_EQ(alert.priority, Priority::kCritical);
  EXPECT_EQ(alert.hostname, "host1");
  auto field = [&](const std::string& name) -> FieldJsonValue {
    for (const auto& [key, value] : alert.output_fields) {
      if (key == name) return value;
    }
    ADD_FAILURE() << "no field " << name;
    return {};
  };
  EXPECT_EQ(field("container.id"), FieldJsonValue(std::string("0123456789ab")));
  EXPECT_EQ(field("container.name"), FieldJsonValue(std::string("web")));
  EXPECT_EQ(field("container.image.repository"), FieldJsonValue(std::string("nginx")));
  EXPECT_EQ(field("log.source"), FieldJsonValue(std::string("docker:stdout")));
  EXPECT_EQ(field("log.lineno"), FieldJsonValue(uint64_t{7}));
  EXPECT_EQ(field("http.method"), FieldJsonValue(std::string("GET")));
  EXPECT_EQ(field("http.uri"), FieldJsonValue(std::string("/dl?f=../../etc/passwd")));
  EXPECT_EQ(field("http.status"), FieldJsonValue(int64_t{200}));
  EXPECT_EQ(field("log.indicator"), FieldJsonValue(std::string("../")));
  EXPECT_EQ(field("http.referer"), FieldJsonValue(std::monostate{}));
  EXPECT_NE(alert.output.find("container.id=0123456789ab"), std::string::npos);
  // The line is escaped and cut.
  const std::string hostile = "\x1b[31m" + std::string(2000, 'x');
  const Alert cut = MakeAlert(findings[0], record, hostile, origin, "h", 1);
  for (const auto& [key, value] : cut.output_fields) {
    if (key != "log.line") continue;
    const auto& text = std::get<std::string>(value);
    EXPECT_LE(text.size(), kMaxLineExcerpt + 16);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
  }
}

}  // namespace
}  // namespace vigil::logscan
