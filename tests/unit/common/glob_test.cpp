#include "common/glob.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

struct GlobCase {
  const char* pattern;
  const char* text;
  bool ignore_case;
  bool matches;
};

class GlobTest : public testing::TestWithParam<GlobCase> {};

TEST_P(GlobTest, Matches) {
  const auto& c = GetParam();
  EXPECT_EQ(GlobMatch(c.pattern, c.text, c.ignore_case), c.matches)
      << c.pattern << " vs " << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, GlobTest,
    testing::Values(GlobCase{"/home/*/.ssh/*", "/home/bob/.ssh/id_rsa", false, true},
                    GlobCase{"/home/*/.ssh/*", "/home/bob/x/.ssh/id", false, true},  // * spans '/'
                    GlobCase{"/home/*/.ssh/*", "/root/.ssh/id", false, false},
                    GlobCase{"*.sh", "run.sh", false, true}, GlobCase{"*.sh", "run.shx", false, false},
                    GlobCase{"file?", "file1", false, true}, GlobCase{"file?", "file12", false, false},
                    GlobCase{"[abc]x", "bx", false, true}, GlobCase{"[a-c]x", "dx", false, false},
                    GlobCase{"[!a]x", "bx", false, true}, GlobCase{"[!a]x", "ax", false, false},
                    GlobCase{"*", "", false, true}, GlobCase{"", "", false, true},
                    GlobCase{"", "a", false, false}, GlobCase{"*ABC*", "xxabcxx", true, true},
                    GlobCase{"*ABC*", "xxabcxx", false, false},
                    GlobCase{"a*b*c", "aXXbYYc", false, true},
                    GlobCase{"[", "[", false, true}),
    [](const auto& info) { return std::to_string(info.index); });

}  // namespace
}  // namespace vigil
