/* The ABI between vigil's kernel programs and its sensor (src/sensor/decode.cpp).
 *
 * Every record in the ring buffer starts with struct vigil_header; `size` is the whole record.
 * Variable-length parts follow the fixed struct, in the order its *_len fields are listed.
 * Paths are sent as their components, leaf first, each NUL-terminated ("shadow\0etc\0" for
 * /etc/shadow): the kernel walks dentries upwards and user space reverses them.
 * Bump VIGIL_ABI_VERSION whenever a layout here changes. */
#ifndef VIGIL_BPF_SHARED_EVENTS_H
#define VIGIL_BPF_SHARED_EVENTS_H

#define VIGIL_ABI_VERSION 6
#define VIGIL_COMM_LEN 16
#define VIGIL_ARGS_MAX 4096     /* bytes of argv kept per exec */
#define VIGIL_PATH_BYTES 4096   /* bytes of path components kept per path */
#define VIGIL_RAW_PATH_MAX 1024 /* bytes of the path a program passed to open */
#define VIGIL_ENV_MAX 2048      /* bytes of the environment kept per exec */
#define VIGIL_BUFFER_MAX 256    /* bytes of a call's data kept at most (evt.buffer) */

/* Data calls whose records on TCP sockets no rule can match (vigil_drop_tcp_data bits). */
#define VIGIL_IPPROTO_TCP 6
#define VIGIL_TCP_SENDTO 0x1
#define VIGIL_TCP_SENDMSG 0x2
#define VIGIL_TCP_RECVFROM 0x4
#define VIGIL_TCP_RECVMSG 0x8

enum vigil_event_type {
  VIGIL_EV_EXEC = 1, /* a process image was replaced (sched_process_exec) */
  VIGIL_EV_FORK = 2, /* a new process (not a thread) was created */
  VIGIL_EV_EXIT = 3, /* the last thread of a process exited */
  VIGIL_EV_OPEN = 4, /* open, openat, openat2 or creat returned */
  VIGIL_EV_SYSCALL = 5, /* another traced syscall returned (struct vigil_syscall) */
  VIGIL_EV_MAX = 6,
};

/* The syscalls reported as VIGIL_EV_SYSCALL records. vigil's own numbering: stable across
 * architectures. */
enum vigil_syscall_id {
  VIGIL_SC_UNLINK = 1, VIGIL_SC_UNLINKAT, VIGIL_SC_RENAME, VIGIL_SC_RENAMEAT, VIGIL_SC_RENAMEAT2,
  VIGIL_SC_MKDIR, VIGIL_SC_MKDIRAT, VIGIL_SC_RMDIR, VIGIL_SC_SYMLINK, VIGIL_SC_SYMLINKAT,
  VIGIL_SC_LINK, VIGIL_SC_LINKAT, VIGIL_SC_CHMOD, VIGIL_SC_FCHMOD, VIGIL_SC_FCHMODAT,
  VIGIL_SC_CHOWN, VIGIL_SC_FCHOWN, VIGIL_SC_LCHOWN, VIGIL_SC_FCHOWNAT,
  VIGIL_SC_SETUID, VIGIL_SC_SETGID, VIGIL_SC_SETRESUID, VIGIL_SC_SETRESGID, VIGIL_SC_SETREUID,
  VIGIL_SC_SETREGID, VIGIL_SC_PTRACE, VIGIL_SC_MOUNT, VIGIL_SC_UMOUNT2, VIGIL_SC_INIT_MODULE,
  VIGIL_SC_FINIT_MODULE, VIGIL_SC_DELETE_MODULE, VIGIL_SC_MEMFD_CREATE, VIGIL_SC_DUP,
  VIGIL_SC_DUP2, VIGIL_SC_DUP3, VIGIL_SC_UNSHARE, VIGIL_SC_SETNS, VIGIL_SC_BPF,
  VIGIL_SC_USERFAULTFD, VIGIL_SC_KILL, VIGIL_SC_TKILL, VIGIL_SC_TGKILL, VIGIL_SC_CHDIR,
  VIGIL_SC_FCHDIR, VIGIL_SC_PRCTL, VIGIL_SC_CAPSET, VIGIL_SC_IO_URING_SETUP,
  VIGIL_SC_SOCKET, VIGIL_SC_CONNECT, VIGIL_SC_ACCEPT, VIGIL_SC_ACCEPT4, VIGIL_SC_BIND,
  VIGIL_SC_LISTEN, VIGIL_SC_SENDTO, VIGIL_SC_RECVFROM, VIGIL_SC_SENDMSG, VIGIL_SC_RECVMSG,
  VIGIL_SC_EXECVE, VIGIL_SC_EXECVEAT, /* failed only: a successful one is a VIGIL_EV_EXEC */
  VIGIL_SC_MAX,
};

#define VIGIL_SC_STRINGS 3
#define VIGIL_SC_NO_STRING 0xff

/* What a file descriptor refers to, read from the kernel's objects (not from what the program
 * passed): for sockets the addresses the kernel holds for them. */
enum vigil_fd_kind {
  VIGIL_FD_NONE = 0, VIGIL_FD_FILE, VIGIL_FD_DIRECTORY, VIGIL_FD_IPV4, VIGIL_FD_IPV6,
  VIGIL_FD_UNIX, VIGIL_FD_PIPE, VIGIL_FD_SOCKET_OTHER, VIGIL_FD_OTHER,
};

#define VIGIL_FD_ARG_RET 6 /* vigil_syscall.fd_arg: the descriptor is the return value */

struct vigil_fd_info {
  __u8 kind;       /* enum vigil_fd_kind */
  __u8 sock_type;  /* SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3, ... */
  __u16 protocol;  /* IPPROTO_TCP 6, IPPROTO_UDP 17, ... */
  __u16 local_port;   /* host order */
  __u16 remote_port;  /* host order */
  __u8 local_addr[16];  /* IPv4 in the first 4 bytes */
  __u8 remote_addr[16];
  __u8 flags;      /* VIGIL_FD_PEER_FROM_CALL */
  __u8 reserved;
};

/* The remote end was taken from the address the call passed (an unconnected socket's sendto,
 * a connect that failed before the kernel recorded its peer), not from the socket. */
#define VIGIL_FD_PEER_FROM_CALL 1

enum vigil_open_syscall {
  VIGIL_SYS_OPEN = 0,
  VIGIL_SYS_OPENAT = 1,
  VIGIL_SYS_OPENAT2 = 2,
  VIGIL_SYS_CREAT = 3,
};

/* Facts about an executed file. */
#define VIGIL_EXE_UPPER_LAYER 0x1 /* on an overlayfs upper (writable) layer */
#define VIGIL_EXE_MEMFD 0x2       /* an anonymous memory file (memfd_create) */
#define VIGIL_EXE_WRITABLE 0x8    /* writable by the user that runs it (see vigil_exe_writable) */
#define VIGIL_EXE_PGID_LEADER 0x10 /* the process leads its process group */
#define VIGIL_EXE_VIA_EXECVEAT 0x4 /* replaced by execveat with a directory descriptor */

/* Flags on a path: the walk stopped before the root (too deep or too long); the path was
 * read from a kernel object (an open that failed has none). */
#define VIGIL_PATH_TRUNCATED 0x1
#define VIGIL_PATH_RESOLVED 0x2
#define VIGIL_PATH_DETACHED 0x4 /* the file has no place in a tree (memfd, pipe): just its name */

struct vigil_header {
  __u16 type;
  __u16 abi_version;
  __u32 size;
  __u64 ts_boot_ns;   /* CLOCK_BOOTTIME */
  __u32 pid;          /* thread group id, initial pid namespace */
  __u32 tid;
  __u32 ppid;         /* real parent's thread group id */
  __u32 uid;
  __u32 gid;
  __u32 loginuid;     /* (u32)-1 when unset */
  __u64 cgroup_id;    /* kernfs id of the task's cgroup (default hierarchy) */
  char comm[VIGIL_COMM_LEN];
};

struct vigil_exec {
  struct vigil_header hdr;
  __u64 cap_effective;
  __u64 cap_permitted;
  __u32 vpid;         /* pid in the process's own pid namespace */
  __u32 exe_flags;    /* VIGIL_EXE_* */
  __u32 tty;          /* new_encode_dev(controlling tty), 0 when none */
  __u16 path_flags;   /* VIGIL_PATH_* for exe and cwd */
  __u16 exe_len;      /* components of the executed file (from the binprm's struct file) */
  __u16 args_len;     /* argv, NUL-separated, from the new mm */
  __u16 cwd_len;      /* components of the working directory */
  __u16 cgroup_len;   /* cgroup path components, leaf first */
  __u16 filename_len; /* the path exec was asked for (bprm->filename), NUL-terminated */
  __u16 env_len;      /* the environment, NUL-separated, from the new mm (truncated) */
  __u16 reserved[3];
  __u32 sid;          /* session id (the session leader's pid), initial pid namespace */
  __u32 reserved2;
  __u64 exe_mtime_ns; /* the executed file's inode: modification time, ns since the epoch */
  __u64 exe_ctime_ns; /* status-change time (0 for both when the inode has no times) */
};

struct vigil_fork {
  struct vigil_header hdr; /* the child: pid/tid are the child's, ppid the parent's */
  __u32 vpid;              /* the child's pid in its own pid namespace */
  __u16 cgroup_len;
  __u16 reserved;
};

struct vigil_exit {
  struct vigil_header hdr;
  __s32 exit_code;
  __u32 reserved;
};

struct vigil_open {
  struct vigil_header hdr;
  __s64 ret;          /* fd, or -errno */
  __u32 flags;        /* O_* as passed (openat2: open_how.flags) */
  __u32 mode;
  __s32 dirfd;
  __u16 syscall;      /* enum vigil_open_syscall */
  __u16 file_mode;    /* i_mode of the opened inode (S_IFMT bits), 0 on failure */
  __u16 raw_len;      /* the path the program passed, NUL-terminated */
  __u16 path_len;     /* components of the opened file, from its struct file; 0 on failure */
  __u16 path_flags;
  __u16 reserved;
};

/* Any other traced syscall, at its exit: the six raw arguments, up to three of them copied as
 * user strings (paths, names), and the task's capabilities after the call (identity syscalls
 * change them). For capset, args[2..4] hold the requested effective, permitted and inheritable
 * sets instead of the user pointers. */
struct vigil_syscall {
  struct vigil_header hdr;
  __s64 ret;
  __u64 args[6];
  __u64 cap_effective;
  __u64 cap_permitted;
  struct vigil_fd_info fd;            /* the descriptor the call is about, see fd_arg */
  __u16 syscall;                      /* enum vigil_syscall_id */
  __u16 str_len[VIGIL_SC_STRINGS];    /* NUL-terminated strings follow, in this order */
  __u8 str_arg[VIGIL_SC_STRINGS];     /* the argument each string came from, or 0xff */
  __u8 fd_arg;                        /* argument index of the descriptor, 6: the result, 0xff */
  __u8 reserved[2];
  __u16 buffer_len;                   /* data the call moved (recvfrom, sendto), after strings */
};

/* ---- the open filter (src/events/open_filter.h), filled by the sensor before attaching ---- */

#define VIGIL_FILTER_NAME_LEN 32 /* longer names are checked in user space only */
#define VIGIL_NAME_SIG_BITS 1024

/* A name's signature: its length and first and last bytes, folded to VIGIL_NAME_SIG_BITS. */
static inline __u32 vigil_name_sig(__u32 len, __u8 first, __u8 last) {
  return (len * 131u + first * 31u + last) & (VIGIL_NAME_SIG_BITS - 1);
}

/* A comm's signature: its 16 zero-padded bytes as two words, hashed to VIGIL_NAME_SIG_BITS. */
static inline __u32 vigil_comm_sig(__u64 w0, __u64 w1) {
  return (__u32)(((w0 * 0x9E3779B97F4A7C15ULL) ^ (w1 * 0xC2B2AE3D27D4EB4FULL)) >> 54) &
         (VIGIL_NAME_SIG_BITS - 1);
}

#define VIGIL_GATE_PARTS 4 /* name parts a "../" gate can hold */
#define VIGIL_GATE_NAME_MAX 64 /* longer names are taken to hold a gate part */

/* Trie nodes below this number have a bit in star_nodes. */
#define VIGIL_STAR_NODES 256

struct vigil_open_filter_config {
  __u32 enabled;   /* 0: every open passes */
  __u32 writes;    /* opens for writing, creating or truncating pass */
  __u32 failures;  /* failed opens pass */
  __u32 failed_writes; /* failed opens for writing, creating or truncating pass */
  __u32 dotdot;    /* opens whose path as passed contains "../" pass */
  __u32 comms;     /* the comm map has entries */
  __u32 leaves;    /* the name map has file names */
  __u32 parents;   /* the name map has directory names */
  __u32 prefixes;  /* the prefix trie has entries */
  __u32 dir_cache; /* remember each directory's prefix verdict (see vigil_dir_verdict) */
  /* Signatures of the names in the name map (see vigil_name_sig), one bit each: a name whose
   * bit is clear is not in the map, and the copy and lookup are skipped. */
  __u64 leaf_sig[VIGIL_NAME_SIG_BITS / 64];
  __u64 parent_sig[VIGIL_NAME_SIG_BITS / 64];
  __u64 comm_sig[VIGIL_NAME_SIG_BITS / 64];   /* see vigil_comm_sig */
  __u64 prefix_sig[VIGIL_NAME_SIG_BITS / 64]; /* names in the prefix trie, except "*" */
  /* Trie nodes whose one child is "*" (a "*" absorbs its siblings): for them only "*" is looked
   * up; for the others only an exact name. Nodes from VIGIL_STAR_NODES on try both. */
  __u64 star_nodes[VIGIL_STAR_NODES / 64];
  /* With dotdot 0: the "../" scan runs only for failed opens and for files at or below a gate
   * prefix (VIGIL_TRIE_GATE) or with a gate name part in their path. A name part is tested by
   * its first (up to) four bytes: a superset, never a miss. */
  __u32 dotdot_gated;
  __u32 gate_count;
  __u32 gate_words[VIGIL_GATE_PARTS];
  __u32 gate_masks[VIGIL_GATE_PARTS];
  /* Successful opens by tasks in a pid namespace of their own (containers) pass: what a
   * baseline learns. */
  __u32 containers;
  __u32 reserved;
};

/* Baselines: the syscalls the tasks of each container entered, as a bitmap per cgroup id
 * (map container_syscalls), indexed by the architecture's syscall number. */
#define VIGIL_SYSCALL_BITS 512
struct vigil_syscall_bitmap {
  __u64 words[VIGIL_SYSCALL_BITS / 64];
};

enum vigil_filter_name_kind {
  VIGIL_FILTER_LEAF = 1,   /* the opened file's own name */
  VIGIL_FILTER_PARENT = 2, /* the name of the directory holding it */
};

struct vigil_filter_name_key {
  __u32 kind;
  char name[VIGIL_FILTER_NAME_LEN];
};

/* A path-prefix trie: node 0 is the root; a child is found by (parent node, component name),
 * "*" standing for any one component. */
struct vigil_prefix_key {
  __u32 parent;
  char name[VIGIL_FILTER_NAME_LEN];
};

#define VIGIL_TRIE_PASS 1 /* a prefix ends here: every file below passes */
#define VIGIL_TRIE_GATE 2 /* a "../" gate prefix ends here: files below get the "../" scan */

struct vigil_prefix_node {
  __u32 node;
  __u32 terminal; /* VIGIL_TRIE_* */
};

#endif
