#include "common/paths.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

struct NormalizeCase {
  const char* input;
  const char* expected;
};

class NormalizePathTest : public testing::TestWithParam<NormalizeCase> {};

TEST_P(NormalizePathTest, Normalizes) {
  EXPECT_EQ(NormalizePath(GetParam().input), GetParam().expected) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(Table, NormalizePathTest,
                         testing::Values(NormalizeCase{"/etc/shadow", "/etc/shadow"},
                                         NormalizeCase{"/tmp/../etc/shadow", "/etc/shadow"},
                                         NormalizeCase{"//etc///shadow", "/etc/shadow"},
                                         NormalizeCase{"/etc/./shadow", "/etc/shadow"},
                                         NormalizeCase{"/../../etc/shadow", "/etc/shadow"},
                                         NormalizeCase{"/etc/", "/etc"},
                                         NormalizeCase{"/", "/"},
                                         NormalizeCase{"a/../../b", "../b"},
                                         NormalizeCase{"./x", "x"}),
    [](const auto& info) { return std::to_string(info.index); });

TEST(AbsolutePathTest, ResolvesAgainstCwd) {
  EXPECT_EQ(AbsolutePath("/etc", "shadow"), "/etc/shadow");
  EXPECT_EQ(AbsolutePath("/tmp/a", "../../etc/shadow"), "/etc/shadow");
  EXPECT_EQ(AbsolutePath("/tmp", "/etc/shadow"), "/etc/shadow");
  EXPECT_EQ(AbsolutePath("", "x"), "/x");
}

TEST(DirBaseNameTest, Splits) {
  EXPECT_EQ(DirName("/etc/shadow"), "/etc");
  EXPECT_EQ(DirName("/shadow"), "/");
  EXPECT_EQ(DirName("shadow"), "");
  EXPECT_EQ(BaseName("/etc/shadow"), "shadow");
  EXPECT_EQ(BaseName("/"), "/");
}

}  // namespace
}  // namespace vigil
