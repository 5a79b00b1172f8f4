#include "baseline/seccomp.h"

#include <seccomp.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace vigil::baseline {

std::optional<std::string> SyscallName(int number) {
  if (number < 0) return std::nullopt;
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, number);
  if (name == nullptr) return std::nullopt;
  std::string result(name);
  std::free(name);  // libseccomp allocates the name
  return result;
}

std::optional<int> SyscallNumber(std::string_view name) {
  if (name.empty()) return std::nullopt;
  const int number = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, std::string(name).c_str());
  // __NR_SCMP_ERROR for unknown names; negative pseudo-numbers for syscalls x86_64 lacks.
  if (number < 0) return std::nullopt;
  return number;
}

// runc (and crun) install the filter in the container's init process and then, before
// execve, still run code of their own: with no-new-privileges off (Docker's default) the filter
// goes in before finalizeNamespace (closing inherited fds, dropping capabilities, switching
// user, chdir) and the write to the exec fifo; the Go runtime's threads keep running
// meanwhile. After execve, every program's start (the dynamic loader, libc's init) makes a
// few calls of its own that learning may not have recorded. Kept as small as the container
// starting allows: no unshare, mount, setns, socket, clone or ptrace here. Measured with runc
// 1.1.5 under Docker 20.10 (tests/integration/test_baseline_seccomp.py): removing any of
// fstatfs, getdents64, getcwd, chdir, setuid, setgid, setgroups, capget, capset, prctl, read,
// fstat, newfstatat or futex stops the container from starting.
const std::vector<std::string>& RuntimeSyscalls() {
  static const std::vector<std::string> kSyscalls = {
      // runc init after the filter: finalizeNamespace and the exec fifo.
      "openat",        // /proc/self/fd (to close inherited fds), the exec fifo via /proc/self/fd/N
      "getdents64",    // reading /proc/self/fd
      "fstatfs",       // checking that /proc/self/fd is on procfs before closing fds
      "fcntl",         // FD_CLOEXEC on inherited fds
      "close",         // fds it opened, and every fd closed from here to exit
      "newfstatat",    // Go's os.Open/stat of fds and paths
      "fstat",         // likewise on older Go and libc
      "write",         // the exec fifo ("0"), logs to its parent's pipe
      "read",          // the sync pipe with the runc parent
      "capget",        // reading the current capability sets
      "capset",        // applying the container's capability sets
      "prctl",         // PR_SET_KEEPCAPS, PR_CAPBSET_DROP, ambient caps, PR_SET_NO_NEW_PRIVS
      "setgroups",     // the container's supplementary groups
      "setgid",        // the container's gid (runc)
      "setuid",        // the container's uid (runc)
      "setresgid",     // the container's gid (crun)
      "setresuid",     // the container's uid (crun)
      "chdir",         // the container's working directory
      "getcwd",        // runc verifies the working directory is inside the container
      "getpid",        // Go runtime (signals to itself)
      "gettid",        // Go runtime (per-thread signals)
      "tgkill",        // Go runtime: asynchronous preemption signals between threads
      "futex",         // Go runtime: thread parking and wakeups
      "nanosleep",     // Go runtime: sysmon's sleeps
      "sched_yield",   // Go runtime: spinning locks
      "epoll_pwait",   // Go runtime: the netpoller (the fifo and pipes are pollable)
      "rt_sigaction",  // Go runtime: installing handlers
      "rt_sigprocmask",  // Go runtime and libc: signal masks around thread work
      "rt_sigreturn",    // returning from any signal handler
      "sigaltstack",     // Go runtime: per-thread signal stacks
      "mmap",            // Go's allocator; the loader mapping the program and its libraries
      "munmap",          // Go's allocator; the loader
      "madvise",         // Go's allocator returning memory
      "execve",          // runc exec'ing the entrypoint
      "exit",            // a thread ending
      "exit_group",      // the process ending
      // Every program's start after execve (ld.so and libc's initialisation).
      "brk",              // the heap
      "arch_prctl",       // TLS (ARCH_SET_FS)
      "mprotect",         // the loader's RELRO and segment protections
      "pread64",          // the loader reading ELF headers
      "access",           // the loader's /etc/ld.so.preload check
      "set_tid_address",  // libc's thread setup
      "set_robust_list",  // libc's thread setup
      "rseq",             // glibc 2.35+ registers restartable sequences
      "prlimit64",        // glibc reading the stack limit
      "getrandom",        // glibc's malloc and stack protector seeds
  };
  return kSyscalls;
}

Result<std::string> SeccompProfileJson(const Profile& profile) {
  if (profile.syscalls.empty()) {
    return Fail(
        "profile {} has learned no syscalls: a seccomp profile from it would allow only "
        "what the runtime needs and stop the container's own program",
        profile.key);
  }
  std::set<std::string> names;
  for (const std::string& name : profile.syscalls) {
    if (!SyscallNumber(name)) {
      return Fail("profile {}: '{}' is not an x86_64 syscall name", profile.key, name);
    }
    names.insert(name);
  }
  names.insert(RuntimeSyscalls().begin(), RuntimeSyscalls().end());
  nlohmann::ordered_json j;
  j["defaultAction"] = "SCMP_ACT_ERRNO";
  j["defaultErrnoRet"] = 1;  // EPERM
  j["architectures"] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  j["syscalls"] = nlohmann::ordered_json::array();
  j["syscalls"].push_back({{"names", names}, {"action", "SCMP_ACT_ALLOW"}});
  return j.dump(2) + "\n";
}

}  // namespace vigil::baseline
