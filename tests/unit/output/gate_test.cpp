#include "output/gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::output {
namespace {

using testing::HasSubstr;

constexpr uint64_t kSecond = 1'000'000'000ull;

Alert Of(const std::string& rule, const std::string& output) {
  Alert a;
  a.rule = rule;
  a.output = output;
  return a;
}

TEST(AlertGate, DisabledLetsEverythingThrough) {
  AlertGate gate;
  uint64_t suppressed = 9;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(gate.Admit(Of("r", "x"), 0, &suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_FALSE(gate.TakeUnreported(100 * kSecond, 0, true));
}

TEST(AlertGate, RateLimitPerRuleWithBurstAndRefill) {
  AlertGate gate(GateOptions{.rate = 2, .max_burst = 3, .dedup_window_ns = 0});
  uint64_t s = 0;
  // A burst of 3, then held back.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(gate.Admit(Of("a", std::to_string(i)), 0, &s));
  EXPECT_FALSE(gate.Admit(Of("a", "3"), 0, &s));
  EXPECT_FALSE(gate.Admit(Of("a", "4"), 100'000'000, &s));
  // Another rule has its own bucket.
  EXPECT_TRUE(gate.Admit(Of("b", "0"), 0, &s));
  EXPECT_EQ(s, 0u);
  // Half a second later: one token (2/s); the next alert carries the two held back.
  EXPECT_TRUE(gate.Admit(Of("a", "5"), kSecond / 2, &s));
  EXPECT_EQ(s, 2u);
  EXPECT_FALSE(gate.Admit(Of("a", "6"), kSecond / 2, &s));
  // Refill never exceeds the burst.
  EXPECT_TRUE(gate.Admit(Of("a", "x"), 100 * kSecond, &s));
  EXPECT_EQ(s, 1u) << "the first after the refill carries the one held back";
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(gate.Admit(Of("a", "x"), 100 * kSecond, &s));
  EXPECT_FALSE(gate.Admit(Of("a", "x"), 100 * kSecond, &s));
  EXPECT_EQ(gate.suppressed_total(), 4u);
}

TEST(AlertGate, DedupOfIdenticalAlertsWithinTheWindow) {
  AlertGate gate(GateOptions{.rate = 0, .max_burst = 1, .dedup_window_ns = 10 * kSecond});
  uint64_t s = 0;
  EXPECT_TRUE(gate.Admit(Of("r", "same"), 0, &s));
  EXPECT_FALSE(gate.Admit(Of("r", "same"), 1 * kSecond, &s));
  EXPECT_FALSE(gate.Admit(Of("r", "same"), 9 * kSecond, &s));
  EXPECT_TRUE(gate.Admit(Of("r", "different"), 9 * kSecond, &s));  // not identical
  EXPECT_EQ(s, 2u);
  EXPECT_TRUE(gate.Admit(Of("other", "same"), 9 * kSecond, &s));  // another rule
  EXPECT_EQ(s, 0u);
  EXPECT_TRUE(gate.Admit(Of("r", "same"), 10 * kSecond, &s));  // the window passed
  EXPECT_EQ(s, 0u);
}

TEST(AlertGate, HeldBackCountsNoLaterAlertCarriedAreReported) {
  AlertGate gate(GateOptions{.rate = 0, .max_burst = 1, .dedup_window_ns = 5 * kSecond});
  uint64_t s = 0;
  gate.Admit(Of("r", "x"), 0, &s);
  gate.Admit(Of("r", "x"), 1 * kSecond, &s);
  gate.Admit(Of("r", "x"), 2 * kSecond, &s);
  gate.Admit(Of("q", "y"), 0, &s);
  gate.Admit(Of("q", "y"), 3 * kSecond, &s);
  EXPECT_FALSE(gate.TakeUnreported(5 * kSecond, 10 * kSecond));  // not yet due
  auto alert = gate.TakeUnreported(13 * kSecond, 10 * kSecond);
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->source, "internal");
  EXPECT_THAT(alert->output, HasSubstr("3 alerts held back"));
  EXPECT_THAT(alert->output, HasSubstr("q: 1, r: 2"));
  EXPECT_FALSE(gate.TakeUnreported(100 * kSecond, 0, true));  // reported once
  // A later alert of the rule no longer carries what was reported.
  EXPECT_TRUE(gate.Admit(Of("r", "x"), 100 * kSecond, &s));
  EXPECT_EQ(s, 0u);
}

TEST(AlertGate, DedupMemoryIsBounded) {
  AlertGate gate(GateOptions{.rate = 0, .max_burst = 1, .dedup_window_ns = 1000 * kSecond});
  uint64_t s = 0;
  for (std::size_t i = 0; i < AlertGate::kMaxDedupKeys + 10; ++i) {
    EXPECT_TRUE(gate.Admit(Of("r", std::to_string(i)), i, &s));
  }
}

TEST(AlertGate, MarkSuppressedAddsTheFieldAndANote) {
  Alert a = Of("r", "text");
  MarkSuppressed(a, 0);
  EXPECT_TRUE(a.output_fields.empty());
  MarkSuppressed(a, 7);
  ASSERT_EQ(a.output_fields.size(), 1u);
  EXPECT_EQ(a.output_fields[0].first, "vigil.suppressed");
  EXPECT_EQ(std::get<uint64_t>(a.output_fields[0].second), 7u);
  EXPECT_EQ(a.output, "text (vigil.suppressed=7)");
}

}  // namespace
}  // namespace vigil::output
