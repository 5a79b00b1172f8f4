#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/docker_client.h"
#include "events/image_ref.h"
#include "runtime/metadata_service.h"

namespace vigil {
namespace {

struct RefCase {
  const char* input;
  const char* repository;
  const char* tag;
  const char* digest;
};

class ImageRefTest : public testing::TestWithParam<RefCase> {};

TEST_P(ImageRefTest, Splits) {
  const auto& c = GetParam();
  ImageRef ref = ParseImageRef(c.input);
  EXPECT_EQ(ref.repository, c.repository) << c.input;
  EXPECT_EQ(ref.tag, c.tag) << c.input;
  EXPECT_EQ(ref.digest, c.digest) << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ImageRefTest,
    testing::Values(RefCase{"alpine", "alpine", "latest", ""},
                    RefCase{"alpine:3.20", "alpine", "3.20", ""},
                    RefCase{"docker.io/library/nginx:1.27", "docker.io/library/nginx", "1.27", ""},
                    RefCase{"localhost:5000/team/app", "localhost:5000/team/app", "latest", ""},
                    RefCase{"localhost:5000/team/app:v2", "localhost:5000/team/app", "v2", ""},
                    RefCase{"app@sha256:abcd", "app", "", "sha256:abcd"},
                    RefCase{"app:1.0@sha256:abcd", "app", "1.0", "sha256:abcd"}),
    [](const auto& info) { return std::to_string(info.index); });

TEST(ContainerInfoFromInspectTest, ReadsTheFieldsVigilUses) {
  auto inspect = nlohmann::json::parse(R"({
    "Id": "e8904b80c959aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "Name": "/web",
    "Image": "sha256:1111",
    "Config": {"Image": "alpine:3.20", "Labels": {"app": "shop", "n": 5}},
    "HostConfig": {"Privileged": true}
  })");
  auto info = ContainerInfoFromInspect(inspect);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->id, "e8904b80c959");
  EXPECT_EQ(info->name, "web");
  EXPECT_EQ(info->image, "alpine:3.20");
  EXPECT_EQ(info->image_repository, "alpine");
  EXPECT_EQ(info->image_tag, "3.20");
  EXPECT_EQ(info->image_id, "sha256:1111");
  EXPECT_TRUE(info->privileged);
  EXPECT_EQ(info->labels.size(), 1u);  // the non-string label is skipped
}

TEST(ContainerInfoFromInspectTest, HostileAnswersNeverCrash) {
  for (const char* text : {"null", "[]", "{}", R"({"Id": 5})", R"({"Id": "short"})",
                           R"({"Id": "e8904b80c959aaaa", "Config": [], "HostConfig": "x"})",
                           R"({"Id": "e8904b80c959aaaa", "Config": {"Image": 7, "Labels": []}})"}) {
    auto parsed = nlohmann::json::parse(text);
    auto info = ContainerInfoFromInspect(parsed);  // may fail; must not throw
    if (info) {
      EXPECT_EQ(info->id, "e8904b80c959");
    }
  }
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST(RepoDigestForTest, TheDigestOfTheContainersRepository) {
  auto image = nlohmann::json::parse(R"({"RepoDigests": [
      "registry.example:5000/team/app@sha256:1111", "nginx@sha256:2222", 7]})");
  EXPECT_EQ(RepoDigestFor(image, "nginx"), "sha256:2222");
  EXPECT_EQ(RepoDigestFor(image, "registry.example:5000/team/app"), "sha256:1111");
  EXPECT_EQ(RepoDigestFor(image, "alpine"), "");
  // Built or imported locally: no digests; hostile answers: nothing, never a throw.
  EXPECT_EQ(RepoDigestFor(nlohmann::json::parse(R"({"RepoDigests": []})"), "nginx"), "");
  EXPECT_EQ(RepoDigestFor(nlohmann::json::parse(R"({"RepoDigests": "x"})"), "nginx"), "");
  EXPECT_EQ(RepoDigestFor(nlohmann::json::parse("[1, 2]"), "nginx"), "");
}

TEST(ContainerInfoFromInspectTest, HealthCheckCommands) {
  auto with = [](const char* test) {
    auto inspect = nlohmann::json::parse(
        std::string(
            R"({"Id": "0123456789abcdef", "Config": {"Image": "app", "Healthcheck": {"Test": )") +
        test + "}}}");
    auto info = ContainerInfoFromInspect(inspect);
    EXPECT_TRUE(info.has_value());
    return info ? info->healthcheck : std::vector<std::string>{"error"};
  };
  EXPECT_EQ(with(R"(["CMD-SHELL", "curl -f http://localhost/"])"),
            (std::vector<std::string>{"/bin/sh", "-c", "curl -f http://localhost/"}));
  EXPECT_EQ(with(R"(["CMD", "/bin/check", "--quick"])"),
            (std::vector<std::string>{"/bin/check", "--quick"}));
  EXPECT_EQ(with(R"(["NONE"])"), std::vector<std::string>{});
  EXPECT_EQ(with(R"("CMD")"), std::vector<std::string>{});
  EXPECT_EQ(with(R"([1, 2])"), std::vector<std::string>{});
}

TEST(ContainerEventOfTest, ReadsActionAndIdAndNeverThrows) {
  auto e = ContainerEventOf(
      nlohmann::json::parse(R"({"Type":"container","Action":"destroy","id":"e8904b80c959aaaa"})"));
  EXPECT_EQ(e.action, "destroy");
  EXPECT_EQ(e.id, "e8904b80c959aaaa");
  EXPECT_EQ(ContainerEventOf(nlohmann::json::parse(R"({"status":"start","id":"x"})")).action,
            "start");
  for (const char* hostile : {R"({"Action":7,"id":["x"]})", R"({"Action":null,"status":{}})",
                              "[1,2]", "\"text\"", "null", R"({"id":1.5})"}) {
    auto h = ContainerEventOf(nlohmann::json::parse(hostile));
    EXPECT_EQ(h.action, "") << hostile;
    EXPECT_EQ(h.id, "") << hostile;
  }
}

}  // namespace
}  // namespace vigil
