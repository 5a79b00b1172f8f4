#include "baseline/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "unit/baseline/baseline_fixture.h"

namespace vigil::baseline {
namespace {

using testing_support::FullProfile;
using testing_support::ScratchDir;

std::unique_ptr<ProfileStore> OpenOrDie(const std::string& path) {
  auto store = ProfileStore::Open(path);
  EXPECT_TRUE(store) << (store ? "" : store.error().message);
  return store ? std::move(*store) : nullptr;
}

TEST(BaselineStoreTest, SaveLoadRoundTripAcrossReopen) {
  ScratchDir dir;
  const Profile p = FullProfile();
  {
    auto store = OpenOrDie(dir.File("b.db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Save(p));
  }
  auto store = OpenOrDie(dir.File("b.db"));
  ASSERT_TRUE(store);
  auto loaded = store->Load(p.key);
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ(**loaded, p);
  auto missing = store->Load("nope:1");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST(BaselineStoreTest, SaveReplacesTheProfile) {
  ScratchDir dir;
  auto store = OpenOrDie(dir.File("b.db"));
  Profile p = FullProfile();
  ASSERT_TRUE(store->Save(p));
  p.syscalls = {"read"};
  p.files_read.clear();
  p.mode = Mode::kLearning;
  ASSERT_TRUE(store->Save(p));
  auto loaded = store->Load(p.key);
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ(**loaded, p);  // nothing of the first version left over
}

TEST(BaselineStoreTest, ListLoadAllSaveAllRemove) {
  ScratchDir dir;
  auto store = OpenOrDie(dir.File("b.db"));
  Profile a = FullProfile("a:1", "a:1");
  Profile b = FullProfile("b:2", "b:2");
  b.syscalls.clear();
  ASSERT_TRUE(store->SaveAll({&b, &a}));
  auto list = store->List();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].key, "a:1");  // sorted by key
  EXPECT_EQ((*list)[0].items, a.Size());
  EXPECT_EQ((*list)[1].items, b.Size());
  EXPECT_EQ((*list)[1].mode, Mode::kDetecting);
  EXPECT_EQ((*list)[1].created_ns, b.created_ns);
  auto all = store->LoadAll();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], a);
  EXPECT_EQ((*all)[1], b);
  auto removed = store->Remove("a:1");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  removed = store->Remove("a:1");
  ASSERT_TRUE(removed);
  EXPECT_FALSE(*removed);
  list = store->List();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].key, "b:2");
}

TEST(BaselineStoreTest, SaveWithoutAKeyFails) {
  ScratchDir dir;
  auto store = OpenOrDie(dir.File("b.db"));
  Profile p;
  EXPECT_FALSE(store->Save(p));
}

struct FindCase {
  const char* query;
  const char* key;  // "" for not found; "!" for an ambiguity error
};

class BaselineStoreFindTest : public testing::TestWithParam<FindCase> {
 protected:
  static constexpr const char* kDigest =
      "sha256:4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";
  void SetUp() override {
    store_ = OpenOrDie(dir_.File("b.db"));
    ASSERT_TRUE(store_);
    std::vector<Profile> profiles = {
        FullProfile("alpine:3.20", "alpine:3.20"),
        FullProfile("alpine:latest", "alpine:latest"),
        FullProfile(std::string("nginx@") + kDigest, std::string("nginx:1.27@") + kDigest),
        FullProfile("registry.example:5000/team/app:2", "registry.example:5000/team/app:2"),
        FullProfile("name:web", "busybox:latest"),
        // Two profiles of one image (keyed by container name): ambiguous by image.
        FullProfile("name:db1", "postgres:16"),
        FullProfile("name:db2", "postgres:16"),
        // Two digests that share their first 12 hex digits.
        FullProfile("redis@sha256:aaaaaaaaaaaa1111", "redis@sha256:aaaaaaaaaaaa1111"),
        FullProfile("redis@sha256:aaaaaaaaaaaa2222", "redis@sha256:aaaaaaaaaaaa2222"),
    };
    for (const auto& p : profiles) ASSERT_TRUE(store_->Save(p));
  }
  ScratchDir dir_;
  std::unique_ptr<ProfileStore> store_;
};

TEST_P(BaselineStoreFindTest, Finds) {
  const auto& c = GetParam();
  auto found = store_->Find(c.query);
  if (std::string(c.key) == "!") {
    ASSERT_FALSE(found) << c.query;
    EXPECT_NE(found.error().message.find("several"), std::string::npos) << found.error().message;
    return;
  }
  ASSERT_TRUE(found) << found.error().message;
  if (std::string(c.key).empty()) {
    EXPECT_FALSE(found->has_value()) << c.query << " found " << (*found)->key;
  } else {
    ASSERT_TRUE(found->has_value()) << c.query;
    EXPECT_EQ((*found)->key, c.key) << c.query;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Baseline, BaselineStoreFindTest,
    testing::Values(
        FindCase{"alpine:3.20", "alpine:3.20"}, FindCase{"alpine", "alpine:latest"},
        FindCase{"alpine:latest", "alpine:latest"}, FindCase{"alpine:3.19", ""},
        // By tag although keyed by digest.
        FindCase{"nginx:1.27",
                 "nginx@sha256:4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"},
        FindCase{"nginx@sha256:4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708",
                 "nginx@sha256:4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"},
        FindCase{"sha256:4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708",
                 "nginx@sha256:4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"},
        FindCase{"sha256:4f2c1e9a7b3d",
                 "nginx@sha256:4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"},
        FindCase{"nginx@sha256:4f2c1e9a7b3d",
                 "nginx@sha256:4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"},
        FindCase{"sha256:4f2c1e9a7b3", ""},  // 11 hex digits: too short a prefix
        FindCase{"sha256:ffff1e9a7b3d", ""}, FindCase{"nginx", ""},  // no nginx:latest
        FindCase{"registry.example:5000/team/app:2", "registry.example:5000/team/app:2"},
        FindCase{"registry.example:5000/team/app", ""}, FindCase{"name:web", "name:web"},
        FindCase{"busybox", "name:web"}, FindCase{"postgres:16", "!"},
        FindCase{"sha256:aaaaaaaaaaaa", "!"},
        FindCase{"sha256:aaaaaaaaaaaa1111", "redis@sha256:aaaaaaaaaaaa1111"}, FindCase{"", ""}),
    [](const auto& info) { return std::to_string(info.index); });

TEST(BaselineStoreTest, RefusesFilesThatAreNotAVigilStore) {
  ScratchDir dir;
  { std::ofstream(dir.File("text")) << "hello, this is not SQLite at all, just some text\n"; }
  auto text = ProfileStore::Open(dir.File("text"));
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("not a vigil baseline store"), std::string::npos)
      << text.error().message;
  EXPECT_NE(text.error().message.find(dir.File("text")), std::string::npos);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("other.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto other = ProfileStore::Open(dir.File("other.db"));
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("not a vigil baseline store"), std::string::npos)
      << other.error().message;
}

TEST(BaselineStoreTest, RefusesANewerSchema) {
  ScratchDir dir;
  ASSERT_TRUE(OpenOrDie(dir.File("b.db")));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("b.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = ProfileStore::Open(dir.File("b.db"));
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("newer vigil"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("99"), std::string::npos);
}

TEST(BaselineStoreTest, OpenExistingDoesNotCreate) {
  ScratchDir dir;
  auto missing = ProfileStore::OpenExisting(dir.File("none.db"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("none.db"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.File("none.db")));
  ASSERT_TRUE(OpenOrDie(dir.File("b.db")));
  EXPECT_TRUE(ProfileStore::OpenExisting(dir.File("b.db")));
}

TEST(BaselineStoreTest, UsesWalAndTwoConnectionsSeeEachOther) {
  ScratchDir dir;
  auto writer = OpenOrDie(dir.File("b.db"));
  auto reader = OpenOrDie(dir.File("b.db"));
  ASSERT_TRUE(writer && reader);
  ASSERT_TRUE(writer->Save(FullProfile("x:1", "x:1")));
  auto list = reader->List();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 1u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("b.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

// kill -9 in the middle of writes: the store stays intact and holds the last committed state.
TEST(BaselineStoreTest, SurvivesSigkillMidWrite) {
  ScratchDir dir;
  const std::string path = dir.File("crash.db");
  ASSERT_TRUE(OpenOrDie(path));
  for (int round = 0; round < 5; ++round) {
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(pipe_fds[0]);
      auto store = ProfileStore::Open(path);
      if (!store) _exit(3);
      // Generation g: profiles p0..p9, each with g+1 syscalls; after each commit the child
      // reports g, so the parent knows what must be there at least.
      for (uint32_t g = 0;; ++g) {
        std::vector<Profile> profiles;
        for (int i = 0; i < 10; ++i) {
          Profile p = FullProfile("p" + std::to_string(i) + ":1", "p:1");
          p.seen_ns = g;
          for (uint32_t s = 0; s < 200; ++s) p.files_read.insert("/f/" + std::to_string(s + g));
          profiles.push_back(std::move(p));
        }
        std::vector<const Profile*> ptrs;
        for (const auto& p : profiles) ptrs.push_back(&p);
        if (!(*store)->SaveAll(ptrs)) _exit(4);
        if (write(pipe_fds[1], &g, sizeof g) != sizeof g) _exit(5);
      }
    }
    close(pipe_fds[1]);
    uint32_t committed = 0;
    uint32_t value = 0;
    // Let it commit a few generations, then kill it at a random moment within a write.
    for (int n = 0; n < 3 + round; ++n) {
      ASSERT_EQ(read(pipe_fds[0], &value, sizeof value), static_cast<ssize_t>(sizeof value));
      committed = value;
    }
    usleep(500 + 1700 * round);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited " << WEXITSTATUS(status);
    while (read(pipe_fds[0], &value, sizeof value) == static_cast<ssize_t>(sizeof value)) {
      committed = value;
    }
    close(pipe_fds[0]);

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "ok");
    sqlite3_finalize(stmt);
    sqlite3_close(db);

    auto store = ProfileStore::Open(path);
    ASSERT_TRUE(store) << store.error().message;
    auto all = (*store)->LoadAll();
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), 10u);
    // Every profile is from one generation (one transaction), at least the last reported.
    const uint64_t generation = (*all)[0].seen_ns;
    EXPECT_GE(generation, committed);
    for (const Profile& p : *all) {
      EXPECT_EQ(p.seen_ns, generation) << p.key;
      EXPECT_EQ(p.files_read.size(), 200u + 4u);
      EXPECT_TRUE(p.files_read.contains("/f/" + std::to_string(generation)));
    }
  }
}

}  // namespace
}  // namespace vigil::baseline
