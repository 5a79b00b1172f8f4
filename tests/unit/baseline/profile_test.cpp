#include "baseline/profile.h"

#include <gtest/gtest.h>

namespace vigil::baseline {
namespace {

TEST(BaselineModeTest, NamesRoundTrip) {
  for (Mode mode : {Mode::kLearning, Mode::kDetecting}) {
    Mode parsed = mode == Mode::kLearning ? Mode::kDetecting : Mode::kLearning;
    ASSERT_TRUE(ParseMode(ModeName(mode), &parsed));
    EXPECT_EQ(parsed, mode);
  }
  EXPECT_EQ(ModeName(Mode::kLearning), "learning");
  EXPECT_EQ(ModeName(Mode::kDetecting), "detecting");
  Mode out = Mode::kDetecting;
  EXPECT_FALSE(ParseMode("Learning", &out));
  EXPECT_FALSE(ParseMode("", &out));
  EXPECT_FALSE(ParseMode("detect", &out));
  EXPECT_EQ(out, Mode::kDetecting);  // unchanged on failure
}

Profile Sample() {
  Profile p;
  p.key = "alpine:3.20";
  p.image = "alpine:3.20";
  p.created_ns = 100;
  p.changed_ns = 200;
  p.seen_ns = 300;
  p.processes = {{"/bin/sleep", "/bin/sh"}, {"/bin/sh", ""}};
  p.files_read = {"/etc/passwd"};
  p.files_written = {"/tmp/tmp.*"};
  p.syscalls = {"read", "write"};
  p.listening = {{"tcp", 8080}};
  p.outbound = {{"tcp", "127.0.0.1", 5432}};
  p.users = {{0, "root"}};
  return p;
}

TEST(BaselineProfileTest, SizeCountsEveryItem) {
  EXPECT_EQ(Profile{}.Size(), 0u);
  EXPECT_EQ(Sample().Size(), 9u);
}

TEST(BaselineProfileTest, MergeAddsWhatIsNewAndKeepsIdentity) {
  Profile a = Sample();
  Profile b;
  b.key = "other";
  b.image = "other:1";
  b.mode = Mode::kDetecting;
  b.created_ns = 50;
  b.changed_ns = 150;
  b.seen_ns = 400;
  b.processes = {{"/bin/sleep", "/bin/sh"}, {"/bin/ls", "/bin/sh"}};
  b.files_read = {"/etc/passwd", "/etc/group"};
  b.syscalls = {"read", "openat"};
  b.listening = {{"udp", 53}, {"tcp", 8080}};
  b.outbound = {{"tcp", "127.0.0.1", 5433}};
  b.users = {{0, "other-name"}, {1000, "app"}};
  EXPECT_EQ(a.Merge(b), 6u);  // ls, group, openat, udp/53, :5433, uid 1000
  EXPECT_EQ(a.Size(), 15u);
  EXPECT_EQ(a.key, "alpine:3.20");
  EXPECT_EQ(a.image, "alpine:3.20");
  EXPECT_EQ(a.mode, Mode::kLearning);
  EXPECT_EQ(a.created_ns, 50u);      // the earlier
  EXPECT_EQ(a.changed_ns, 200u);     // the later
  EXPECT_EQ(a.seen_ns, 400u);        // the later
  EXPECT_EQ(a.users.at(0), "root");  // a known uid keeps its name
  EXPECT_EQ(a.users.at(1000), "app");
  // Merging again adds nothing.
  EXPECT_EQ(a.Merge(b), 0u);
}

TEST(BaselineProfileTest, MergeIntoEmptyTakesTimesAndFillsUnknownNames) {
  Profile a;
  a.users = {{7, ""}};
  Profile b = Sample();
  b.users[7] = "lp";
  EXPECT_EQ(a.Merge(b), 9u);
  EXPECT_EQ(a.created_ns, 100u);  // 0 means unknown, not earlier
  EXPECT_EQ(a.users.at(7), "lp");
  EXPECT_EQ(a.key, "");
}

struct KeyCase {
  const char* name;
  ContainerInfo container;
  KeyBy by;
  const char* label;
  const char* key;
  const char* display;
};

ContainerInfo Container(std::string image, std::string repo, std::string tag, std::string digest,
                        std::string image_id = "sha256:1111") {
  ContainerInfo c;
  c.id = "0123456789ab";
  c.name = "web";
  c.image = std::move(image);
  c.image_repository = std::move(repo);
  c.image_tag = std::move(tag);
  c.image_digest = std::move(digest);
  c.image_id = std::move(image_id);
  c.labels = {{"app", "shop"}};
  return c;
}

class BaselineProfileKeyTest : public testing::TestWithParam<KeyCase> {};

TEST_P(BaselineProfileKeyTest, Keys) {
  const auto& c = GetParam();
  EXPECT_EQ(ProfileKeyFor(c.container, c.by, c.label), c.key);
  EXPECT_EQ(ImageDisplayName(c.container), c.display);
}

INSTANTIATE_TEST_SUITE_P(
    Baseline, BaselineProfileKeyTest,
    testing::Values(
        KeyCase{"Tagged", Container("alpine:3.20", "alpine", "3.20", ""), KeyBy::kImage, "",
                "alpine:3.20", "alpine:3.20"},
        KeyCase{"NoTag", Container("alpine", "", "", ""), KeyBy::kImage, "", "alpine:latest",
                "alpine:latest"},
        KeyCase{"FieldsEmptyDerivedFromImage",
                Container("registry.example:5000/team/app:1.2", "", "", ""), KeyBy::kImage, "",
                "registry.example:5000/team/app:1.2", "registry.example:5000/team/app:1.2"},
        KeyCase{"RegistryPortIsNotATag", Container("localhost:5000/app", "", "", ""), KeyBy::kImage,
                "", "localhost:5000/app:latest", "localhost:5000/app:latest"},
        KeyCase{"Digest", Container("alpine@sha256:abcd", "alpine", "", "sha256:abcd"),
                KeyBy::kImage, "", "alpine@sha256:abcd", "alpine@sha256:abcd"},
        KeyCase{"TagAndDigest", Container("alpine:3.20@sha256:abcd", "", "", ""), KeyBy::kImage, "",
                "alpine@sha256:abcd", "alpine:3.20@sha256:abcd"},
        KeyCase{"RuntimeDigestField", Container("alpine:3.20", "alpine", "3.20", "sha256:ef01"),
                KeyBy::kImage, "", "alpine@sha256:ef01", "alpine:3.20@sha256:ef01"},
        // Created from an image id; the runtime found a tag for it.
        KeyCase{"ImageIdWithTag", Container("sha256:99aa", "busybox", "1.36", ""), KeyBy::kImage,
                "", "busybox:1.36", "busybox:1.36"},
        // Created from an image id that has no name: the id is all there is.
        KeyCase{"ImageIdOnly", Container("sha256:99aa", "sha256", "99aa", "", "sha256:99aa"),
                KeyBy::kImage, "", "sha256:99aa", "sha256:99aa"},
        KeyCase{"ByName", Container("alpine:3.20", "alpine", "3.20", ""), KeyBy::kContainerName, "",
                "name:web", "alpine:3.20"},
        KeyCase{"ByLabel", Container("alpine:3.20", "alpine", "3.20", ""), KeyBy::kLabel, "app",
                "label:app=shop", "alpine:3.20"},
        KeyCase{"ByMissingLabelFallsBackToImage", Container("alpine:3.20", "alpine", "3.20", ""),
                KeyBy::kLabel, "tier", "alpine:3.20", "alpine:3.20"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(BaselineProfileKeyTest, ByNameWithoutANameFallsBackToImage) {
  ContainerInfo c = Container("alpine:3.20", "alpine", "3.20", "");
  c.name.clear();
  EXPECT_EQ(ProfileKeyFor(c, KeyBy::kContainerName), "alpine:3.20");
}

}  // namespace
}  // namespace vigil::baseline
