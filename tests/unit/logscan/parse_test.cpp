// The line formats: CLF, combined, busybox httpd, JSON (nested and ECS keys), plain text,
// Docker's json-file entries; malformed, long and invalid-UTF-8 lines never crash.
#include "logscan/parse.h"

#include <gtest/gtest.h>

#include <string>

#include "logscan/scanner.h"
#include "unit/logscan/logscan_fixture.h"

namespace vigil::logscan {
namespace {

TEST(LogscanParseTest, CombinedNginx) {
  const HttpRecord r = ParseLine(
      R"x(192.0.2.7 - alice [27/Nov/2026:10:00:00 +0000] "POST /login?next=%2F HTTP/2.0" 302 0 "https://example.com/" "Mozilla/5.0 (X11)")x");
  EXPECT_EQ(r.format, LogFormat::kCombined);
  EXPECT_EQ(r.client, "192.0.2.7");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.uri, "/login?next=%2F");
  EXPECT_EQ(r.path, "/login");
  EXPECT_EQ(r.query, "next=%2F");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.referer, "https://example.com/");
  EXPECT_EQ(r.user_agent, "Mozilla/5.0 (X11)");
}

TEST(LogscanParseTest, CommonApacheWithEscapes) {
  const HttpRecord r = ParseLine(
      R"(::1 - - [27/Nov/2026:10:00:00 +0000] "GET /a?q=\"x\"&r=\x3Cb\x3E HTTP/1.0" 404 209)");
  EXPECT_EQ(r.format, LogFormat::kCommon);
  EXPECT_EQ(r.client, "::1");
  EXPECT_EQ(r.uri, "/a?q=\"x\"&r=<b>");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.user_agent.empty());
}

TEST(LogscanParseTest, CombinedWithDashesAndNoProtocol) {
  const HttpRecord r = ParseLine(R"(10.1.1.1:5555 - - [x] "GET /plain" 200 - "-" "-")");
  EXPECT_EQ(r.format, LogFormat::kCombined);
  EXPECT_EQ(r.client, "10.1.1.1");
  EXPECT_EQ(r.uri, "/plain");
  EXPECT_TRUE(r.referer.empty());
  EXPECT_TRUE(r.user_agent.empty());
}

TEST(LogscanParseTest, BusyboxHttpd) {
  const HttpRecord r = ParseLine("127.0.0.1:43648: url:/cgi-bin/x");
  EXPECT_EQ(r.format, LogFormat::kBusybox);
  EXPECT_EQ(r.client, "127.0.0.1");
  EXPECT_EQ(r.uri, "/cgi-bin/x");
  // Its response lines carry no request.
  EXPECT_FALSE(ParseLine("127.0.0.1:43648: response:404").has_request());
}

TEST(LogscanParseTest, JsonKeysAndVariants) {
  struct Case {
    const char* line;
    const char* uri;
    const char* method;
    int status;
    const char* agent;
  };
  const Case cases[] = {
      {R"({"remote_addr":"1.2.3.4","request":"GET /a?b=1 HTTP/1.1","status":"200","http_user_agent":"ua"})",
       "/a?b=1", "GET", 200, "ua"},
      {R"({"method":"PUT","uri":"/x","status":201,"userAgent":"ua2"})", "/x", "PUT", 201, "ua2"},
      {R"({"path":"/p","query":"q=1","request_method":"GET","User-Agent":"ua3"})", "/p?q=1", "GET",
       0, "ua3"},
      {R"({"http":{"request":{"method":"GET"},"response":{"status_code":404}},"url":{"original":"/ecs?x=1"},"user_agent":{"original":"ua4"}})",
       "/ecs?x=1", "GET", 404, "ua4"},
      {R"({"request_uri":"/r","url":"/ignored"})", "/r", "", 0, ""},
  };
  for (const Case& c : cases) {
    const HttpRecord r = ParseLine(c.line);
    EXPECT_EQ(r.format, LogFormat::kJson) << c.line;
    EXPECT_EQ(r.uri, c.uri) << c.line;
    EXPECT_EQ(r.method, c.method) << c.line;
    EXPECT_EQ(r.status, c.status) << c.line;
    EXPECT_EQ(r.user_agent, c.agent) << c.line;
  }
  const HttpRecord message = ParseLine(R"({"level":"warn","message":"disk almost full"})");
  EXPECT_FALSE(message.has_request());
  EXPECT_EQ(message.message, "disk almost full");
}

TEST(LogscanParseTest, PlainTextFindsARequestLine) {
  const HttpRecord r = ParseLine(
      "2026/11/27 10:00:00 [error] 7#7: *1 open() failed, request: \"GET "
      "/x?y=1 HTTP/1.1\", host: \"a\"");
  EXPECT_EQ(r.format, LogFormat::kPlain);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.uri, "/x?y=1");
  const HttpRecord text = ParseLine("just some text GETTING /nowhere");
  EXPECT_FALSE(text.has_request());
  EXPECT_EQ(text.message, "just some text GETTING /nowhere");
}

TEST(LogscanParseTest, DockerJsonFileEntries) {
  auto entry = ParseDockerJsonLine(
      R"({"log":"127.0.0.1:1: url:/x\n","stream":"stderr","time":"2026-11-27T03:51:19Z"})");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->log, "127.0.0.1:1: url:/x");
  EXPECT_EQ(entry->stream, "stderr");
  EXPECT_FALSE(entry->partial);
  auto partial = ParseDockerJsonLine(R"({"log":"abc","stream":"stdout"})");
  ASSERT_TRUE(partial);
  EXPECT_TRUE(partial->partial);
  EXPECT_FALSE(ParseDockerJsonLine("not json"));
  EXPECT_FALSE(ParseDockerJsonLine(R"({"log":5})"));
  EXPECT_FALSE(ParseDockerJsonLine("[1,2]"));
}

TEST(LogscanParseTest, MalformedLongAndInvalidLinesNeverCrash) {
  Scanner scanner(testing::BuiltInSignatures());
  const std::string hostile[] = {
      "",
      "\"",
      "[",
      "a [",
      "a [b] \"",
      "a [b] \"GET",
      "a [b] \"GET /x HTTP/1.1\" 99999999999999999999 -- \"",
      "{",
      "{\"request\":",
      R"({"request":{"a":[{"b":{"c":{"d":{"e":{}}}}}]}})",
      R"({"status":"abc","uri":""})",
      std::string(200000, 'A'),
      "GET " + std::string(200000, '/'),
      "x [y] \"GET /" + std::string(100000, '%') + "\" 200 1 \"" + std::string(50000, '\\') + "\"",
      std::string(
          "\xff\xfe\xc0\xaf\xed\xa0\x80 [\x80] \"GET /\xc0\xae\xc0\xae\xc0\xaf HTTP/1.1\" 200 1"),
      std::string("\0\0\0GET /\0 HTTP/1.1", 20),
      std::string(10000, '{'),
      std::string(10000, '[') + std::string(10000, ']'),
  };
  for (const std::string& line : hostile) {
    (void)scanner.ScanLine(line);  // must return
  }
  // Invalid UTF-8 around an attack still finds it.
  EXPECT_FALSE(scanner
                   .ScanLine("\xff\xfe [x] \"GET /a?f=\xc0\xae\xc0\xae/\xc0\xae\xc0\xae/etc/passwd "
                             "HTTP/1.1\" 200 1 \"-\" \"\xff\"")
                   .empty());
  // A very long line is scanned up to Scanner::kMaxFieldBytes per field.
  const std::string long_uri = "/a?x=" + std::string(10000, 'b') + "&f=../../etc/passwd";
  EXPECT_FALSE(scanner.ScanLine(testing::CombinedLine(long_uri)).empty());
}

}  // namespace
}  // namespace vigil::logscan
