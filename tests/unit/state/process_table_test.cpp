#include "state/process_table.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

namespace vigil {
namespace {

const std::string kId = "e8904b80c9591111111111111111111111111111111111111111111111111111";

Event Exec(uint32_t pid, uint32_t ppid, std::string comm, std::vector<std::string> args,
           std::string cgroup = "") {
  Event e;
  e.type = EventType::kExecve;
  e.pid = e.tid = pid;
  e.ppid = ppid;
  e.comm = std::move(comm);
  e.args = std::move(args);
  e.exe_path = "/bin/busybox";
  e.cwd = "/root";
  e.cgroup_id = cgroup.empty() ? 1 : 2;
  e.cgroup_path = std::move(cgroup);
  return e;
}

TEST(ProcessTableTest, TheEnvironmentIsKeptOnlyWhenAsked) {
  ProcessTable table;
  Event e = Exec(10, 1, "cat", {"cat"});
  e.env = {"HOME=/root", "HTTP_PROXY=http://x"};
  EXPECT_EQ(table.Apply(e)->env_block, std::string("HOME=/root\0HTTP_PROXY=http://x\0", 31));
  table.set_keep_env(false);  // no loaded rule reads proc.env
  Event again = Exec(10, 1, "cat", {"cat"});
  again.env = e.env;
  EXPECT_EQ(table.Apply(again)->env_block, "");
}

TEST(ProcessTableTest, ExecDefinesTheProcess) {
  ProcessTable table;
  Event e = Exec(10, 1, "cat", {"cat", "/etc/shadow"});
  const Process* p = table.Apply(e);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->comm, "cat");
  EXPECT_EQ(p->exe, "cat");
  EXPECT_EQ(p->exepath, "/bin/busybox");
  EXPECT_EQ(p->cmdline, "cat /etc/shadow");
  EXPECT_EQ(p->args_joined, "/etc/shadow");
  EXPECT_EQ(p->cwd, "/root");
  EXPECT_EQ(p->container_id, "host");
}

TEST(ProcessTableTest, ContainerFromTheExecCgroup) {
  ProcessTable table;
  Event e = Exec(10, 1, "cat", {"cat"}, "/docker/" + kId);
  EXPECT_EQ(table.Apply(e)->container_id, "e8904b80c959");
  // A later event carrying only the cgroup id resolves through what the exec taught.
  Event open;
  open.type = EventType::kOpenat;
  open.pid = 11;
  open.ppid = 10;
  open.cgroup_id = e.cgroup_id;
  EXPECT_EQ(table.Apply(open)->container_id, "e8904b80c959");
}

TEST(ProcessTableTest, FailedExecKeepsTheImageAndTheContainer) {
  ProcessTable table;
  Event e = Exec(10, 1, "sh", {"sh", "-c", "x"}, "/docker/" + kId);
  table.Apply(e);
  Event failed;  // a syscall record: no cgroup path, no image
  failed.type = EventType::kExecve;
  failed.pid = failed.tid = 10;
  failed.ppid = 1;
  failed.cgroup_id = e.cgroup_id;
  failed.ret = -2;
  failed.exe_filename = "/usr/local/bin/x";
  const Process* p = table.Apply(failed);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->container_id, "e8904b80c959");
  EXPECT_EQ(p->cmdline, "sh -c x");
  EXPECT_EQ(p->exepath, "/bin/busybox");
}

// A process whose exit record was lost is found gone and then forgotten like any other.
TEST(ProcessTableTest, VanishedProcessesAreReapedThenSwept) {
  ProcessTable table;
  Event a = Exec(10, 1, "a", {"a"});
  Event b = Exec(11, 1, "b", {"b"});
  table.Apply(a);
  table.Apply(b);
  EXPECT_EQ(table.ReapVanished(100, [](uint32_t pid) { return pid != 11; }), 1u);
  EXPECT_FALSE(table.Find(10)->exited);
  EXPECT_TRUE(table.Find(11)->exited);
  EXPECT_EQ(table.ReapVanished(200, [](uint32_t) { return false; }), 1u);  // only 10 is new
  EXPECT_EQ(table.Sweep(100 + ProcessTable::kExitedRetentionNs + 1), 1u);
  EXPECT_EQ(table.Find(11), nullptr);
  ASSERT_NE(table.Find(10), nullptr);
}

// fd.name_changed as Falco: a datagram socket's first peer and each new one change its name.
TEST(ProcessTableTest, DatagramPeersChangeTheSocketName) {
  ProcessTable table;
  Event exec = Exec(10, 1, "dig", {"dig"});
  table.Apply(exec);
  auto call = [&](EventType type, int64_t fd, uint8_t last_octet, uint16_t port,
                  uint8_t sock_type = SOCK_DGRAM) {
    Event e;
    e.type = type;
    e.pid = e.tid = 10;
    e.ppid = 1;
    e.cgroup_id = exec.cgroup_id;
    e.ret = type == EventType::kSocket ? fd : 32;
    e.fd_info.kind = Event::FdInfo::Kind::kIpv4;
    e.fd_info.sock_type = sock_type;
    e.fd_info.fd = fd;
    if (port) {
      e.fd_info.remote_addr = {10, 0, 0, last_octet};
      e.fd_info.remote_port = port;
      e.fd_info.peer_from_call = true;
    }
    table.Apply(e);
    return e.fd_name_changed;
  };
  EXPECT_FALSE(call(EventType::kSocket, 5, 0, 0));
  EXPECT_TRUE(call(EventType::kSendto, 5, 1, 53));    // the first peer
  EXPECT_FALSE(call(EventType::kSendto, 5, 1, 53));   // the same one
  EXPECT_TRUE(call(EventType::kSendmsg, 5, 2, 53));   // another address
  EXPECT_TRUE(call(EventType::kSendto, 5, 2, 5353));  // another port
  EXPECT_TRUE(call(EventType::kSendto, 6, 2, 5353));  // another socket: its own first peer
  EXPECT_FALSE(call(EventType::kSocket, 5, 0, 0));    // the number reused: no peer yet
  EXPECT_TRUE(call(EventType::kSendto, 5, 2, 5353));
  EXPECT_FALSE(call(EventType::kConnect, 7, 3, 53));  // connect names it, changes nothing
  EXPECT_FALSE(call(EventType::kSendto, 7, 3, 53));
  EXPECT_FALSE(call(EventType::kSendto, 8, 4, 443, SOCK_STREAM));  // TCP: never
}

TEST(ProcessTableTest, AncestryThroughForkAndExec) {
  ProcessTable table;
  Event init = Exec(1, 0, "systemd", {"/sbin/init"});
  table.Apply(init);
  Event shell = Exec(100, 1, "bash", {"bash"});
  table.Apply(shell);
  Event fork;
  fork.type = EventType::kClone;
  fork.pid = fork.tid = 200;
  fork.ppid = 100;
  fork.comm = "bash";
  const Process* child = table.Apply(fork);
  EXPECT_EQ(child->cmdline, "bash");  // a fork starts as a copy of its parent
  Event exec = Exec(200, 100, "cat", {"cat", "x"});
  const Process* cat = table.Apply(exec);
  ASSERT_NE(table.Ancestor(*cat, 1), nullptr);
  EXPECT_EQ(table.Ancestor(*cat, 0)->comm, "cat");
  EXPECT_EQ(table.Ancestor(*cat, 1)->comm, "bash");
  EXPECT_EQ(table.Ancestor(*cat, 2)->comm, "systemd");
  EXPECT_EQ(table.Ancestor(*cat, 3), nullptr);
}

TEST(ProcessTableTest, ExitedProcessesAreSweptAfterRetention) {
  ProcessTable table;
  Event e = Exec(10, 1, "cat", {"cat"});
  e.ts_ns = 1'000;
  table.Apply(e);
  Event exit;
  exit.type = EventType::kProcExit;
  exit.pid = 10;
  exit.ppid = 1;
  exit.ts_ns = 2'000;
  table.Apply(exit);
  table.Sweep(2'000 + ProcessTable::kExitedRetentionNs / 2);
  EXPECT_NE(table.Find(10), nullptr);  // still there for its children's late events
  table.Sweep(2'000 + ProcessTable::kExitedRetentionNs + 1);
  EXPECT_EQ(table.Find(10), nullptr);
}

TEST(ProcessTableTest, FailedOpenResolvedAgainstCwd) {
  ProcessTable table;
  Event e = Exec(10, 1, "cat", {"cat"});
  e.cwd = "/etc";
  table.Apply(e);
  Event open;
  open.type = EventType::kOpenat;
  open.pid = 10;
  open.ppid = 1;
  open.ret = -2;
  open.dirfd = AT_FDCWD;
  open.path_raw = "../etc/./shadow";
  table.Apply(open);
  EXPECT_EQ(open.path, "/etc/shadow");
}

}  // namespace
}  // namespace vigil
