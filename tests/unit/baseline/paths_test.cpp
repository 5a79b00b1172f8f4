#include "baseline/paths.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::baseline {
namespace {

struct GeneraliseCase {
  const char* path;
  const char* expected;
};

class BaselineGeneralisePathTest : public testing::TestWithParam<GeneraliseCase> {};

TEST_P(BaselineGeneralisePathTest, Generalises) {
  const auto& c = GetParam();
  EXPECT_EQ(GeneralisePath(c.path), c.expected) << c.path;
  // Generalising is idempotent: a pattern generalises to itself.
  EXPECT_EQ(GeneralisePath(c.expected), c.expected) << c.expected;
}

INSTANTIATE_TEST_SUITE_P(
    Baseline, BaselineGeneralisePathTest,
    testing::Values(
        // Ordinary names stay.
        GeneraliseCase{"/etc/nginx/nginx.conf", "/etc/nginx/nginx.conf"},
        GeneraliseCase{"/usr/lib/x86_64-linux-gnu/libc.so.6",
                       "/usr/lib/x86_64-linux-gnu/libc.so.6"},
        GeneraliseCase{"/usr/lib/x86_64-linux-gnu/libssl.so.3",
                       "/usr/lib/x86_64-linux-gnu/libssl.so.3"},
        GeneraliseCase{"/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
                       "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30"},
        GeneraliseCase{"/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2"},
        GeneraliseCase{"/usr/lib/x86_64-linux-gnu/libicudata.so.72.1",
                       "/usr/lib/x86_64-linux-gnu/libicudata.so.72.1"},
        GeneraliseCase{"/usr/bin/python3.11", "/usr/bin/python3.11"},
        GeneraliseCase{"/usr/bin/sha256sum", "/usr/bin/sha256sum"},
        GeneraliseCase{"/usr/sbin/e2fsck", "/usr/sbin/e2fsck"},
        GeneraliseCase{"/usr/share/mysql/charsets/utf8mb4.xml",
                       "/usr/share/mysql/charsets/utf8mb4.xml"},
        GeneraliseCase{"/usr/sbin/NetworkManager", "/usr/sbin/NetworkManager"},
        GeneraliseCase{"/etc/rc2.d/S01ssh", "/etc/rc2.d/S01ssh"},
        GeneraliseCase{"/var/log/nginx/access.log.1", "/var/log/nginx/access.log.1"},
        GeneraliseCase{"/proc/self/status", "/proc/self/status"},
        GeneraliseCase{"/usr/bin/deadbeefcafe", "/usr/bin/deadbeefcafe"},  // hex without a digit
        // Python's __pycache__ names hold the interpreter version, not a hash: stable.
        GeneraliseCase{"/app/__pycache__/views.cpython-311.pyc",
                       "/app/__pycache__/views.cpython-311.pyc"},
        // Process ids and file descriptors.
        GeneraliseCase{"/proc/1234/status", "/proc/*/status"},
        GeneraliseCase{"/proc/1/fd/3", "/proc/*/fd/*"},
        GeneraliseCase{"/proc/42/task/43/stat", "/proc/*/task/*/stat"},
        GeneraliseCase{"/dev/pts/0", "/dev/pts/*"},
        // Temporary names.
        GeneraliseCase{"/tmp/tmp.aB3xQ9", "/tmp/tmp.*"},
        GeneraliseCase{"/tmp/tmp.Fq8ZkLw1aP/data", "/tmp/tmp.*/data"},
        GeneraliseCase{"/tmp/tmpk3j_2x9a", "/tmp/tmp*"},
        GeneraliseCase{"/tmp/tmpa8b2x9zq.json", "/tmp/tmp*.json"},
        // Hashes and ids.
        GeneraliseCase{"/var/lib/docker/containers/"
                       "4f2c1e9a7b3d5f60e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708/hostname",
                       "/var/lib/docker/containers/*/hostname"},
        GeneraliseCase{"/var/lib/docker/containers/4f2c1e9a7b3d/4f2c1e9a7b3d-json.log",
                       "/var/lib/docker/containers/*/*-json.log"},
        GeneraliseCase{"/root/.cache/pip/http/d/9/1/a/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                       "/root/.cache/pip/http/d/*/*/a/*"},
        GeneraliseCase{"/run/secrets/kubernetes.io/nginx-7d9f8c6b5-x2k4p/token",
                       "/run/secrets/kubernetes.io/nginx-*-x2k4p/token"},
        GeneraliseCase{"/sys/fs/cgroup/550e8400-e29b-41d4-a716-446655440000/memory.max",
                       "/sys/fs/cgroup/*/memory.max"},
        GeneraliseCase{"/var/run/session-550E8400-E29B-41D4-A716-446655440000.sock",
                       "/var/run/session-*.sock"},
        // Dated and numbered names.
        GeneraliseCase{"/var/log/app/log.2024-01-02", "/var/log/app/log.*"},
        GeneraliseCase{"/var/log/app/app-2024-01-02T10:00:00.log", "/var/log/app/app-*.log"},
        GeneraliseCase{"/var/log/app-20240102T101010Z.log", "/var/log/app-*Z.log"},
        GeneraliseCase{"/var/log/app/app.log.20240102", "/var/log/app/app.log.*"},
        GeneraliseCase{"/cores/core.12345", "/cores/core.*"},
        GeneraliseCase{"/data/1700000000.123.json", "/data/*.json"},
        GeneraliseCase{"/var/cache/worker12345/lock", "/var/cache/worker*/lock"},
        // Variable parts next to each other merge into one "*", never "**".
        GeneraliseCase{"/tmp/aB3xQ9zK-20240102", "/tmp/*-*"},
        GeneraliseCase{"/tmp/aB3xQ9zK20240102", "/tmp/*"},
        // Not absolute: unchanged.
        GeneraliseCase{"", ""}, GeneraliseCase{"relative/1234", "relative/1234"},
        GeneraliseCase{"/", "/"}, GeneraliseCase{"/a//b/", "/a//b/"}),
    [](const auto& info) { return std::to_string(info.index); });

struct CoverCase {
  std::set<std::string> patterns;
  const char* path;
  bool covered;
};

class BaselinePatternsCoverTest : public testing::TestWithParam<CoverCase> {};

TEST_P(BaselinePatternsCoverTest, Covers) {
  const auto& c = GetParam();
  EXPECT_EQ(PatternsCover(c.patterns, c.path), c.covered) << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Baseline, BaselinePatternsCoverTest,
    testing::Values(CoverCase{{"/etc/passwd"}, "/etc/passwd", true},
                    CoverCase{{"/etc/passwd"}, "/etc/shadow", false},
                    CoverCase{{"/etc/**"}, "/etc/shadow", true},
                    CoverCase{{"/etc/**"}, "/etc/ssl/certs/ca.pem", true},
                    CoverCase{{"/etc/**"}, "/etc/**", true},
                    CoverCase{{"/etc/**"}, "/etc/ssl/**", true},
                    CoverCase{{"/etc/**"}, "/etc", false},  // the directory is not below itself
                    CoverCase{{"/etc/**"}, "/etcetera/x", false},
                    CoverCase{{"/**"}, "/anything/at/all", true},
                    CoverCase{{"/proc/*/status"}, "/proc/*/status", true},
                    // Patterns are literal: "*" in a pattern is not a wildcard for a raw path.
                    CoverCase{{"/proc/*/status"}, "/proc/1/status", false},
                    CoverCase{{}, "/etc/passwd", false}),
    [](const auto& info) { return std::to_string(info.index); });

TEST(BaselineAddPatternTest, AddsNewAndReportsCovered) {
  std::set<std::string> p;
  EXPECT_TRUE(AddPattern(p, "/etc/passwd"));
  EXPECT_FALSE(AddPattern(p, "/etc/passwd"));
  EXPECT_TRUE(AddPattern(p, "/etc/group"));
  EXPECT_EQ(p, (std::set<std::string>{"/etc/group", "/etc/passwd"}));
}

TEST(BaselineAddPatternTest, FoldsADirectoryWithMoreThanFoldAfterEntries) {
  std::set<std::string> p{"/other/file"};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(AddPattern(p, "/srv/f" + std::to_string(i), 3));
  EXPECT_EQ(p.size(), 4u);                           // three entries: not yet more than 3
  EXPECT_TRUE(AddPattern(p, "/srv/sub/deep/x", 3));  // the fourth entry is a subtree
  EXPECT_EQ(p, (std::set<std::string>{"/other/file", "/srv/**"}));
  // Everything below is covered now.
  EXPECT_FALSE(AddPattern(p, "/srv/f9", 3));
  EXPECT_FALSE(AddPattern(p, "/srv/a/b/c", 3));
  EXPECT_FALSE(AddPattern(p, "/srv/a/**", 3));
  EXPECT_TRUE(AddPattern(p, "/srv", 3));  // the directory itself is not below it
}

TEST(BaselineAddPatternTest, CountsDistinctEntriesNotPatterns) {
  std::set<std::string> p;
  // Many files in one subdirectory are one entry of its parent.
  for (int i = 0; i < 5; ++i) AddPattern(p, "/a/b/f" + std::to_string(i), 8);
  AddPattern(p, "/a/c", 8);
  EXPECT_TRUE(p.contains("/a/b/f0"));
  EXPECT_TRUE(p.contains("/a/c"));
  // /a/b folds at its ninth entry; /a keeps two entries.
  for (int i = 5; i < 9; ++i) AddPattern(p, "/a/b/f" + std::to_string(i), 8);
  EXPECT_EQ(p, (std::set<std::string>{"/a/b/**", "/a/c"}));
}

TEST(BaselineAddPatternTest, AddingAFoldReplacesWhatItCovers) {
  std::set<std::string> p{"/var/log/a", "/var/log/x/y", "/var/logs", "/var/lib/z"};
  EXPECT_TRUE(AddPattern(p, "/var/log/**"));
  EXPECT_EQ(p, (std::set<std::string>{"/var/lib/z", "/var/log/**", "/var/logs"}));
}

TEST(BaselineAddPatternTest, DefaultFoldsAfterThirtyTwo) {
  std::set<std::string> p;
  for (int i = 0; i < 32; ++i)
    AddPattern(p, "/d/n" + std::string(1, char('a' + i % 26)) + std::string(1, char('a' + i / 26)));
  EXPECT_EQ(p.size(), 32u);
  EXPECT_TRUE(AddPattern(p, "/d/last"));
  EXPECT_EQ(p, (std::set<std::string>{"/d/**"}));
}

TEST(BaselineAddPatternTest, RelativePathsAreKeptAsTheyAre) {
  std::set<std::string> p;
  EXPECT_TRUE(AddPattern(p, "pipe:[1234]", 0));
  EXPECT_FALSE(AddPattern(p, "pipe:[1234]", 0));
  EXPECT_EQ(p, (std::set<std::string>{"pipe:[1234]"}));
}

}  // namespace
}  // namespace vigil::baseline
