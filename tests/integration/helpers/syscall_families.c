/* Runs one program per syscall family inside a test container, so the integration test can
 * assert that vigil sees each call with its arguments (tests/integration/test_syscalls.py).
 * Static, so it runs in the busybox test image. Calls that the container's seccomp profile or
 * missing capabilities refuse still count: vigil reports failed calls too.
 *
 * usage: vigil-syscalls files|identity|process|mount|dup|net|exec */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int files(void) {
  mkdir("/tmp/fam", 0755);
  mkdirat(AT_FDCWD, "/tmp/fam/sub", 0700);
  int fd = open("/tmp/fam/a", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  close(fd);
  close(creat("/tmp/fam/c", 0600));
  fd = openat(AT_FDCWD, "/tmp/fam/a", O_RDONLY);
  close(fd);
  chmod("/tmp/fam/a", 04755);
  fd = open("/tmp/fam/a", O_RDONLY);
  fchmod(fd, 0600);
  fchown(fd, 0, 0);
  close(fd);
  fchmodat(AT_FDCWD, "/tmp/fam/a", 0644, 0);
  chown("/tmp/fam/a", 1, 1);
  lchown("/tmp/fam/a", 0, 0);
  fchownat(AT_FDCWD, "/tmp/fam/a", 0, 0, 0);
  symlink("/etc/passwd", "/tmp/fam/sym");
  symlinkat("/etc/passwd", AT_FDCWD, "/tmp/fam/sym2");
  link("/tmp/fam/a", "/tmp/fam/hard");
  linkat(AT_FDCWD, "/tmp/fam/a", AT_FDCWD, "/tmp/fam/hard2", 0);
  rename("/tmp/fam/hard", "/tmp/fam/renamed");
  renameat(AT_FDCWD, "/tmp/fam/hard2", AT_FDCWD, "/tmp/fam/renamed2");
  syscall(SYS_renameat2, AT_FDCWD, "/tmp/fam/renamed2", AT_FDCWD, "/tmp/fam/renamed3", 0);
  unlink("/tmp/fam/renamed");
  unlinkat(AT_FDCWD, "/tmp/fam/renamed3", 0);
  rmdir("/tmp/fam/sub");
  chdir("/tmp/fam");
  fd = open("/tmp", O_RDONLY | O_DIRECTORY);
  fchdir(fd);
  close(fd);
  return 0;
}

static int identity(void) {
  setgid(0);
  setuid(0);
  setresgid(0, 0, 0);
  setresuid(0, 0, 0);
  setregid(0, 0);
  setreuid(0, 0);
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof(data));
  syscall(SYS_capget, &header, data);
  data[0].effective &= ~(1u << CAP_NET_RAW);
  syscall(SYS_capset, &header, data);
  return 0;
}

static int process(void) {
  prctl(PR_SET_NAME, "fam-renamed", 0, 0, 0);
  kill(getpid(), 0);
  syscall(SYS_tkill, gettid(), 0);
  syscall(SYS_tgkill, getpid(), gettid(), 0);
  int mfd = memfd_create("fam-memfd", MFD_CLOEXEC);
  if (mfd >= 0) close(mfd);
  syscall(SYS_userfaultfd, 0);
  syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, NULL, 0);
  syscall(SYS_io_uring_setup, 4, NULL);
  unshare(CLONE_NEWUTS);
  int ns = open("/proc/self/ns/uts", O_RDONLY);
  setns(ns, CLONE_NEWUTS);
  close(ns);
  pid_t child = fork();
  if (child == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  return 0;
}

static int mounts(void) {
  mkdir("/tmp/fam-mnt", 0755);
  mount("tmpfs", "/tmp/fam-mnt", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m");
  umount2("/tmp/fam-mnt", 0);
  return 0;
}

static int dups(void) {
  int fd = open("/etc/passwd", O_RDONLY);
  int a = dup(fd);
  dup2(fd, 10);
  dup3(fd, 11, O_CLOEXEC);
  close(a);
  close(fd);
  return 0;
}

static int net(void) {
  int server = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(4455)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  bind(server, (struct sockaddr *)&addr, sizeof(addr));
  listen(server, 4);
  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  connect(client, (struct sockaddr *)&addr, sizeof(addr));
  int conn = accept4(server, NULL, NULL, SOCK_CLOEXEC);
  char buf[8] = "ping";
  sendto(client, buf, 4, 0, NULL, 0);
  recvfrom(conn, buf, sizeof(buf), 0, NULL, NULL);
  struct iovec iov = {buf, 4};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  sendmsg(conn, &msg, 0);
  recvmsg(client, &msg, 0);
  close(conn);
  close(client);
  close(server);
  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(4456)};
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(udp, buf, 4, 0, (struct sockaddr *)&peer, sizeof(peer));
  close(udp);
  return 0;
}

/* A failed execve (nothing there), then an execveat through a descriptor of /bin that replaces
 * this program with busybox's true. */
static int execs(void) {
  char *const argv[] = {"no-such-program", NULL};
  char *const envp[] = {"FAMILY=exec", NULL};
  execve("/no/such/program", argv, envp);
  char *const true_argv[] = {"true", NULL};
  int bin = open("/bin", O_PATH | O_DIRECTORY);
  syscall(SYS_execveat, bin, "true", true_argv, envp, 0);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s files|identity|process|mount|dup|net\n", argv[0]);
    return 2;
  }
  if (!strcmp(argv[1], "files")) return files();
  if (!strcmp(argv[1], "identity")) return identity();
  if (!strcmp(argv[1], "process")) return process();
  if (!strcmp(argv[1], "mount")) return mounts();
  if (!strcmp(argv[1], "dup")) return dups();
  if (!strcmp(argv[1], "net")) return net();
  if (!strcmp(argv[1], "exec")) return execs();
  fprintf(stderr, "unknown family %s\n", argv[1]);
  return 2;
}
