#include "output/health.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::output {
namespace {

using testing::HasSubstr;

constexpr uint64_t kSecond = 1'000'000'000ull;

HealthCounters Dropped(uint64_t kernel, uint64_t decode = 0, uint64_t events = 0) {
  HealthCounters c;
  c.kernel_dropped = kernel;
  c.decode_errors = decode;
  c.events = events;
  c.kernel_dropped_per_cpu = {kernel, 0};
  c.kernel_dropped_by_kind = {{"exec", 0}, {"open", kernel}};
  return c;
}

template <class T>
T FieldOf(const Alert& a, const std::string& name) {
  for (const auto& [k, v] : a.output_fields) {
    if (k == name) return std::get<T>(v);
  }
  ADD_FAILURE() << "no field " << name;
  return T();
}

TEST(DropReporterTest, SilentWithoutDrops) {
  DropReporter r;
  EXPECT_FALSE(r.Check(Dropped(0), 1 * kSecond));
  EXPECT_FALSE(r.Check(Dropped(0), 100 * kSecond, true));
}

TEST(DropReporterTest, FirstDropAtOnceThenRateLimitedWithNothingLost) {
  DropReporter r(30 * kSecond);
  auto first = r.Check(Dropped(100, 0, 5000), 10 * kSecond);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->rule, "vigil internal: event drop");
  EXPECT_EQ(first->source, "internal");
  EXPECT_EQ(first->priority, Priority::kCritical);
  EXPECT_EQ(FieldOf<uint64_t>(*first, "n_drops"), 100u);
  EXPECT_EQ(FieldOf<uint64_t>(*first, "n_evts"), 5000u);
  EXPECT_EQ(FieldOf<std::string>(*first, "n_drops_per_cpu"), "cpu0=100");
  EXPECT_EQ(FieldOf<std::string>(*first, "n_drops_by_kind"), "open=100");
  EXPECT_THAT(first->output, HasSubstr("100 events lost since the last report (100 since start)"));
  // More drops within the interval: held back...
  EXPECT_FALSE(r.Check(Dropped(150, 2), 20 * kSecond));
  EXPECT_FALSE(r.Check(Dropped(400, 2), 39 * kSecond));
  // ...and reported together once it has passed.
  auto second = r.Check(Dropped(400, 2, 9000), 41 * kSecond);
  ASSERT_TRUE(second);
  EXPECT_EQ(FieldOf<uint64_t>(*second, "n_drops"), 302u);
  EXPECT_EQ(FieldOf<uint64_t>(*second, "n_drops_buffer"), 300u);
  EXPECT_EQ(FieldOf<uint64_t>(*second, "n_drops_decode"), 2u);
  EXPECT_EQ(FieldOf<uint64_t>(*second, "n_drops_total"), 402u);
  EXPECT_EQ(FieldOf<uint64_t>(*second, "n_evts"), 4000u);
  EXPECT_FALSE(r.Check(Dropped(400, 2), 100 * kSecond));  // nothing new
}

TEST(DropReporterTest, FinalCheckReportsWhatIsLeft) {
  DropReporter r(30 * kSecond);
  ASSERT_TRUE(r.Check(Dropped(1), kSecond));
  EXPECT_FALSE(r.Check(Dropped(5), 2 * kSecond));
  auto last = r.Check(Dropped(5), 3 * kSecond, /*final=*/true);
  ASSERT_TRUE(last);
  EXPECT_EQ(FieldOf<uint64_t>(*last, "n_drops"), 4u);
}

TEST(FormatStatsTest, RatesOverTheInterval) {
  HealthCounters before, after;
  before.events = 1000;
  after.events = 21000;
  after.alerts = 10;
  after.kernel_sent = 30000;
  after.kernel_filtered = 100000;
  after.kernel_dropped = 7;
  before.cpu_ns = 0;
  after.cpu_ns = 500'000'000;  // half a second of CPU in 10 s: 5%
  after.rss_bytes = 12u << 20;
  after.ring_buffer_bytes = 4u << 20;
  after.processes = 1203;
  after.containers = 3;
  std::string line = FormatStats(before, after, 10.0);
  EXPECT_THAT(line, HasSubstr("2000 events/s evaluated, 1 alerts/s"));
  EXPECT_THAT(line, HasSubstr("3000 records/s sent, 10000 opens/s filtered, 7 dropped (7 since start)"));
  EXPECT_THAT(line, HasSubstr("agent cpu 5.0% of a core, rss 12.0 MB (8.0 MB of it maps the 4 MB "
                               "ring buffer twice); state: 1203 processes, 3 containers"));
}

}  // namespace
}  // namespace vigil::output
