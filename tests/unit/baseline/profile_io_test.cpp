#include "baseline/profile_io.h"

#include <gtest/gtest.h>

#include "unit/baseline/baseline_fixture.h"

namespace vigil::baseline {
namespace {

using testing_support::FullProfile;

class BaselineProfileIoTest : public testing::TestWithParam<DocumentFormat> {};

TEST_P(BaselineProfileIoTest, RoundTrips) {
  Profile minimal;
  minimal.key = "k";
  minimal.image = "i";
  for (const Profile& p : {FullProfile(), minimal}) {
    const std::string text = ExportProfile(p, GetParam());
    auto back = ImportProfiles(text, "profile");
    ASSERT_TRUE(back) << back.error().message << "\n" << text;
    ASSERT_EQ(back->size(), 1u) << text;
    EXPECT_EQ(back->front(), p) << text;
  }
}

INSTANTIATE_TEST_SUITE_P(Baseline, BaselineProfileIoTest,
                         testing::Values(DocumentFormat::kYaml, DocumentFormat::kJson),
                         [](const auto& info) {
                           return info.param == DocumentFormat::kYaml ? "yaml" : "json";
                         });

TEST(BaselineProfileIoTest, YamlIsReadable) {
  Profile p;
  p.key = "alpine:3.20";
  p.image = "alpine:3.20";
  p.created_ns = 1795755600000000000ull;
  p.processes = {{"/bin/sleep", "/bin/sh"}};
  p.syscalls = {"read", "write"};
  p.listening = {{"tcp", 8080}};
  p.outbound = {{"tcp", "127.0.0.1", 5432}};
  p.users = {{0, "root"}};
  EXPECT_EQ(ExportProfile(p, DocumentFormat::kYaml),
            "image: alpine:3.20\n"
            "key: alpine:3.20\n"
            "mode: learning\n"
            "created: 2026-11-27T05:00:00Z\n"
            "processes:\n"
            "  - {exe: /bin/sleep, parent: /bin/sh}\n"
            "files_read: []\n"
            "files_written: []\n"
            "syscalls:\n"
            "  - read\n"
            "  - write\n"
            "listening:\n"
            "  - tcp/8080\n"
            "outbound:\n"
            "  - tcp/127.0.0.1:5432\n"
            "users:\n"
            "  - {uid: 0, name: root}\n");
}

TEST(BaselineProfileIoTest, SeveralDocumentsAndJsonArrays) {
  const std::string two = ExportProfile(FullProfile("a:1", "a:1"), DocumentFormat::kYaml) +
                          "---\n" + ExportProfile(FullProfile("b:1", "b:1"), DocumentFormat::kYaml);
  auto yaml = ImportProfiles(two, "two.yaml");
  ASSERT_TRUE(yaml) << yaml.error().message;
  ASSERT_EQ(yaml->size(), 2u);
  EXPECT_EQ((*yaml)[0], FullProfile("a:1", "a:1"));
  EXPECT_EQ((*yaml)[1], FullProfile("b:1", "b:1"));

  const std::string array = "[" + ExportProfile(FullProfile("a:1", "a:1"), DocumentFormat::kJson) +
                            "," + ExportProfile(FullProfile("b:1", "b:1"), DocumentFormat::kJson) +
                            "]";
  auto json = ImportProfiles(array, "two.json");
  ASSERT_TRUE(json) << json.error().message;
  ASSERT_EQ(json->size(), 2u);
  EXPECT_EQ((*json)[1], FullProfile("b:1", "b:1"));

  auto empty = ImportProfiles("", "empty.yaml");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(BaselineProfileIoTest, MinimalDocumentsFillKeyAndImage) {
  auto only_image = ImportProfiles("image: nginx\nsyscalls: [read]\n", "p.yaml");
  ASSERT_TRUE(only_image) << only_image.error().message;
  EXPECT_EQ(only_image->front().key, "nginx:latest");
  EXPECT_EQ(only_image->front().image, "nginx");
  EXPECT_EQ(only_image->front().mode, Mode::kLearning);
  auto only_key = ImportProfiles("key: name:web\n", "p.yaml");
  ASSERT_TRUE(only_key) << only_key.error().message;
  EXPECT_EQ(only_key->front().image, "name:web");
}

struct ErrorCase {
  const char* name;
  const char* text;
  const char* error;  // the whole message's start: origin:line:col: what
};

class BaselineImportErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(BaselineImportErrorTest, SaysWhereAndWhat) {
  const auto& c = GetParam();
  auto result = ImportProfiles(c.text, "p.yaml");
  ASSERT_FALSE(result) << c.text;
  EXPECT_TRUE(result.error().message.starts_with(c.error))
      << "got: " << result.error().message << "\nwant: " << c.error;
}

INSTANTIATE_TEST_SUITE_P(
    Baseline, BaselineImportErrorTest,
    testing::Values(
        ErrorCase{"UnknownKey", "image: a\nsyscals: [read]\n", "p.yaml:2:1: unknown key 'syscals'"},
        ErrorCase{"UnknownMode", "image: a\nmode: enforcing\n",
                  "p.yaml:2:7: unknown mode 'enforcing'"},
        ErrorCase{"BadPort", "image: a\nlistening:\n  - tcp/70000\n",
                  "p.yaml:3:5: 'tcp/70000' in 'listening': bad port"},
        ErrorCase{"PortNotNumber", "image: a\nlistening: [tcp/http]\n",
                  "p.yaml:2:13: 'tcp/http' in 'listening': bad port"},
        ErrorCase{"ListeningWithoutProto", "image: a\nlistening: [8080]\n",
                  "p.yaml:2:13: '8080' in 'listening': expected PROTO/PORT"},
        ErrorCase{"BadPeer", "image: a\noutbound: [tcp/10.0.0.1]\n",
                  "p.yaml:2:12: 'tcp/10.0.0.1' in 'outbound': expected"},
        ErrorCase{"BadTime", "image: a\ncreated: yesterday\n",
                  "p.yaml:2:10: 'created' is not an RFC 3339 time"},
        ErrorCase{"ProcessWithoutExe", "image: a\nprocesses:\n  - {parent: /bin/sh}\n",
                  "p.yaml:3:5: a process needs 'exe'"},
        ErrorCase{"ProcessUnknownKey", "image: a\nprocesses:\n  - {exe: /bin/sh, pid: 3}\n",
                  "p.yaml:3:20: unknown key 'pid' in a process"},
        ErrorCase{"BadUid", "image: a\nusers:\n  - {uid: -1}\n", "p.yaml:3:11: bad uid '-1'"},
        ErrorCase{"NotAList", "image: a\nsyscalls: read\n",
                  "p.yaml:2:11: 'syscalls' must be a list"},
        ErrorCase{"NotAMap", "- just\n- strings\n", "p.yaml:1:3: a profile is a map"},
        ErrorCase{"NoImageNoKey", "mode: learning\n",
                  "p.yaml:1:1: a profile needs 'image' or 'key'"},
        ErrorCase{"DuplicateKey", "image: a\nimage: b\n", "p.yaml:2:1: duplicate key 'image'"},
        ErrorCase{"SyntaxError", "image: [a\n", "p.yaml:"},
        // An error in the second document is at its line in the file.
        ErrorCase{"SecondDocument", "image: a\n---\nimage: b\nbogus: 1\n",
                  "p.yaml:4:1: unknown key 'bogus'"},
        ErrorCase{"JsonUnknownKey", "{\n  \"image\": \"a\",\n  \"extra\": 1\n}\n",
                  "p.yaml:3:3: unknown key 'extra'"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace vigil::baseline
