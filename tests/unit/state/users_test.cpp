#include "state/users.h"

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

TEST(UsersTest, ReportsEachResolvedNameOnce) {
  UserDb users(false);
  users.Add({"abc", 101, "nginx"});
  int calls = 0;
  users.OnResolved([&](const UserInfo& u) {
    ++calls;
    EXPECT_EQ(u.name, "nginx");
  });
  users.Name("abc", 101);
  users.Name("abc", 101);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace vigil
