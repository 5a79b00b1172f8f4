#include "output/web_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstring>

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

Result<std::unique_ptr<WebServer>> WebServer::Start(const config::WebServer& options) {
  std::unique_ptr<WebServer> server(new WebServer(options));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(options.listen_port));
  if (inet_pton(AF_INET, options.listen_address.c_str(), &address.sin_addr) != 1) {
    return Fail("web server: '{}' is not an IPv4 address", options.listen_address);
  }
  server->daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, nullptr, nullptr, &Handle,
      server.get(), MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&address),
      MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
  if (!server->daemon_) {
    return Fail("web server: cannot listen on {}:{}: {}", options.listen_address,
                options.listen_port, ErrnoText(errno));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : static_cast<uint16_t>(options.listen_port);
  return server;
}

WebServer::~WebServer() {
  if (daemon_) MHD_stop_daemon(daemon_);
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
