// Every decoder on its own, then the canonical form on the evasions it must undo.
#include "logscan/decode.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::logscan {
namespace {

struct Case {
  std::string in;
  std::string want;
};

TEST(LogscanDecodeTest, PercentDecodeOnce) {
  const Case cases[] = {
      {"%2e%2e%2f", "../"},
      {"%2E%2E%2F", "../"},
      {"a+b", "a b"},
      {"%252e", "%2e"},        // one round only
      {"%u002e%u002f", "./"},  // IIS %u
      {"%uff0e%uff0f", "./"},  // fullwidth forms fold to ASCII
      {"%u00e9", "\xc3\xa9"},  // é as UTF-8
      {"%zz%4", "%zz%4"},      // malformed escapes stay
      {"%", "%"},
      {"%00", std::string(1, '\0')},
      {"100%", "100%"},
  };
  for (const Case& c : cases) EXPECT_EQ(PercentDecodeOnce(c.in), c.want) << c.in;
  EXPECT_EQ(PercentDecodeOnce("a+b", false), "a+b");
}

TEST(LogscanDecodeTest, OverlongUtf8) {
  const Case cases[] = {
      {"\xc0\xaf", "/"},        {"\xc0\xae\xc0\xae\xc0\xaf", "../"},
      {"\xe0\x80\xaf", "/"},    {"\xf0\x80\x80\xaf", "/"},
      {"\xc1\x9c", "\\"},       {"\xc3\xa9", "\xc3\xa9"},  // a real é is not overlong
      {"\xc0", "\xc0"},                                    // truncated sequences are copied
      {"\xe0\x80", "\xe0\x80"},
  };
  for (const Case& c : cases) EXPECT_EQ(DecodeOverlongUtf8(c.in), c.want);
}

TEST(LogscanDecodeTest, HtmlEntities) {
  const Case cases[] = {
      {"&lt;script&gt;", "<script>"},
      {"&LT;script&GT;", "<script>"},
      {"&#60;&#x3c;&#X3C;&#0000060", "<<<<"},
      {"&quot;&apos;&amp;", "\"'&"},
      {"&lt", "<"},  // ';' optional for the classics
      {"&colon;", ":"},
      {"&colon", "&colon"},  // longer names need their ';'
      {"&unknown;", "&unknown;"},
      {"&#;", "&#;"},
      {"&", "&"},
      {"AT&T", "AT&T"},
      {"&#99999999999;", "&#99999999999;"},
  };
  for (const Case& c : cases) EXPECT_EQ(DecodeHtmlEntities(c.in), c.want) << c.in;
}

TEST(LogscanDecodeTest, NormalizePath) {
  const Case cases[] = {
      {"..\\..\\windows\\win.ini", "../../windows/win.ini"},
      {"a//b///c", "a/b/c"},
      {"http://x//y", "http://x/y"},  // the scheme's '//' survives
      {"/./a/./b", "/a/b"},
      {"....//....//etc/passwd", "../../etc/passwd"},
      {".../.../x", "../../x"},
      {std::string("/etc/passwd\0.png", 16), "/etc/passwd.png"},
      {"/app.v1.2.js", "/app.v1.2.js"},
      {"../", "../"},
  };
  for (const Case& c : cases) EXPECT_EQ(NormalizePath(c.in), c.want) << c.in;
}

TEST(LogscanDecodeTest, Log4jLookups) {
  const Case cases[] = {
      {"${jndi:ldap://x/a}", "${jndi:ldap://x/a}"},
      {"${${lower:j}ndi:ldap://x}", "${jndi:ldap://x}"},
      {"${${::-j}${::-n}${::-d}${::-i}:rmi://x}", "${jndi:rmi://x}"},
      {"${${env:NaN:-j}ndi${env:NaN:-:}ldap://x}", "${jndi:ldap://x}"},
      {"${${upper:j}${date:'n'}di:dns://x}", "${jndi:dns://x}"},
      {"${env:HOME}", "${env:HOME}"},
      {"${unterminated", "${unterminated"},
      {"no lookups", "no lookups"},
  };
  for (const Case& c : cases) EXPECT_EQ(ResolveLog4jLookups(c.in), c.want) << c.in;
}

TEST(LogscanDecodeTest, CanonicalizeUndoesEvasions) {
  const Case cases[] = {
      {"%252e%252e%252f", "../"},        // double encoding
      {"%25252e%25252e%25252f", "../"},  // triple
      {"%c0%ae%c0%ae%c0%af", "../"},     // overlong through percent
      {"%e0%80%af", "/"},
      {"&#x3C;SCRIPT&#x3E;", "<script>"},
      {"%26lt%3bscript%26gt%3b", "<script>"},  // entities inside percent-encoding
      {"..%5c..%5cboot.ini", "../../boot.ini"},
      {"%2e%2e%00/etc", "../etc"},
      {"UNION+SELECT", "union select"},
      {"$%7B$%7Blower:J%7DNDI:ldap://x%7D", "${jndi:ldap://x}"},
      {"....//....//etc//passwd", "../../etc/passwd"},
  };
  for (const Case& c : cases) EXPECT_EQ(Canonicalize(c.in), c.want) << c.in;
}

// The traversal check: ".." must climb above where the path starts; hex-literal dots and
// slashes ("0x2e0x2e/", "..0x2f", "..0x5c") count, any case.
TEST(LogscanDecodeTest, EscapesRoot) {
  EXPECT_TRUE(EscapesRoot("/x?file=../../etc/passwd"));
  EXPECT_TRUE(EscapesRoot("/a/../../etc/passwd"));
  EXPECT_FALSE(EscapesRoot("/a/b/../c"));
  EXPECT_TRUE(EscapesRoot("/search?q=/0x2e0x2e/0x2e0x2e/etc/passwd"));
  EXPECT_TRUE(EscapesRoot("/search?q=/..0x2f..0x2fetc/passwd"));
  EXPECT_TRUE(EscapesRoot("/search?q=/..0X5C..0x5Cwin.ini"));
  EXPECT_TRUE(EscapesRoot("/0x2E0x2E0x2Fetc/passwd"));
  EXPECT_FALSE(EscapesRoot("/color?c=0x2e0x2f0x5c"));  // no climb above the start
  EXPECT_FALSE(EscapesRoot("/api?mask=0x2e&v=0x2f"));
}

TEST(LogscanDecodeTest, HostileInputNeverCrashes) {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  for (int rep = 0; rep < 4; ++rep) all_bytes += all_bytes;
  EXPECT_FALSE(Canonicalize(all_bytes).empty());
  std::string nested;
  for (int i = 0; i < 10000; ++i) nested += "${";
  EXPECT_FALSE(Canonicalize(nested).empty());
  EXPECT_EQ(Canonicalize(std::string(100000, '%')).size(), 100000u);
}

}  // namespace
}  // namespace vigil::logscan
