#include "events/open_filter.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

OpenFilter Filter() {
  OpenFilter f = OpenFilter::PassNone();
  f.writes = true;
  f.comms = {"cat"};
  f.leaves = {"shadow"};
  f.prefixes = {{"etc"}, {"home", "*", ".ssh"}};
  return f;
}

TEST(OpenFilterCovers, SubsetsAreCoveredAndEachMissingSignalIsNamed) {
  std::string missing;
  EXPECT_TRUE(OpenFilterCovers(OpenFilter::PassAll(), Filter(), &missing));
  EXPECT_TRUE(OpenFilterCovers(Filter(), Filter(), &missing));
  EXPECT_TRUE(OpenFilterCovers(Filter(), OpenFilter::PassNone(), &missing));
  OpenFilter narrower = OpenFilter::PassNone();
  narrower.prefixes = {{"etc", "ssh"}, {"home", "alice", ".ssh", "keys"}};
  EXPECT_TRUE(OpenFilterCovers(Filter(), narrower, &missing)) << missing;

  EXPECT_FALSE(OpenFilterCovers(Filter(), OpenFilter::PassAll(), &missing));
  EXPECT_EQ(missing, "every open");
  OpenFilter more = Filter();
  more.failures = true;
  EXPECT_FALSE(OpenFilterCovers(Filter(), more, &missing));
  EXPECT_EQ(missing, "failed opens");
  more = Filter();
  more.comms.insert("vi");
  EXPECT_FALSE(OpenFilterCovers(Filter(), more, &missing));
  EXPECT_EQ(missing, "opens by program vi");
  more = Filter();
  more.prefixes.push_back({"var", "lib"});
  EXPECT_FALSE(OpenFilterCovers(Filter(), more, &missing));
  EXPECT_EQ(missing, "opens under /var/lib");
  more = Filter();
  more.prefixes = {{"home", "*"}};  // wider than /home/*/.ssh
  EXPECT_FALSE(OpenFilterCovers(Filter(), more, &missing));
}

}  // namespace
}  // namespace vigil
