// Untrusted engine answers never crash the audit: every member of a real inspect answer, and
// of /info, replaced by every JSON type in turn.
#include <gtest/gtest.h>

#include <functional>

#include "audit/collector.h"
#include "audit/image_name.h"
#include "audit/json_access.h"
#include "audit/report.h"
#include "audit_fixture.h"

namespace vigil::audit {
namespace {

using nlohmann::json;

const std::vector<json>& Replacements() {
  static const std::vector<json> values = {
      nullptr,
      0,
      -1,
      1e300,
      -9.3e18,
      18446744073709551615ull,
      "",
      "x",
      "/",
      "host",
      true,
      json::array(),
      json::object(),
      json::parse(R"([1, "a", null, {"PathOnHost": 5}])"),
      json::parse(R"({"a": 1, "HostIp": [], "Test": "NONE"})")};
  return values;
}

// Calls `visit` with a copy of `root` in which the member at each JSON pointer is replaced.
void ForEachMutation(const json& root, const std::function<void(const json&)>& visit) {
  const json flat = root.flatten();
  std::set<std::string> pointers;
  for (const auto& [pointer, value] : flat.items()) {
    // Every prefix of every leaf: objects and arrays are replaced whole too.
    std::string path = pointer;
    while (!path.empty()) {
      pointers.insert(path);
      path = path.substr(0, path.rfind('/'));
    }
  }
  for (const std::string& pointer : pointers) {
    for (const json& replacement : Replacements()) {
      json mutated = root;
      mutated[json::json_pointer(pointer)] = replacement;
      visit(mutated);
    }
  }
}

TEST(AuditHostileTest, EveryContainerMemberMutatedNeverThrows) {
  auto base = testing_support::Input(
      R"({"HostConfig": {"CapAdd": ["SYS_ADMIN"], "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "80"}]},
          "Devices": [{"PathOnHost": "/dev/sda", "PathInContainer": "/dev/sda"}]},
          "Mounts": [{"Type": "bind", "Source": "/etc", "Destination": "/e", "RW": true, "Propagation": "rshared"}]})");
  base.changes = std::vector<PathChange>{{"/bin/x", PathChange::Kind::kAdded, 0755}};
  std::size_t runs = 0;
  ForEachMutation(base.container, [&](const json& mutated) {
    AuditInput input = base;
    input.container = mutated;
    ASSERT_NO_THROW({
      auto report = AuditContainer(input, Policy{});
      AuditReport all;
      all.containers.push_back(report);
      RenderTable(all, true);
      ReportJson(all, "").dump();
      ReportSarif(all, "0.0.0").dump();
    }) << mutated.dump();
    ++runs;
  });
  EXPECT_GT(runs, 1000u);
}

TEST(AuditHostileTest, EveryDaemonMemberMutatedNeverThrows) {
  std::size_t runs = 0;
  ForEachMutation(testing_support::DaemonInfo(), [&](const json& mutated) {
    AuditInput input = testing_support::Input();
    input.daemon = mutated;
    input.bridge_network = mutated;
    ASSERT_NO_THROW({
      AuditContainer(input, Policy{});
      AuditDaemon(input, Policy{});
    }) << mutated.dump();
    ++runs;
  });
  EXPECT_GT(runs, 100u);
}

TEST(AuditHostileTest, WholeDocumentsOfTheWrongShape) {
  for (const char* text :
       {"null", "[]", "{}", "5", "\"text\"", "true", R"({"HostConfig": []})",
        R"({"Config": "x", "HostConfig": {"SecurityOpt": "seccomp=unconfined"}})",
        R"({"Id": 7, "Name": [], "Mounts": {"Source": "/"}})",
        R"({"Mounts": [null, 1, "x", {"Source": 1}, {"Source": "relative"}]})"}) {
    AuditInput input;
    input.container = json::parse(text);
    input.image = json::parse(text);
    input.daemon = json::parse(text);
    input.changes = ParseChanges(json::parse(text));
    ASSERT_NO_THROW({
      auto report = AuditContainer(input, Policy{});
      AuditDaemon(input, Policy{});
      AuditReport all;
      all.containers.push_back(report);
      RenderTable(all, false);
      ReportSarif(all, "").dump();
    }) << text;
  }
}

TEST(AuditHostileTest, ChangesAnswerIsValidated) {
  auto changes = ParseChanges(json::parse(
      R"([{"Path": "/a", "Kind": 1}, {"Path": "/b", "Kind": 7}, {"Path": 3, "Kind": 0},
          {"Kind": 2}, "x", null, {"Path": "/c", "Kind": "1"}, {"Path": "/d", "Kind": 2.0}])"));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].path, "/a");
  EXPECT_EQ(changes[0].kind, PathChange::Kind::kAdded);
  EXPECT_EQ(changes[1].path, "/d");
  EXPECT_EQ(changes[1].kind, PathChange::Kind::kDeleted);
  EXPECT_TRUE(ParseChanges(json(nullptr)).empty());  // a container never started
}

TEST(AuditHostileTest, DetailsEscapeControlCharacters) {
  auto input = testing_support::Input(
      R"({"Config": {"User": "root\u001b[31m"}, "Mounts": [{"Type": "bind", "Source": "/etc/\n\u001b]0;x", "Destination": "/e", "RW": true}]})");
  auto report = AuditContainer(input, Policy{});
  for (const Finding& f : report.findings) {
    EXPECT_EQ(f.detail.find('\033'), std::string::npos) << f.check << ": " << f.detail;
    EXPECT_EQ(f.detail.find('\n'), std::string::npos) << f.check << ": " << f.detail;
  }
}

TEST(AuditHostileTest, LongMultibyteTextCutByLimitsStillRendersAsJson) {
  std::string long_path = "/etc/";
  for (int i = 0; i < 300; ++i) long_path += "\xc3\xa9";  // é: a 256-byte limit cuts one
  json container = testing_support::HardenedContainer();
  container["Id"] = "a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
  container["Mounts"] = {{{"Type", "bind"}, {"Source", long_path}, {"Destination", long_path}}};
  AuditInput input = testing_support::Input();
  input.container = container;
  AuditReport report;
  report.containers.push_back(AuditContainer(input, Policy{}));
  ASSERT_FALSE(report.containers[0].findings.empty());
  std::string text;
  ASSERT_NO_THROW(text = RenderJson(report, ""));
  EXPECT_TRUE(json::accept(text));
  ASSERT_NO_THROW(text = RenderSarif(report, "1"));
  EXPECT_TRUE(json::accept(text));
}

TEST(JsonAccessTest, ReadsOnlyWellTypedMembers) {
  json j =
      json::parse(R"({"a": {"b": "text", "n": 5, "f": 64.0, "g": 1.5, "big": 18446744073709551615,
                           "t": true, "list": ["x", 1, "y", null]}})");
  EXPECT_EQ(JsonString(j, {"a", "b"}), "text");
  EXPECT_EQ(JsonString(j, {"a", "n"}), "");
  EXPECT_EQ(JsonString(j, {"a", "b", "c"}), "");
  EXPECT_EQ(JsonInt(j, {"a", "n"}), 5);
  EXPECT_EQ(JsonInt(j, {"a", "f"}), 64);
  EXPECT_EQ(JsonInt(j, {"a", "g"}), std::nullopt);
  EXPECT_EQ(JsonInt(j, {"a", "big"}), INT64_MAX);
  EXPECT_EQ(JsonInt(j, {"a", "b"}), std::nullopt);
  EXPECT_EQ(JsonBool(j, {"a", "t"}), true);
  EXPECT_EQ(JsonBool(j, {"a", "n"}), std::nullopt);
  EXPECT_EQ(JsonStrings(j, {"a", "list"}), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(JsonIsArray(j, {"a", "list"}));
  EXPECT_TRUE(JsonAt(j, {"missing", "deeper"}).is_null());
}

struct NameCase {
  const char* reference;
  const char* qualified;
  bool tag_written;
};

class ImageNameTest : public testing::TestWithParam<NameCase> {};

TEST_P(ImageNameTest, ResolvesAsDockerDoes) {
  ImageName name = ParseImageName(GetParam().reference);
  EXPECT_EQ(name.FullyQualified(), GetParam().qualified);
  EXPECT_EQ(name.tag_written, GetParam().tag_written);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ImageNameTest,
    testing::Values(NameCase{"nginx", "docker.io/library/nginx:latest", false},
                    NameCase{"nginx:1.27", "docker.io/library/nginx:1.27", true},
                    NameCase{"bitnami/redis:7", "docker.io/bitnami/redis:7", true},
                    NameCase{"index.docker.io/library/alpine", "docker.io/library/alpine:latest",
                             false},
                    NameCase{"localhost/app", "localhost/app:latest", false},
                    NameCase{"localhost:5000/team/app:v2", "localhost:5000/team/app:v2", true},
                    NameCase{"ghcr.io/acme/app@sha256:ab", "ghcr.io/acme/app@sha256:ab", false},
                    NameCase{"sha256:abcdef", "sha256:abcdef", false}),
    [](const auto& info) { return std::to_string(info.index); });

}  // namespace
}  // namespace vigil::audit
