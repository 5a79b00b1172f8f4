#include "logscan/parse.h"

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/clock.h"

namespace vigil::logscan {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 9> kMethods{"GET",     "POST",  "PUT",   "DELETE", "HEAD",
                                                   "OPTIONS", "PATCH", "TRACE", "CONNECT"};

bool IsMethod(std::string_view token) {
  for (std::string_view m : kMethods) {
    if (token == m) return true;
  }
  return false;
}

// A quoted field starting at line[pos] == '"'; Apache's \" and \\ and nginx's \xHH escapes
// are undone. Sets `pos` past the closing quote.
std::optional<std::string> QuotedField(std::string_view line, std::size_t& pos) {
  if (pos >= line.size() || line[pos] != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = pos + 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
      out += line[++i];
    } else if (line[i] == '\\' && i + 3 < line.size() && line[i + 1] == 'x' &&
               std::isxdigit(static_cast<unsigned char>(line[i + 2])) &&
               std::isxdigit(static_cast<unsigned char>(line[i + 3]))) {
      out += static_cast<char>(std::stoi(std::string(line.substr(i + 2, 2)), nullptr, 16));
      i += 3;
    } else if (line[i] == '"') {
      pos = i + 1;
      return out;
    } else {
      out += line[i];
    }
  }
  return std::nullopt;
}

void SkipSpaces(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && line[pos] == ' ') ++pos;
}

std::string_view Token(std::string_view line, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < line.size() && line[pos] != ' ') ++pos;
  return line.substr(start, pos - start);
}

int StatusOf(std::string_view text) {
  if (text.size() != 3) return 0;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value >= 100 && value <= 599 ? value : 0;
}

// "1.2.3.4:5678" or "[::1]:80" -> the address; a bare address stays.
std::string StripPort(std::string_view address) {
  if (address.starts_with('[')) {
    const auto end = address.find(']');
    return std::string(end == std::string_view::npos ? address : address.substr(1, end - 1));
  }
  const auto colon = address.find(':');
  if (colon != std::string_view::npos && address.find(':', colon + 1) == std::string_view::npos) {
    return std::string(address.substr(0, colon));
  }
  return std::string(address);
}

}  // namespace

std::string_view LogFormatName(LogFormat format) {
  switch (format) {
    case LogFormat::kCombined:
      return "combined";
    case LogFormat::kCommon:
      return "common";
    case LogFormat::kJson:
      return "json";
    case LogFormat::kBusybox:
      return "busybox";
    case LogFormat::kPlain:
      return "plain";
  }
  return "plain";
}

void SetRequestLine(std::string_view request, HttpRecord& record) {
  std::string_view uri = request;
  const auto first_space = request.find(' ');
  if (first_space != std::string_view::npos && IsMethod(request.substr(0, first_space))) {
    record.method = std::string(request.substr(0, first_space));
    uri = request.substr(first_space + 1);
    const auto last_space = uri.rfind(' ');
    if (last_space != std::string_view::npos && uri.substr(last_space + 1).starts_with("HTTP/")) {
      uri = uri.substr(0, last_space);
    }
  }
  record.uri = std::string(uri);
  const auto question = uri.find('?');
  record.path = std::string(uri.substr(0, question));
  record.query = question == std::string_view::npos ? "" : std::string(uri.substr(question + 1));
}

// host ident user [time] "request" status bytes ["referer" "user-agent" ...]
std::optional<HttpRecord> ParseClf(std::string_view line) {
  std::size_t pos = 0;
  HttpRecord record;
  const std::string_view host = Token(line, pos);
  if (host.empty()) return std::nullopt;
  const auto open = line.find(" [", pos);
  if (open == std::string_view::npos || open > pos + 512) return std::nullopt;
  const auto close = line.find("] \"", open);
  if (close == std::string_view::npos) return std::nullopt;
  pos = close + 2;
  auto request = QuotedField(line, pos);
  if (!request) return std::nullopt;
  SkipSpaces(line, pos);
  record.status = StatusOf(Token(line, pos));
  SkipSpaces(line, pos);
  Token(line, pos);  // bytes
  SkipSpaces(line, pos);
  record.client = StripPort(host);
  SetRequestLine(*request, record);
  record.format = LogFormat::kCommon;
  if (auto referer = QuotedField(line, pos)) {
    SkipSpaces(line, pos);
    if (auto agent = QuotedField(line, pos)) {
      record.format = LogFormat::kCombined;
      record.referer = *referer == "-" ? "" : std::move(*referer);
      record.user_agent = *agent == "-" ? "" : std::move(*agent);
    }
  }
  return record;
}

// busybox httpd -v: "127.0.0.1:43648: url:/encode" (its response lines carry no request).
std::optional<HttpRecord> ParseBusybox(std::string_view line) {
  const auto marker = line.find(": url:");
  if (marker == std::string_view::npos || marker == 0 || line.find(' ') < marker) {
    return std::nullopt;
  }
  HttpRecord record;
  record.format = LogFormat::kBusybox;
  record.client = StripPort(line.substr(0, marker));
  SetRequestLine(line.substr(marker + 6), record);
  return record;
}

HttpRecord ParsePlain(std::string_view line) {
  HttpRecord record;
  record.format = LogFormat::kPlain;
  for (std::string_view method : kMethods) {
    for (std::size_t at = line.find(method); at != std::string_view::npos;
         at = line.find(method, at + 1)) {
      const std::size_t uri_at = at + method.size() + 1;
      if ((at > 0 && std::isalnum(static_cast<unsigned char>(line[at - 1]))) ||
          uri_at >= line.size() || line[uri_at - 1] != ' ' ||
          (line[uri_at] != '/' && !line.substr(uri_at).starts_with("http"))) {
        continue;
      }
      std::size_t end = line.find(' ', uri_at);
      if (end != std::string_view::npos && line.substr(end + 1).starts_with("HTTP/")) {
        end = line.find_first_of(" \"", end + 1);
      }
      std::string_view request = line.substr(at, end == std::string_view::npos ? end : end - at);
      while (!request.empty() && request.back() == '"') request.remove_suffix(1);
      SetRequestLine(request, record);
      return record;
    }
  }
  record.message = std::string(line);
  return record;
}

HttpRecord ParseLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with('{')) {
    if (auto record = ParseJsonLine(line)) return std::move(*record);
  }
  if (auto record = ParseClf(line)) return std::move(*record);
  if (auto record = ParseBusybox(line)) return std::move(*record);
  return ParsePlain(line);
}

std::optional<DockerLogEntry> ParseDockerJsonLine(std::string_view line) {
  json entry = json::parse(line, nullptr, false);
  if (!entry.is_object()) return std::nullopt;
  auto log = entry.find("log");
  if (log == entry.end() || !log->is_string()) return std::nullopt;
  DockerLogEntry out;
  out.log = log->get<std::string>();
  out.partial = !out.log.ends_with('\n');
  if (!out.partial) out.log.pop_back();
  if (out.log.ends_with('\r')) out.log.pop_back();
  auto stream = entry.find("stream");
  if (stream != entry.end() && stream->is_string()) out.stream = stream->get<std::string>();
  auto time = entry.find("time");
  if (time != entry.end() && time->is_string())
    out.time_ns = ParseRfc3339(time->get<std::string>());
  return out;
}

}  // namespace vigil::logscan
