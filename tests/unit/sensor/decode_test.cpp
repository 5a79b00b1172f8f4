#include "sensor/decode.h"

#include <linux/types.h>

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include "shared/events.h"
}

namespace vigil::sensor {
namespace {

template <class Fixed>
std::vector<uint8_t> Record(Fixed fixed, const std::string& tail) {
  std::vector<uint8_t> bytes(sizeof(Fixed) + tail.size());
  fixed.hdr.size = static_cast<uint32_t>(bytes.size());
  std::memcpy(bytes.data(), &fixed, sizeof(Fixed));
  std::memcpy(bytes.data() + sizeof(Fixed), tail.data(), tail.size());
  return bytes;
}

vigil_header Header(uint16_t type) {
  vigil_header h{};
  h.type = type;
  h.abi_version = VIGIL_ABI_VERSION;
  h.ts_boot_ns = 1000;
  h.pid = 42;
  h.tid = 43;
  h.ppid = 1;
  h.uid = 0;
  h.loginuid = 0xffffffff;
  h.cgroup_id = 77;
  std::strcpy(h.comm, "cat");
  return h;
}

TEST(DecodeTest, ComponentsToPath) {
  std::string out;
  ComponentsToPath(std::string_view("shadow\0etc\0", 11), out);
  EXPECT_EQ(out, "/etc/shadow");
  ComponentsToPath("", out);
  EXPECT_EQ(out, "/");
  ComponentsToPath(std::string_view("x\0", 2), out);
  EXPECT_EQ(out, "/x");
}

TEST(DecodeTest, Open) {
  vigil_open o{};
  o.hdr = Header(VIGIL_EV_OPEN);
  o.ret = 3;
  o.flags = 0;
  o.dirfd = -100;
  o.syscall = VIGIL_SYS_OPENAT;
  o.file_mode = 0100644;
  std::string raw("../etc/shadow\0", 14);
  std::string path("shadow\0etc\0", 11);
  o.raw_len = static_cast<uint16_t>(raw.size());
  o.path_len = static_cast<uint16_t>(path.size());
  o.path_flags = VIGIL_PATH_RESOLVED;
  auto bytes = Record(o, raw + path);
  Event e;
  ASSERT_TRUE(DecodeRecord(bytes, 5000, e));
  EXPECT_EQ(e.type, EventType::kOpenat);
  EXPECT_EQ(e.ts_ns, 6000u);
  EXPECT_EQ(e.pid, 42u);
  EXPECT_EQ(e.comm, "cat");
  EXPECT_EQ(e.path_raw, "../etc/shadow");
  EXPECT_EQ(e.path, "/etc/shadow");
  EXPECT_EQ(e.ret, 3);
  EXPECT_EQ(e.cgroup_id, 77u);
}

TEST(DecodeTest, FailedOpenHasNoResolvedPath) {
  vigil_open o{};
  o.hdr = Header(VIGIL_EV_OPEN);
  o.ret = -2;
  o.syscall = VIGIL_SYS_OPEN;
  std::string raw("/nope\0", 6);
  o.raw_len = 6;
  auto bytes = Record(o, raw);
  Event e;
  ASSERT_TRUE(DecodeRecord(bytes, 0, e));
  EXPECT_EQ(e.type, EventType::kOpen);
  EXPECT_EQ(e.path, "");
  EXPECT_EQ(e.path_raw, "/nope");
}

TEST(DecodeTest, Exec) {
  vigil_exec x{};
  x.hdr = Header(VIGIL_EV_EXEC);
  std::string exe("busybox\0bin\0", 12);
  std::string args("cat\0/etc/shadow\0", 16);
  std::string cwd("etc\0", 4);
  std::string cgroup("9f54eda270f4\0docker\0", 20);
  std::string filename("/bin/cat\0", 9);
  x.exe_len = 12;
  x.args_len = 16;
  x.cwd_len = 4;
  x.cgroup_len = 20;
  x.filename_len = 9;
  x.tty = 34816;
  x.vpid = 1;
  x.cap_effective = (1ull << 21) | 1;  // CAP_SYS_ADMIN, CAP_CHOWN
  x.exe_flags = VIGIL_EXE_UPPER_LAYER | VIGIL_EXE_WRITABLE | VIGIL_EXE_PGID_LEADER;
  x.sid = 4242;
  x.exe_mtime_ns = 1700000000000000001ull;
  x.exe_ctime_ns = 1700000000000000002ull;
  std::string env("PATH=/bin\0HOME=/root\0", 21);
  x.env_len = static_cast<uint16_t>(env.size());
  auto bytes = Record(x, exe + args + cwd + cgroup + filename + env);
  Event e;
  ASSERT_TRUE(DecodeRecord(bytes, 0, e));
  EXPECT_EQ(e.type, EventType::kExecve);
  EXPECT_EQ(e.exe_path, "/bin/busybox");
  EXPECT_EQ(e.args, (std::vector<std::string>{"cat", "/etc/shadow"}));
  EXPECT_EQ(e.cwd, "/etc");
  EXPECT_EQ(e.cgroup_path, "/docker/9f54eda270f4");
  EXPECT_EQ(e.exe_filename, "/bin/cat");
  EXPECT_EQ(e.tty, 34816u);
  EXPECT_EQ(e.vpid, 1u);
  EXPECT_EQ(e.cap_effective, (1ull << 21) | 1);
  EXPECT_TRUE(e.caps_known);
  EXPECT_TRUE(e.exe_facts_known);
  EXPECT_TRUE(e.exe_upper_layer);
  EXPECT_FALSE(e.exe_from_memfd);
  EXPECT_TRUE(e.exe_writable);
  EXPECT_TRUE(e.pgid_known);
  EXPECT_TRUE(e.pgid_leader);
  EXPECT_EQ(e.sid, 4242u);
  EXPECT_EQ(e.exe_mtime_ns, 1700000000000000001ull);
  EXPECT_EQ(e.exe_ctime_ns, 1700000000000000002ull);
  EXPECT_EQ(e.env, (std::vector<std::string>{"PATH=/bin", "HOME=/root"}));
}

TEST(DecodeTest, Syscall) {
  vigil_syscall x{};
  x.hdr = Header(VIGIL_EV_SYSCALL);
  x.ret = 0;
  x.syscall = VIGIL_SC_RENAME;
  x.args[0] = 0x1000;
  x.args[1] = 0x2000;
  x.cap_effective = 1ull << 21;
  std::string old_path("a\0", 2), new_path("/tmp/b\0", 7);
  x.str_len[0] = 2;
  x.str_len[1] = 7;
  x.str_arg[0] = 0;
  x.str_arg[1] = 1;
  x.str_arg[2] = VIGIL_SC_NO_STRING;
  auto bytes = Record(x, old_path + new_path);
  Event e;
  ASSERT_TRUE(DecodeRecord(bytes, 0, e));
  EXPECT_EQ(e.type, EventType::kRename);
  EXPECT_EQ(e.syscall_strings[0], "a");
  EXPECT_EQ(e.syscall_strings[1], "/tmp/b");
  EXPECT_EQ(e.syscall_string_arg[1], 1);
  EXPECT_EQ(e.syscall_string_arg[2], -1);
  EXPECT_EQ(e.syscall_args[1], 0x2000u);
  EXPECT_EQ(e.cap_effective, 1ull << 21);
  x.syscall = 999;
  EXPECT_FALSE(DecodeRecord(Record(x, old_path + new_path), 0, e));
  x.syscall = VIGIL_SC_RENAME;
  x.str_len[1] = 700;  // longer than the record
  EXPECT_FALSE(DecodeRecord(Record(x, old_path + new_path), 0, e));
}

TEST(DecodeTest, ExecThroughExecveatIsAnExecveatEvent) {
  vigil_exec x{};
  x.hdr = Header(VIGIL_EV_EXEC);
  x.exe_flags = VIGIL_EXE_VIA_EXECVEAT | VIGIL_EXE_MEMFD;
  Event e;
  ASSERT_TRUE(DecodeRecord(Record(x, ""), 0, e));
  EXPECT_EQ(e.type, EventType::kExecveat);
  EXPECT_TRUE(e.exe_from_memfd);
  EXPECT_EQ(e.ret, 0);
}

TEST(DecodeTest, FailedExecsNameWhatTheyTriedToRun) {
  vigil_syscall x{};
  x.hdr = Header(VIGIL_EV_SYSCALL);
  x.ret = -2;  // ENOENT
  x.syscall = VIGIL_SC_EXECVE;
  std::string filename("/no/such/program\0", 17);
  x.str_len[0] = 17;
  x.str_arg[0] = 0;
  x.str_arg[1] = x.str_arg[2] = VIGIL_SC_NO_STRING;
  Event e;
  ASSERT_TRUE(DecodeRecord(Record(x, filename), 0, e));
  EXPECT_EQ(e.type, EventType::kExecve);
  EXPECT_EQ(e.ret, -2);
  EXPECT_EQ(e.exe_filename, "/no/such/program");
  EXPECT_TRUE(e.args.empty());

  x.syscall = VIGIL_SC_EXECVEAT;
  x.str_arg[0] = 1;  // execveat's pathname is its second argument
  ASSERT_TRUE(DecodeRecord(Record(x, filename), 0, e));
  EXPECT_EQ(e.type, EventType::kExecveat);
  EXPECT_EQ(e.exe_filename, "/no/such/program");
}

TEST(DecodeTest, SocketCallCarriesTheDescriptorFromTheKernel) {
  vigil_syscall x{};
  x.hdr = Header(VIGIL_EV_SYSCALL);
  x.syscall = VIGIL_SC_CONNECT;
  x.ret = -115;  // EINPROGRESS
  x.args[0] = 4;
  x.fd_arg = 0;
  x.fd.kind = VIGIL_FD_IPV4;
  x.fd.sock_type = 1;
  x.fd.protocol = 6;
  x.fd.local_port = 43210;
  x.fd.remote_port = 6443;
  const uint8_t local[4] = {172, 17, 0, 2}, remote[4] = {10, 96, 0, 1};
  std::memcpy(x.fd.local_addr, local, 4);
  std::memcpy(x.fd.remote_addr, remote, 4);
  x.str_arg[0] = x.str_arg[1] = x.str_arg[2] = VIGIL_SC_NO_STRING;
  Event e;
  ASSERT_TRUE(DecodeRecord(Record(x, ""), 0, e));
  EXPECT_EQ(e.type, EventType::kConnect);
  EXPECT_EQ(e.fd_info.kind, Event::FdInfo::Kind::kIpv4);
  EXPECT_EQ(e.fd_info.fd, 4);
  EXPECT_EQ(e.fd_info.remote_port, 6443);
  EXPECT_EQ(e.fd_info.local_addr[0], 172);
  EXPECT_EQ(e.fd_info.remote_addr[3], 1);
  EXPECT_FALSE(e.fd_info.peer_from_call);
  x.fd.flags = VIGIL_FD_PEER_FROM_CALL;
  e.Reset();
  ASSERT_TRUE(DecodeRecord(Record(x, ""), 0, e));
  EXPECT_TRUE(e.fd_info.peer_from_call);
  // accept: the descriptor is the result.
  x.syscall = VIGIL_SC_ACCEPT4;
  x.fd_arg = VIGIL_FD_ARG_RET;
  x.ret = 9;
  e.Reset();
  ASSERT_TRUE(DecodeRecord(Record(x, ""), 0, e));
  EXPECT_EQ(e.fd_info.fd, 9);
  // No descriptor, or an unknown kind: nothing claimed.
  x.fd_arg = VIGIL_SC_NO_STRING;
  e.Reset();
  ASSERT_TRUE(DecodeRecord(Record(x, ""), 0, e));
  EXPECT_EQ(e.fd_info.kind, Event::FdInfo::Kind::kNone);
  x.fd_arg = 0;
  x.fd.kind = 200;
  e.Reset();
  ASSERT_TRUE(DecodeRecord(Record(x, ""), 0, e));
  EXPECT_EQ(e.fd_info.kind, Event::FdInfo::Kind::kNone);
}

TEST(DecodeTest, DataBuffersFollowTheStrings) {
  vigil_syscall x{};
  x.hdr = Header(VIGIL_EV_SYSCALL);
  x.syscall = VIGIL_SC_RECVFROM;
  x.ret = 6;
  x.fd_arg = VIGIL_SC_NO_STRING;
  x.str_arg[0] = x.str_arg[1] = x.str_arg[2] = VIGIL_SC_NO_STRING;
  const std::string data("\xca\xfe\xba\xbe\x00\x01", 6);
  x.buffer_len = 6;
  Event e;
  ASSERT_TRUE(DecodeRecord(Record(x, data), 0, e));
  EXPECT_EQ(e.type, EventType::kRecvfrom);
  EXPECT_EQ(e.buffer, data);
  x.buffer_len = 7;  // more than the record holds
  e.Reset();
  EXPECT_FALSE(DecodeRecord(Record(x, data), 0, e));
}

TEST(DecodeTest, DualStackSocketsCarryingIpv4AreIpv4) {
  Event::FdInfo f;
  f.kind = Event::FdInfo::Kind::kIpv6;
  f.local_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  f.remote_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 9};
  UnmapIpv4(f);
  EXPECT_EQ(f.kind, Event::FdInfo::Kind::kIpv4);
  EXPECT_EQ(f.local_addr, (std::array<uint8_t, 16>{127, 0, 0, 1}));
  EXPECT_EQ(f.remote_addr, (std::array<uint8_t, 16>{10, 0, 0, 9}));
  // Bound to :: and talking to a mapped peer: IPv4 too.
  f.kind = Event::FdInfo::Kind::kIpv6;
  f.local_addr = {};
  f.remote_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 9};
  UnmapIpv4(f);
  EXPECT_EQ(f.kind, Event::FdInfo::Kind::kIpv4);
  // Real IPv6, and a listening socket on ::, stay IPv6.
  f.kind = Event::FdInfo::Kind::kIpv6;
  f.local_addr = {0x20, 0x01, 0x0d, 0xb8};
  f.remote_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 9};
  UnmapIpv4(f);
  EXPECT_EQ(f.kind, Event::FdInfo::Kind::kIpv6);
  f.local_addr = {};
  f.remote_addr = {};
  UnmapIpv4(f);
  EXPECT_EQ(f.kind, Event::FdInfo::Kind::kIpv6);
}

TEST(DecodeTest, RejectsInconsistentRecords) {
  Event e;
  std::vector<uint8_t> tiny(8, 0);
  EXPECT_FALSE(DecodeRecord(tiny, 0, e));
  vigil_exec x{};
  x.hdr = Header(VIGIL_EV_EXEC);
  x.args_len = 4000;  // more than the record holds
  auto bytes = Record(x, "abc");
  EXPECT_FALSE(DecodeRecord(bytes, 0, e));
  vigil_exit y{};
  y.hdr = Header(99);
  EXPECT_FALSE(DecodeRecord(Record(y, ""), 0, e));
  y.hdr = Header(VIGIL_EV_EXIT);
  y.hdr.abi_version = 12;
  EXPECT_FALSE(DecodeRecord(Record(y, ""), 0, e));
  vigil_open o{};
  o.hdr = Header(VIGIL_EV_OPEN);
  o.syscall = 77;
  EXPECT_FALSE(DecodeRecord(Record(o, ""), 0, e));
}

}  // namespace
}  // namespace vigil::sensor
