#include "output/metrics.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "common/strings.h"
#include "output/web_server.h"

namespace vigil::output {
namespace {

using testing::HasSubstr;

MetricsSnapshot Snapshot() {
  MetricsSnapshot s;
  s.counters.events = 1234;
  s.counters.alerts = 5;
  s.counters.kernel_dropped = 7;
  s.counters.cpu_ns = 1'500'000'000;
  s.counters.rss_bytes = 10 << 20;
  OutputStats http;
  http.delivered = 3;
  http.dropped = 1;
  http.queued = 2;
  http.spilled = 4;
  s.outputs = {{"http", http}, {"stdout", OutputStats{}}};
  s.alerts_by_rule["Read \"sensitive\" file"][static_cast<std::size_t>(Priority::kWarning)] = 5;
  s.alerts_suppressed = 9;
  s.reloads_ok = 2;
  return s;
}

TEST(Metrics, PrometheusTextFormat) {
  const std::string text = FormatPrometheus(Snapshot());
  EXPECT_THAT(text, HasSubstr("# TYPE vigil_events_total counter\nvigil_events_total 1234\n"));
  EXPECT_THAT(text, HasSubstr("vigil_kernel_records_dropped_total 7\n"));
  EXPECT_THAT(text, HasSubstr("vigil_cpu_seconds_total 1.500\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE vigil_resident_memory_bytes gauge\n"
                              "vigil_resident_memory_bytes 10485760\n"));
  EXPECT_THAT(text, HasSubstr("vigil_alerts_by_rule_total{rule=\"Read \\\"sensitive\\\" file\","
                              "priority=\"Warning\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("vigil_output_delivered_total{output=\"http\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("vigil_output_dropped_total{output=\"http\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("vigil_output_queue_depth{output=\"http\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("vigil_output_spilled{output=\"http\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("vigil_output_queue_depth{output=\"stdout\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("vigil_alerts_suppressed_total 9\n"));
  EXPECT_THAT(text, HasSubstr("vigil_config_reloads_total{result=\"applied\"} 2\n"));
  // Every sample line is "name{labels} value" or "name value".
  for (std::string_view line : Split(text, '\n')) {
    if (line.empty() || line.starts_with("#")) continue;
    EXPECT_THAT(std::string(line), testing::MatchesRegex("[a-z_]+(\\{.*\\})? [0-9.]+")) << line;
  }
}

TEST(Metrics, EscapeLabel) {
  EXPECT_EQ(EscapeLabel("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

long Get(uint16_t port, const std::string& path, std::string* body) {
  CURL* curl = curl_easy_init();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  }
  curl_easy_cleanup(curl);
  return status;
}

TEST(WebServer, HealthzAndMetricsOnLoopback) {
  config::WebServer options;
  options.listen_port = 0;  // any free port
  auto server = WebServer::Start(options);
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_NE((*server)->port(), 0);
  std::string body;
  EXPECT_EQ(Get((*server)->port(), "/healthz", &body), 503) << "nothing published yet";
  (*server)->Publish("vigil_events_total 1\n");
  body.clear();
  EXPECT_EQ(Get((*server)->port(), "/healthz", &body), 200);
  EXPECT_EQ(body, "{\"status\":\"ok\"}\n");
  body.clear();
  EXPECT_EQ(Get((*server)->port(), "/metrics", &body), 200);
  EXPECT_EQ(body, "vigil_events_total 1\n");
  body.clear();
  EXPECT_EQ(Get((*server)->port(), "/other", &body), 404);
  EXPECT_EQ((*server)->Respond("POST", "/metrics").status, 405u);
}

TEST(WebServer, MetricsCanBeTurnedOffAndABusyPortIsAnError) {
  config::WebServer options;
  options.listen_port = 0;
  options.prometheus_metrics_enabled = false;
  options.healthz_endpoint = "/live";
  auto server = WebServer::Start(options);
  ASSERT_TRUE(server);
  (*server)->Publish("x");
  EXPECT_EQ((*server)->Respond("GET", "/metrics").status, 404u);
  EXPECT_EQ((*server)->Respond("GET", "/live").status, 200u);
  options.listen_port = (*server)->port();
  auto second = WebServer::Start(options);
  ASSERT_FALSE(second);
  EXPECT_THAT(second.error().message, HasSubstr("cannot listen on 127.0.0.1:"));
}

}  // namespace
}  // namespace vigil::output
