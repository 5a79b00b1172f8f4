// Log line formats: Common/Combined Log Format (nginx, Apache, busybox httpd CGI), busybox
// httpd's own "-v" lines, JSON lines (nginx/Envoy/ECS-style keys), and plain text (where a
// request line "GET /path HTTP/1.1" is looked for). Untrusted input: any bytes are accepted;
// what cannot be read as a request leaves the fields empty, never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::logscan {

enum class LogFormat : uint8_t { kCombined, kCommon, kJson, kBusybox, kPlain };
// "combined", "common", "json", "busybox", "plain".
std::string_view LogFormatName(LogFormat format);

// What one log line says about an HTTP request. Empty strings and status 0 are unknown.
struct HttpRecord {
  LogFormat format = LogFormat::kPlain;
  std::string method;
  std::string uri;  // as requested: path and query
  std::string path;
  std::string query;
  int status = 0;
  std::string user_agent;
  std::string referer;
  std::string client;   // address (without port)
  std::string message;  // plain text, or a JSON line's message, when no request was found
  bool has_request() const { return !uri.empty(); }
};

HttpRecord ParseLine(std::string_view line);

// Parsers by format, for tests and for callers that know the format; nullopt when the line is
// not in that format.
std::optional<HttpRecord> ParseClf(std::string_view line);
std::optional<HttpRecord> ParseJsonLine(std::string_view line);
std::optional<HttpRecord> ParseBusybox(std::string_view line);
HttpRecord ParsePlain(std::string_view line);

// Splits "METHOD URI PROTOCOL" (or a bare URI) into the record; uri, path and query.
void SetRequestLine(std::string_view request, HttpRecord& record);

// One line of Docker's json-file log driver: {"log":"…\n","stream":"stderr","time":"…"}.
struct DockerLogEntry {
  std::string log;       // without its final '\n'
  bool partial = false;  // no final '\n': Docker split a long line (16 KiB chunks)
  std::string stream;    // stdout or stderr
  uint64_t time_ns = 0;  // when Docker read it (wall clock); 0 when absent or unreadable
};
std::optional<DockerLogEntry> ParseDockerJsonLine(std::string_view line);

}  // namespace vigil::logscan
