#include "state/users.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(UsersTest, ParsesPasswdAndSkipsGarbage) {
  auto table = ParsePasswd(
      "root:x:0:0:root:/root:/bin/sh\n"
      "# comment\n"
      "nginx:x:101:101::/var/cache/nginx:/sbin/nologin\n"
      "broken line\n"
      "neg:x:-1:0::/:/bin/false\n"
      ":x:5:5::/:/bin/false\n");
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.at(0), "root");
  EXPECT_EQ(table.at(101), "nginx");
}

TEST(UsersTest, ReplayNamesComeFromRecordsAndRootIsAlwaysKnown) {
  UserDb users(/*read_files=*/false);
  users.Add({"abc", 101, "nginx"});
  EXPECT_EQ(users.Name("abc", 101), "nginx");
  EXPECT_EQ(users.Name("abc", 0), "root");
  EXPECT_FALSE(users.Name("abc", 102));
  EXPECT_FALSE(users.Name("host", 1000));
}

TEST(UsersTest, GroupsAreATableOfTheirOwn) {
  auto table = ParseGroup("root:x:0:\nwheel:x:10:root,alice\nbad\n");
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.at(10), "wheel");
  UserDb users(/*read_files=*/false);
  users.Add({"abc", 101, "nginx"});
  users.Add({"abc", 101, "www", /*group=*/true});
  EXPECT_EQ(users.Name("abc", 101), "nginx");
  EXPECT_EQ(users.GroupName("abc", 101), "www");
  EXPECT_EQ(users.GroupName("abc", 0), "root");
  EXPECT_FALSE(users.GroupName("abc", 5));
  users.Forget("abc");
  EXPECT_FALSE(users.GroupName("abc", 101));
}

TEST(UsersTest, LoadsFromTheFirstRootfsDirThatHasAPasswd) {
  char lower[] = "/tmp/vigil-users-XXXXXX";
  ASSERT_NE(mkdtemp(lower), nullptr);
  std::string dir = lower;
  ASSERT_EQ(system(("mkdir -p " + dir + "/etc && echo 'www:x:33:33::/:/bin/sh' > " + dir +
                    "/etc/passwd && echo 'www-data:x:33:' > " + dir + "/etc/group").c_str()),
            0);
  UserDb users(true);
  std::vector<UserInfo> loaded;
  users.OnLoaded([&](const UserInfo& u) { loaded.push_back(u); });
  users.LoadContainerFromDirs("abc", {"/nonexistent/merged", dir});
  EXPECT_EQ(users.Name("abc", 33), "www");
  EXPECT_EQ(users.GroupName("abc", 33), "www-data");
  ASSERT_EQ(loaded.size(), 2u);  // every loaded entry is reported, for captures
  EXPECT_EQ(loaded[0].container_id, "abc");
  EXPECT_FALSE(loaded[0].group);
  EXPECT_TRUE(loaded[1].group);
  EXPECT_EQ(loaded[1].name, "www-data");
  EXPECT_TRUE(users.HasContainer("abc"));
  system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace vigil
