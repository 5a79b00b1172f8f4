#include "output/web_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/core.h>

namespace vigil::output {
namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

MHD_Result Handle(void* self, MHD_Connection* connection, const char* url, const char* method,
                  const char*, const char*, size_t*, void**) {
  const auto answer = static_cast<const WebServer*>(self)->Respond(method, url);
  MHD_Response* response = MHD_create_response_from_buffer(
      answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  if (!response) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, answer.content_type.c_str());
  const MHD_Result result = MHD_queue_response(connection, answer.status, response);
  MHD_destroy_response(response);
  return result;
}

}  // namespace

Result<TlsPem> SplitPem(std::string_view text, std::string_view name) {
  TlsPem pem;
  int keys = 0;
  constexpr std::string_view kBegin = "-----BEGIN ", kEnd = "-----END ", kDashes = "-----";
  for (std::size_t at = text.find(kBegin); at != std::string_view::npos;
       at = text.find(kBegin, at)) {
    const std::size_t label_at = at + kBegin.size();
    const std::size_t label_end = text.find(kDashes, label_at);
    if (label_end == std::string_view::npos) break;
    const std::string_view label = text.substr(label_at, label_end - label_at);
    const std::string end_line = std::string(kEnd) + std::string(label) + std::string(kDashes);
    const std::size_t end = text.find(end_line, label_end);
    if (end == std::string_view::npos) {
      return Fail("{}: '-----BEGIN {}-----' has no '{}'", name, label, end_line);
    }
    const std::string block = std::string(text.substr(at, end + end_line.size() - at)) + "\n";
    if (label == "CERTIFICATE") {
      pem.certificates += block;
    } else if (label == "ENCRYPTED PRIVATE KEY") {
      return Fail("{}: the private key is encrypted; vigil needs it without a passphrase", name);
    } else if (label.ends_with("PRIVATE KEY")) {
      pem.key = block;
      ++keys;
    }
    at = end + end_line.size();
  }
  if (keys == 0) return Fail("{}: no private key ('-----BEGIN PRIVATE KEY-----')", name);
  if (keys > 1) return Fail("{}: {} private keys; one is expected", name, keys);
  if (pem.certificates.empty()) {
    return Fail("{}: no certificate ('-----BEGIN CERTIFICATE-----')", name);
  }
  return pem;
}

namespace {

Result<TlsPem> ReadPem(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("web server: read {}: {}", path, ErrnoText(errno));
  std::stringstream text;
  text << in.rdbuf();
  auto pem = SplitPem(text.str(), path);
  if (!pem) return Fail("web server: {}", pem.error().message);
  return pem;
}

}  // namespace

Result<std::unique_ptr<WebServer>> WebServer::Start(const config::WebServer& options) {
  std::unique_ptr<WebServer> server(new WebServer(options));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(options.listen_port));
  if (inet_pton(AF_INET, options.listen_address.c_str(), &address.sin_addr) != 1) {
    return Fail("web server: '{}' is not an IPv4 address", options.listen_address);
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  std::vector<MHD_OptionItem> items = {
      {MHD_OPTION_SOCK_ADDR, 0, &address},
      {MHD_OPTION_CONNECTION_LIMIT, 16, nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, 10, nullptr},
  };
  if (options.ssl_enabled) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      return Fail(
          "web server: webserver.ssl_enabled, but this libmicrohttpd was built without "
          "TLS");
    }
    auto pem = ReadPem(options.ssl_certificate);
    if (!pem) return Fail(pem.error());
    server->tls_ = std::move(*pem);
    flags |= MHD_USE_TLS;
    items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, server->tls_.key.data()});
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, server->tls_.certificates.data()});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  server->daemon_ = MHD_start_daemon(flags, 0, nullptr, nullptr, &Handle, server.get(),
                                     MHD_OPTION_ARRAY, items.data(), MHD_OPTION_END);
  if (!server->daemon_) {
    return Fail("web server: cannot listen on {}:{}: {}{}", options.listen_address,
                options.listen_port, ErrnoText(errno),
                options.ssl_enabled ? fmt::format(" (or TLS refused the key and certificate of "
                                                  "{}: the message above says why)",
                                                  options.ssl_certificate)
                                    : "");
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : static_cast<uint16_t>(options.listen_port);
  return server;
}

WebServer::~WebServer() {
  if (daemon_) MHD_stop_daemon(daemon_);
  explicit_bzero(tls_.key.data(), tls_.key.size());
}

void WebServer::Publish(std::string metrics) {
  {
    std::lock_guard lock(mutex_);
    metrics_ = std::move(metrics);
  }
  published_ns_.store(SteadyNs());
}

WebServer::Answer WebServer::Respond(std::string_view method, std::string_view url) const {
  if (method != "GET" && method != "HEAD") {
    return {405, "text/plain", "only GET\n"};
  }
  if (url == options_.healthz_endpoint) {
    const int64_t published = published_ns_.load();
    const bool fresh =
        published != 0 &&
        SteadyNs() - published <
            std::chrono::duration_cast<std::chrono::nanoseconds>(kStaleAfter).count();
    if (!fresh) return {503, "application/json", "{\"status\":\"stalled\"}\n"};
    return {200, "application/json", "{\"status\":\"ok\"}\n"};
  }
  if (url == "/metrics" && options_.prometheus_metrics_enabled) {
    std::lock_guard lock(mutex_);
    return {200, "text/plain; version=0.0.4; charset=utf-8", metrics_};
  }
  return {404, "text/plain", "not found\n"};
}

}  // namespace vigil::output
