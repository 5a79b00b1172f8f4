// Sources: a file followed across appends, rotation by rename and truncation, with line numbers;
// Docker json-file entries unwrapped and split lines joined; lines over the limit cut.
#include "logscan/source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/clock.h"

namespace vigil::logscan {
namespace {

namespace fs = std::filesystem;

class LogscanSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vigil-logscan-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = (dir_ / "access.log").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(const std::string& text) { std::ofstream(path_, std::ios::app) << text; }
  std::vector<std::string> PollAll(LogSource& source, bool follow) {
    std::vector<std::string> out;
    source.Poll(follow, [&](std::string_view line, uint64_t lineno, std::string_view stream) {
      out.push_back(std::to_string(lineno) + ":" + std::string(stream) + ":" + std::string(line));
    });
    return out;
  }

  fs::path dir_;
  std::string path_;
};

using Lines = std::vector<std::string>;

TEST_F(LogscanSourceTest, ReadsAFileToItsEndWithLineNumbers) {
  Append("one\ntwo\r\n\nlast without newline");
  auto source = LogSource::Open(path_, LogSource::Kind::kFile);
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ(PollAll(**source, false),
            (Lines{"1::one", "2::two", "3::", "4::last without newline"}));
  EXPECT_TRUE((*source)->ended());
}

TEST_F(LogscanSourceTest, FollowsAppendsRotationAndTruncation) {
  Append("a\nb\n");
  auto opened = LogSource::Open(path_, LogSource::Kind::kFile);
  ASSERT_TRUE(opened);
  LogSource& source = **opened;
  EXPECT_EQ(PollAll(source, true), (Lines{"1::a", "2::b"}));
  Append("par");
  EXPECT_EQ(PollAll(source, true), Lines{});  // a partial line waits for its end
  Append("tial\n");
  EXPECT_EQ(PollAll(source, true), (Lines{"3::partial"}));
  // Rotation: the old file renamed (after a last line), a new one created.
  Append("before rotation\n");
  fs::rename(path_, path_ + ".1");
  Append("after rotation\n");
  Lines all;
  for (int i = 0; i < 3; ++i) {
    auto more = PollAll(source, true);
    all.insert(all.end(), more.begin(), more.end());
  }
  EXPECT_EQ(all, (Lines{"4::before rotation", "5::after rotation"}));
  EXPECT_EQ(source.rotations(), 1u);
  // Truncation (copytruncate): read again from the start.
  { std::ofstream(path_, std::ios::trunc) << "x\n"; }
  auto after_truncate = PollAll(source, true);
  auto more = PollAll(source, true);
  after_truncate.insert(after_truncate.end(), more.begin(), more.end());
  EXPECT_EQ(after_truncate, (Lines{"6::x"}));
  EXPECT_FALSE(source.ended());
}

TEST_F(LogscanSourceTest, DockerJsonFileEntriesAreUnwrappedAndJoined) {
  Append(R"({"log":"GET / 1\n","stream":"stdout","time":"t"})"
         "\n"
         R"({"log":"first half ","stream":"stderr","time":"t"})"
         "\n"
         R"({"log":"second half\n","stream":"stderr","time":"t"})"
         "\n"
         "garbage that is not json\n"
         R"({"log":"last\n","stream":"stdout","time":"t"})"
         "\n");
  auto source = LogSource::Open(path_, LogSource::Kind::kDockerJson);
  ASSERT_TRUE(source);
  EXPECT_EQ(PollAll(**source, false),
            (Lines{"1:stdout:GET / 1", "2:stderr:first half second half", "3:stdout:last"}));
  EXPECT_EQ((*source)->malformed(), 1u);
}

TEST_F(LogscanSourceTest, DockerEntriesBeforeAMomentAreNumberedNotDelivered) {
  Append(R"({"log":"old\n","stream":"stdout","time":"2026-11-27T10:00:00.5Z"})"
         "\n"
         R"({"log":"new\n","stream":"stdout","time":"2026-11-27T10:00:02Z"})"
         "\n");
  auto source = LogSource::Open(path_, LogSource::Kind::kDockerJson);
  ASSERT_TRUE(source);
  (*source)->SkipEntriesBefore(ParseRfc3339("2026-11-27T10:00:01Z"));
  EXPECT_EQ(PollAll(**source, false), (Lines{"2:stdout:new"}));
}

TEST_F(LogscanSourceTest, OverlongLinesAreCutAndCounted) {
  Append(std::string(kMaxLineBytes + 100, 'x') + "\nnext\n");
  auto source = LogSource::Open(path_, LogSource::Kind::kFile);
  ASSERT_TRUE(source);
  std::vector<std::size_t> sizes;
  (*source)->Poll(false, [&](std::string_view line, uint64_t, std::string_view) {
    sizes.push_back(line.size());
  });
  EXPECT_EQ(sizes, (std::vector<std::size_t>{kMaxLineBytes, 4}));
  EXPECT_EQ((*source)->truncated(), 1u);
}

TEST_F(LogscanSourceTest, MissingFileIsAnError) {
  auto source = LogSource::Open((dir_ / "nope.log").string(), LogSource::Kind::kFile);
  ASSERT_FALSE(source);
  EXPECT_NE(source.error().message.find("No such file"), std::string::npos);
}

}  // namespace
}  // namespace vigil::logscan
