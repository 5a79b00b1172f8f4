// The file a request names, and the link between a log alert naming it and the same
// container's open of it within the window (either order; each pair once).
#include "logscan/correlator.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::logscan {
namespace {

TEST(LogscanCorrelatorTest, TargetPath) {
  struct Case {
    const char* uri;
    const char* indicator;
    const char* want;
  };
  const Case cases[] = {
      {"/cgi-bin/x?input=../../../etc/shadow", "../", "/etc/shadow"},
      {"/a?x=1&f=/etc/passwd", "/etc/passwd", "/etc/passwd"},
      {"/static/../../../etc/hosts", "../", "/etc/hosts"},
      {"/x?p=/var/www/../../../etc/./shadow", "../", "/etc/shadow"},
      {"/a/b/../c?q=1", "../", ""},
      {"/plain", "x", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(TargetPath(c.uri, c.indicator), c.want) << c.uri;
}

Alert LogAlert(uint64_t time_ns, const std::string& container, const std::string& target,
               uint64_t lineno, const std::string& rule = "Path traversal in HTTP request") {
  Alert a;
  a.time_ns = time_ns;
  a.rule = rule;
  a.source = "logs";
  a.output_fields = {{"container.id", container},
                     {"container.name", std::string("web")},
                     {"log.target", target},
                     {"http.uri", std::string("/x?f=../../etc/shadow")},
                     {"log.source", std::string("docker:stderr")},
                     {"log.lineno", lineno}};
  return a;
}

Alert OpenAlert(uint64_t time_ns, const std::string& container, const std::string& file) {
  Alert a;
  a.time_ns = time_ns;
  a.rule = "Read sensitive file untrusted";
  a.source = "syscall";
  a.output_fields = {
      {"container.id", container}, {"fd.name", file}, {"proc.name", std::string("cat")}};
  return a;
}

constexpr uint64_t kSecond = 1'000'000'000;

TEST(LogscanCorrelatorTest, LinksEitherOrderOncePerLine) {
  FileCorrelator c;
  EXPECT_FALSE(c.Observe(LogAlert(10 * kSecond, "aaaaaaaaaaaa", "/etc/shadow", 3)));
  EXPECT_FALSE(c.Observe(LogAlert(10 * kSecond, "aaaaaaaaaaaa", "/etc/shadow", 3,
                                  "Local file inclusion in HTTP request")));
  auto linked = c.Observe(OpenAlert(12 * kSecond, "aaaaaaaaaaaa", "/etc/shadow"));
  ASSERT_TRUE(linked);
  EXPECT_EQ(linked->rule, kCorrelatedRule);
  EXPECT_EQ(linked->priority, Priority::kAlert);
  EXPECT_EQ(linked->source, "logs");
  EXPECT_NE(linked->output.find("proc.name=cat"), std::string::npos);
  EXPECT_NE(linked->output.find("log.lineno=3"), std::string::npos);
  // The line's other alert does not link again.
  EXPECT_FALSE(c.Observe(OpenAlert(12 * kSecond, "aaaaaaaaaaaa", "/etc/shadow")));
  // Open first, then the log line.
  EXPECT_FALSE(c.Observe(OpenAlert(20 * kSecond, "bbbbbbbbbbbb", "/etc/passwd")));
  EXPECT_TRUE(c.Observe(LogAlert(21 * kSecond, "bbbbbbbbbbbb", "/etc/passwd", 9)));
}

TEST(LogscanCorrelatorTest, NoLinkAcrossContainersFilesOrTime) {
  FileCorrelator c;
  EXPECT_FALSE(c.Observe(LogAlert(10 * kSecond, "aaaaaaaaaaaa", "/etc/shadow", 1)));
  EXPECT_FALSE(c.Observe(OpenAlert(11 * kSecond, "cccccccccccc", "/etc/shadow")));  // other
  EXPECT_FALSE(c.Observe(OpenAlert(11 * kSecond, "aaaaaaaaaaaa", "/etc/passwd")));  // file
  EXPECT_FALSE(c.Observe(OpenAlert(30 * kSecond, "aaaaaaaaaaaa", "/etc/shadow")));  // late
  EXPECT_FALSE(c.Observe(OpenAlert(30 * kSecond, "host", "/etc/shadow")));
  Alert no_target = LogAlert(40 * kSecond, "aaaaaaaaaaaa", "", 2);
  EXPECT_FALSE(c.Observe(no_target));
}

}  // namespace
}  // namespace vigil::logscan
