// Falco's `webserver` for vigil: GET /healthz (or k8s_healthz_endpoint) and GET /metrics
// (Prometheus) on a local address, through libmicrohttpd and its own thread; HTTPS (GnuTLS,
// through libmicrohttpd) with webserver.ssl_enabled, from a PEM holding the key and certificate.
// The event loop publishes the metrics text every tick; /healthz answers 503 when it has not for
// kStaleAfter (a stalled event loop), 200 {"status":"ok"} otherwise.
//
// Thread-safety: Publish from the event loop, requests on the server's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "config/config.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace vigil::output {

// A PEM file's private key and certificates (the server's first, then its chain), as Falco's
// webserver.ssl_certificate holds them: both in one file, in any order.
struct TlsPem {
  std::string key;           // one "PRIVATE KEY" block (PKCS#8, RSA or EC), not encrypted
  std::string certificates;  // the "CERTIFICATE" blocks in the file's order
};
// An error names what is missing, or why a key cannot be used; `name` is the file, for errors.
Result<TlsPem> SplitPem(std::string_view text, std::string_view name);

class WebServer {
 public:
  static constexpr auto kStaleAfter = std::chrono::seconds(5);

  static Result<std::unique_ptr<WebServer>> Start(const config::WebServer& options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  void Publish(std::string metrics);
  uint16_t port() const { return port_; }

  // The answer to one request (exposed for tests): status code, content type, body.
  struct Answer {
    unsigned status;
    std::string content_type;
    std::string body;
  };
  Answer Respond(std::string_view method, std::string_view url) const;

 private:
  explicit WebServer(const config::WebServer& options) : options_(options) {}

  const config::WebServer options_;
  TlsPem tls_;  // libmicrohttpd reads them at start; kept for the daemon's life, wiped after
  MHD_Daemon* daemon_ = nullptr;
  uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::string metrics_;                   // guarded by mutex_
  std::atomic<int64_t> published_ns_{0};  // steady clock; 0: never
};

}  // namespace vigil::output
