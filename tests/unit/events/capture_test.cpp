#include "events/capture.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil {
namespace {

class CaptureTest : public testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/vigil-capture-XXXXXX";
    int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = name;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  static Event SampleOpen() {
    Event e;
    e.type = EventType::kOpenat;
    e.num = 7;
    e.ts_ns = 1'700'000'000'123'456'789ull;
    e.pid = 42;
    e.tid = 43;
    e.ppid = 1;
    e.uid = 1000;
    e.gid = 100;
    e.loginuid = kNoLoginUid;
    e.cgroup_id = 99;
    e.comm = "cat";
    e.ret = 3;
    e.open_flags = 0x80000;
    e.dirfd = -100;
    e.file_mode = 0100644;
    e.path_raw = "../etc/shadow";
    e.path = "/etc/shadow";
    e.syscall_args = {1, 2, 3, 4, 5, 6};
    e.syscall_strings[1] = "second";
    e.syscall_string_arg[1] = 3;
    return e;
  }

  std::string ReadAll() {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void WriteAll(const std::string& bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  // Reads records until the end or an error; returns the error text ("" at a clean end).
  std::string ReadUntilEnd(int* records = nullptr) {
    auto reader = CaptureReader::Open(path_);
    if (!reader) return reader.error().message;
    int n = 0;
    while (true) {
      auto record = (*reader)->Next();
      if (!record) return record.error().message;
      if (!*record) break;
      ++n;
    }
    if (records) *records = n;
    return "";
  }

  std::string path_;
};

TEST_F(CaptureTest, RoundTripsEventsContainersAndUsers) {
  Event exec;
  exec.type = EventType::kExecve;
  exec.pid = 5;
  exec.comm = "sh";
  exec.args = {"sh", "-c", "cat /etc/shadow"};
  exec.exe_path = "/bin/busybox";
  exec.cwd = "/";
  exec.cgroup_path = "/docker/abc";
  exec.tty = 34816;
  exec.vpid = 1;
  exec.cap_effective = 0xa80425fb;
  exec.caps_known = exec.exe_facts_known = exec.exe_upper_layer = true;
  exec.exe_writable = exec.pgid_known = exec.pgid_leader = true;
  exec.sid = 5;
  exec.exe_mtime_ns = 1700000000123456789ull;
  exec.exe_ctime_ns = 1700000001123456789ull;
  exec.env = {"PATH=/bin", "X=1"};
  ContainerInfo container;
  container.id = "e8904b80c959";
  container.name = "web";
  container.image = "alpine:3.20";
  container.image_repository = "alpine";
  container.image_tag = "3.20";
  container.privileged = true;
  container.labels = {{"app", "web"}};
  UserInfo user{"e8904b80c959", 0, "root"};
  UserInfo group{"e8904b80c959", 10, "wheel", /*group=*/true};
  {
    auto writer = CaptureWriter::Create(path_);
    ASSERT_TRUE(writer) << writer.error().message;
    ASSERT_TRUE((*writer)->Write(container));
    ASSERT_TRUE((*writer)->Write(user));
    ASSERT_TRUE((*writer)->Write(group));
    ASSERT_TRUE((*writer)->Write(exec));
    ASSERT_TRUE((*writer)->Write(SampleOpen()));
    ASSERT_TRUE((*writer)->Finish());
  }
  auto reader = CaptureReader::Open(path_);
  ASSERT_TRUE(reader) << reader.error().message;
  auto r1 = (*reader)->Next();
  ASSERT_TRUE(r1 && *r1);
  const auto& c = std::get<ContainerInfo>(**r1);
  EXPECT_EQ(c.id, "e8904b80c959");
  EXPECT_EQ(c.image_tag, "3.20");
  EXPECT_TRUE(c.privileged);
  EXPECT_EQ(c.labels.at("app"), "web");
  auto r2 = (*reader)->Next();
  ASSERT_TRUE(r2 && *r2);
  EXPECT_EQ(std::get<UserInfo>(**r2).name, "root");
  EXPECT_FALSE(std::get<UserInfo>(**r2).group);
  auto rg = (*reader)->Next();
  ASSERT_TRUE(rg && *rg);
  EXPECT_EQ(std::get<UserInfo>(**rg).name, "wheel");
  EXPECT_EQ(std::get<UserInfo>(**rg).uid, 10u);
  EXPECT_TRUE(std::get<UserInfo>(**rg).group);
  auto r3 = (*reader)->Next();
  ASSERT_TRUE(r3 && *r3);
  const auto& e3 = std::get<Event>(**r3);
  EXPECT_EQ(e3.type, EventType::kExecve);
  EXPECT_EQ(e3.args, exec.args);
  EXPECT_EQ(e3.cgroup_path, "/docker/abc");
  EXPECT_EQ(e3.tty, 34816u);
  EXPECT_EQ(e3.vpid, 1u);
  EXPECT_EQ(e3.cap_effective, 0xa80425fbu);
  EXPECT_TRUE(e3.caps_known && e3.exe_facts_known && e3.exe_upper_layer);
  EXPECT_FALSE(e3.exe_from_memfd);
  EXPECT_TRUE(e3.exe_writable && e3.pgid_known && e3.pgid_leader);
  EXPECT_EQ(e3.sid, 5u);
  EXPECT_EQ(e3.exe_mtime_ns, 1700000000123456789ull);
  EXPECT_EQ(e3.exe_ctime_ns, 1700000001123456789ull);
  EXPECT_EQ(e3.env, exec.env);
  auto r4 = (*reader)->Next();
  ASSERT_TRUE(r4 && *r4);
  const auto& e4 = std::get<Event>(**r4);
  const Event expected = SampleOpen();
  EXPECT_EQ(e4.path, expected.path);
  EXPECT_EQ(e4.path_raw, expected.path_raw);
  EXPECT_EQ(e4.ts_ns, expected.ts_ns);
  EXPECT_EQ(e4.dirfd, -100);
  EXPECT_EQ(e4.syscall_args, expected.syscall_args);
  EXPECT_EQ(e4.syscall_strings[1], "second");
  EXPECT_EQ(e4.syscall_string_arg[1], 3);
  EXPECT_EQ(e4.syscall_string_arg[0], -1);
  EXPECT_EQ(e4.loginuid, kNoLoginUid);
  auto end = (*reader)->Next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);
}

TEST_F(CaptureTest, RoundTripsSocketDescriptors) {
  Event connect;
  connect.type = EventType::kConnect;
  connect.pid = 9;
  connect.ret = -115;
  auto& f = connect.fd_info;
  f.kind = Event::FdInfo::Kind::kIpv6;
  f.sock_type = 1;
  f.protocol = 6;
  f.local_port = 50000;
  f.remote_port = 443;
  f.local_addr[15] = 1;
  f.remote_addr[0] = 0x20;
  f.fd = 5;
  f.peer_from_call = true;
  connect.syscall_strings[0] = "/run/x.sock";
  connect.syscall_string_arg[0] = 1;
  {
    auto writer = CaptureWriter::Create(path_);
    ASSERT_TRUE(writer) << writer.error().message;
    ASSERT_TRUE((*writer)->Write(connect));
    ASSERT_TRUE((*writer)->Finish());
  }
  auto reader = CaptureReader::Open(path_);
  ASSERT_TRUE(reader) << reader.error().message;
  auto r = (*reader)->Next();
  ASSERT_TRUE(r && *r);
  const auto& e = std::get<Event>(**r);
  EXPECT_EQ(e.type, EventType::kConnect);
  EXPECT_EQ(e.fd_info.kind, Event::FdInfo::Kind::kIpv6);
  EXPECT_EQ(e.fd_info.sock_type, 1);
  EXPECT_EQ(e.fd_info.protocol, 6);
  EXPECT_EQ(e.fd_info.local_port, 50000);
  EXPECT_EQ(e.fd_info.remote_port, 443);
  EXPECT_EQ(e.fd_info.local_addr, f.local_addr);
  EXPECT_EQ(e.fd_info.remote_addr, f.remote_addr);
  EXPECT_EQ(e.fd_info.fd, 5);
  EXPECT_TRUE(e.fd_info.peer_from_call);
  EXPECT_EQ(e.syscall_strings[0], "/run/x.sock");
}

TEST_F(CaptureTest, TruncatedCaptureIsRejected) {
  {
    auto writer = CaptureWriter::Create(path_);
    ASSERT_TRUE(writer);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*writer)->Write(SampleOpen()));
    ASSERT_TRUE((*writer)->Finish());
  }
  const std::string bytes = ReadAll();
  int records = 0;
  ASSERT_EQ(ReadUntilEnd(&records), "");
  EXPECT_EQ(records, 10);

  WriteAll(bytes.substr(0, bytes.size() / 2));  // cut inside a record
  EXPECT_THAT(ReadUntilEnd(), testing::HasSubstr("truncated"));

  // Cut exactly before the end marker (12-byte head + 8-byte count): a killed writer.
  WriteAll(bytes.substr(0, bytes.size() - 20));
  std::string error = ReadUntilEnd();
  EXPECT_THAT(error, testing::HasSubstr("truncated"));
  EXPECT_THAT(error, testing::HasSubstr("without its end marker"));

  WriteAll(bytes.substr(0, 10));  // cut inside the header
  EXPECT_THAT(ReadUntilEnd(), testing::HasSubstr("truncated capture header"));
}

TEST_F(CaptureTest, CorruptRecordIsRejected) {
  {
    auto writer = CaptureWriter::Create(path_);
    ASSERT_TRUE(writer);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*writer)->Write(SampleOpen()));
    ASSERT_TRUE((*writer)->Finish());
  }
  std::string bytes = ReadAll();
  bytes[16 + 12 + 20] ^= 0x5a;  // a payload byte of the first record
  WriteAll(bytes);
  std::string error = ReadUntilEnd();
  EXPECT_THAT(error, testing::HasSubstr("corrupt"));
  EXPECT_THAT(error, testing::HasSubstr("record 1"));
}

TEST_F(CaptureTest, ForeignFileIsRejected) {
  WriteAll("GIF89a this is not a capture at all, just some bytes");
  EXPECT_THAT(ReadUntilEnd(), testing::HasSubstr("not a vigil capture"));
  WriteAll("");
  EXPECT_THAT(ReadUntilEnd(), testing::HasSubstr("not a vigil capture"));
}

TEST_F(CaptureTest, OtherVersionIsRejected) {
  std::string bytes = "VIGILCAP";
  uint32_t header[2] = {99, 0};
  bytes.append(reinterpret_cast<const char*>(header), sizeof(header));
  WriteAll(bytes);
  EXPECT_THAT(ReadUntilEnd(), testing::HasSubstr("version 99 is not supported"));
}

TEST(CaptureCodecTest, RejectsHostileEventPayloads) {
  Event e;
  Event exec;
  exec.type = EventType::kExecve;
  exec.args = {"a", "b"};
  std::string payload = EncodeEvent(exec);
  ASSERT_TRUE(DecodeEvent(payload, e));
  // Every prefix is too short; none may crash or succeed.
  for (std::size_t n = 0; n < payload.size(); ++n) {
    EXPECT_FALSE(DecodeEvent(std::string_view(payload).substr(0, n), e)) << n;
  }
  EXPECT_FALSE(DecodeEvent(payload + "x", e));
  std::string bad_type = payload;
  bad_type[0] = 0x7f;
  bad_type[1] = 0x7f;
  EXPECT_FALSE(DecodeEvent(bad_type, e));
}

}  // namespace
}  // namespace vigil
