#include "output/http_output.h"

#include <curl/curl.h>
#include <fmt/core.h>

#include "common/log.h"

namespace vigil::output {
namespace {

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(const config::HttpOutput& options) : options_(options) {
    curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted; thread-safe in curl >= 7.84
    curl_ = curl_easy_init();
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, "Accept: application/json");
  }
  ~CurlTransport() override {
    if (curl_) curl_easy_cleanup(curl_);
    curl_slist_free_all(headers_);
    curl_global_cleanup();
  }

  Outcome Post(const std::string& body, std::string* error) override {
    if (!curl_) {
      *error = fmt::format("POST {}: curl_easy_init failed", options_.url);
      return Outcome::kRetry;
    }
    Setup(body);
    char message[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, message);
    const CURLcode code = curl_easy_perform(curl_);
    if (code != CURLE_OK) {
      *error =
          fmt::format("POST {}: {}", options_.url, message[0] ? message : curl_easy_strerror(code));
      return Outcome::kRetry;
    }
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status <= 299) return Outcome::kDelivered;
    *error = fmt::format("POST {}: HTTP {}", options_.url, status);
    // 408 (timeout) and 429 (slow down) pass; other 4xx refuse this body for good.
    const bool refused = status >= 400 && status <= 499 && status != 408 && status != 429;
    return refused ? Outcome::kRejected : Outcome::kRetry;
  }

 private:
  static size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

  void Setup(const std::string& body) {
    curl_easy_reset(curl_);  // keeps the connection cache: keep-alive survives
    curl_easy_setopt(curl_, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_s * 1000));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.timeout_s * 1000));
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(curl_, CURLOPT_FORBID_REUSE, options_.keep_alive ? 0L : 1L);
    if (options_.insecure) {
      curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!options_.ca_cert.empty())
      curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_cert.c_str());
    if (!options_.ca_bundle.empty()) {
      curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    }
    if (!options_.ca_path.empty())
      curl_easy_setopt(curl_, CURLOPT_CAPATH, options_.ca_path.c_str());
    if (options_.mtls) {
      curl_easy_setopt(curl_, CURLOPT_SSLCERT, options_.client_cert.c_str());
      curl_easy_setopt(curl_, CURLOPT_SSLKEY, options_.client_key.c_str());
    }
  }

  const config::HttpOutput options_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
};

}  // namespace

std::unique_ptr<Transport> MakeCurlTransport(const config::HttpOutput& options) {
  return std::make_unique<CurlTransport>(options);
}

SpillQueueOptions SpillOptionsFor(const config::HttpOutput& http, std::size_t capacity) {
  SpillQueueOptions q;
  q.capacity = capacity;
  q.spill_path = http.spill_file;
  q.spill_max_bytes = http.spill_max_mb << 20;
  q.retries_before_spill = http.retries_before_spill;
  q.initial_backoff_ns = static_cast<uint64_t>(http.retry_initial_s * 1e9);
  q.max_backoff_ns = static_cast<uint64_t>(http.retry_max_s * 1e9);
  return q;
}

HttpOutput::HttpOutput(std::unique_ptr<Transport> transport, SpillQueueOptions queue,
                       JsonOptions json)
    : transport_(std::move(transport)), json_(json), queue_(std::move(queue), transport_.get()) {
  StartThread();
}

HttpOutput::~HttpOutput() {
  Close(std::chrono::milliseconds(0));
}

void HttpOutput::Enqueue(const Alert& alert) {
  {
    std::lock_guard lock(mutex_);
    if (closing()) {
      queue_.CountDropped();
      return;
    }
  }
  queue_.Push(FormatJson(alert, json_));
  wake_.notify_one();
}

void HttpOutput::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (closing() && (late() || queue_.Idle())) break;
    lock.unlock();
    const auto wait_ns = queue_.Step();
    lock.lock();
    if (wait_ns && *wait_ns == 0) continue;
    // Nothing to send, or back off: wake for new alerts (when idle), to move a filling queue
    // to the spill file, or to stop.
    const auto until =
        std::chrono::steady_clock::now() +
        (wait_ns ? std::chrono::nanoseconds(*wait_ns) : std::chrono::milliseconds(200));
    while (!closing() && std::chrono::steady_clock::now() < until) {
      wake_.wait_until(lock, until);
      if (!wait_ns) break;  // idle: a new alert woke us
      lock.unlock();
      queue_.Relieve();
      lock.lock();
    }
    if (closing() && wait_ns && *wait_ns > 0) break;  // the receiver is down: do not wait it out
  }
  lock.unlock();
  queue_.Shelve();
  const auto stats = queue_.Stats();
  if (stats.spilled > 0) {
    log::Info("http output: {} alerts wait in the spill file {} for the receiver", stats.spilled,
              queue_.options().spill_path);
  }
}

}  // namespace vigil::output
