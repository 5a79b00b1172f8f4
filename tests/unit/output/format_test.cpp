#include "output/format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vigil::output {
namespace {

Alert Sample() {
  Alert a;
  a.time_ns = 1'764'200'809'123'456'789ull;  // 2025-11-26T23:46:49.123456789Z
  a.rule = "Read sensitive file untrusted";
  a.priority = Priority::kWarning;
  a.output = "Sensitive file opened (file=/etc/shadow)";
  a.output_fields = {{"fd.name", std::string("/etc/shadow")},
                     {"fd.num", int64_t{3}},
                     {"user.uid", uint64_t{0}},
                     {"evt.is_open_read", true},
                     {"container.name", std::monostate{}}};
  a.source = "syscall";
  a.tags = {"container", "T1555"};
  a.hostname = "node1";
  return a;
}

TEST(FormatTest, JsonHasFalcosShape) {
  auto j = nlohmann::json::parse(FormatJson(Sample()));
  EXPECT_EQ(j["rule"], "Read sensitive file untrusted");
  EXPECT_EQ(j["priority"], "Warning");
  EXPECT_EQ(j["time"], "2025-11-26T23:46:49.123456789Z");
  EXPECT_EQ(j["source"], "syscall");
  EXPECT_EQ(j["hostname"], "node1");
  EXPECT_EQ(j["tags"], nlohmann::json({"container", "T1555"}));
  EXPECT_EQ(j["output_fields"]["fd.name"], "/etc/shadow");
  EXPECT_EQ(j["output_fields"]["fd.num"], 3);
  EXPECT_TRUE(j["output_fields"]["evt.is_open_read"].is_boolean());
  EXPECT_TRUE(j["output_fields"]["container.name"].is_null());
  EXPECT_EQ(FormatJson(Sample()).find('\n'), std::string::npos);  // one line
}

TEST(FormatTest, JsonSurvivesInvalidUtf8) {
  Alert a = Sample();
  a.output = std::string("bad \xff\xfe bytes");
  a.output_fields = {{"proc.cmdline", std::string("\xc3")}};
  auto text = FormatJson(a);
  EXPECT_NO_THROW(nlohmann::json::parse(text));
}

TEST(FormatTest, TextIsFalcosLine) {
  auto line = FormatText(Sample());
  EXPECT_THAT(line, testing::MatchesRegex(
                        "[0-9]{2}:[0-9]{2}:[0-9]{2}\\.123456789: Warning Sensitive file opened "
                        "\\(file=/etc/shadow\\)"));
}

TEST(FormatTest, JsonLeavesOutOutputAndTagsWhenAsked) {
  JsonOptions options;
  options.include_output = false;
  options.include_tags = false;
  auto j = nlohmann::json::parse(FormatJson(Sample(), options));
  EXPECT_FALSE(j.contains("output"));
  EXPECT_FALSE(j.contains("tags"));
  EXPECT_EQ(j["rule"], "Read sensitive file untrusted");
  EXPECT_TRUE(j.contains("output_fields"));
}

}  // namespace
}  // namespace vigil::output
