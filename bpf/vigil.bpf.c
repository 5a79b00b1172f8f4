// SPDX-License-Identifier: GPL-2.0
/* vigil's kernel side: process lifecycle (exec, fork, exit) from sched tracepoints and the open
 * family from per-syscall tracepoints. Records go to one ring buffer; layouts in shared/events.h.
 * The sensor attaches only the programs the loaded rules and state trackers need. */
#include "vigil_core.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* ---------------------------------------------------------------- baseline state
 * With baselines on (vigil_baseline, set before load), the tasks of exec sessions (`docker
 * exec`, health checks: a process entering a container's pid namespace from outside, other
 * than its init) carry a mark, inherited by what they fork: their syscalls are not the
 * image's own. */
const volatile __u32 vigil_baseline = 0;
/* Bytes of data kept from recvfrom and sendto (evt.buffer): 0 unless a rule reads it. */
const volatile __u32 vigil_buffer_bytes = 0;
/* VIGIL_TCP_*: data calls on TCP sockets no loaded rule can match, dropped here. */
const volatile __u32 vigil_drop_tcp_data = 0;

static __always_inline __u32 vigil_tcp_data_bit(__u16 id) {
  switch (id) {
    case VIGIL_SC_SENDTO: return VIGIL_TCP_SENDTO;
    case VIGIL_SC_SENDMSG: return VIGIL_TCP_SENDMSG;
    case VIGIL_SC_RECVFROM: return VIGIL_TCP_RECVFROM;
    case VIGIL_SC_RECVMSG: return VIGIL_TCP_RECVMSG;
  }
  return 0;
}

struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u8);
} exec_sessions SEC(".maps");

static __always_inline void vigil_mark_exec_session(struct task_struct *task, __u32 vpid) {
  unsigned int level = BPF_CORE_READ(task, thread_pid, level);
  if (level == 0 || vpid == 1) return;
  if (BPF_CORE_READ(task, real_parent, thread_pid, level) >= level) return;
  __u8 *mark = bpf_task_storage_get(&exec_sessions, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (mark) *mark = 1;
}

/* ---------------------------------------------------------------- process lifecycle */

#define VIGIL_OVERLAYFS_MAGIC 0x794c7630

/* The pid as the process's own pid namespace numbers it. */
static __always_inline __u32 vigil_vpid(struct task_struct *task) {
  struct pid *pid = BPF_CORE_READ(task, thread_pid);
  if (!pid) return 0;
  unsigned int level = BPF_CORE_READ(pid, level);
  struct upid upid = {};
  bpf_probe_read_kernel(&upid, sizeof(upid), &pid->numbers[level & 31]);
  return upid.nr;
}

#define VIGIL_MNT_READONLY 0x40 /* MNT_READONLY */
#define VIGIL_SB_RDONLY 0x1     /* SB_RDONLY */

/* Could the user running it write the executed file? Its mode bits against the task's fsuid
 * and fsgid (supplementary groups are not looked at), root always (CAP_DAC_OVERRIDE), never on
 * a read-only mount or file system. */
static __always_inline int vigil_exe_writable(struct file *file, const struct cred *cred) {
  struct inode *inode = BPF_CORE_READ(file, f_inode);
  if (BPF_CORE_READ(file, f_path.mnt, mnt_flags) & VIGIL_MNT_READONLY) return 0;
  if (BPF_CORE_READ(inode, i_sb, s_flags) & VIGIL_SB_RDONLY) return 0;
  __u32 fsuid = BPF_CORE_READ(cred, fsuid.val);
  if (fsuid == 0) return 1;
  __u16 mode = BPF_CORE_READ(inode, i_mode);
  if (BPF_CORE_READ(inode, i_uid.val) == fsuid) return (mode & 0200) != 0;
  if (BPF_CORE_READ(inode, i_gid.val) == BPF_CORE_READ(cred, fsgid.val)) return (mode & 0020) != 0;
  return (mode & 0002) != 0;
}

/* Where the executed file lives: an overlay's upper layer (written in the container), or an
 * anonymous memfd. */
static __always_inline __u32 vigil_exe_flags(struct file *file) {
  __u32 flags = 0;
  if (!file) return 0;
  struct inode *inode = BPF_CORE_READ(file, f_inode);
  if (BPF_CORE_READ(inode, i_sb, s_magic) == VIGIL_OVERLAYFS_MAGIC) {
    struct ovl_inode *ovl = container_of(inode, struct ovl_inode, vfs_inode);
    if (BPF_CORE_READ(ovl, __upperdentry)) flags |= VIGIL_EXE_UPPER_LAYER;
  }
  char name[8] = {};
  bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
  if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
      name[5] == ':') {
    flags |= VIGIL_EXE_MEMFD;
  }
  return flags;
}

/* The inode's times, whichever way this kernel keeps them: seconds and nanoseconds apart
 * (6.11+), or struct timespec64 named __i_mtime (6.6-6.10) or i_mtime (before). */
struct inode___times_timespec {
  struct timespec64 __i_mtime;
  struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

struct inode___times_old {
  struct timespec64 i_mtime;
  struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

static __always_inline void vigil_inode_times(struct inode *inode, __u64 *mtime, __u64 *ctime) {
  *mtime = *ctime = 0;
  if (!inode) return;
  if (bpf_core_field_exists(inode->i_mtime_sec)) {
    *mtime = BPF_CORE_READ(inode, i_mtime_sec) * 1000000000ULL + BPF_CORE_READ(inode, i_mtime_nsec);
    *ctime = BPF_CORE_READ(inode, i_ctime_sec) * 1000000000ULL + BPF_CORE_READ(inode, i_ctime_nsec);
    return;
  }
  struct inode___times_timespec *ts = (void *)inode;
  if (bpf_core_field_exists(ts->__i_mtime)) {
    *mtime = BPF_CORE_READ(ts, __i_mtime.tv_sec) * 1000000000ULL + BPF_CORE_READ(ts, __i_mtime.tv_nsec);
    *ctime = BPF_CORE_READ(ts, __i_ctime.tv_sec) * 1000000000ULL + BPF_CORE_READ(ts, __i_ctime.tv_nsec);
    return;
  }
  struct inode___times_old *old = (void *)inode;
  if (bpf_core_field_exists(old->i_mtime)) {
    *mtime = BPF_CORE_READ(old, i_mtime.tv_sec) * 1000000000ULL + BPF_CORE_READ(old, i_mtime.tv_nsec);
    *ctime = BPF_CORE_READ(old, i_ctime.tv_sec) * 1000000000ULL + BPF_CORE_READ(old, i_ctime.tv_nsec);
  }
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(vigil_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm) {
  struct vigil_scratch *scratch = vigil_get_scratch();
  if (!scratch) return 0;
  struct vigil_exec *ev = (struct vigil_exec *)scratch->data;
  vigil_fill_header(&ev->hdr, VIGIL_EV_EXEC, task);
  if (ev->hdr.pid == vigil_self_tgid) return 0;
  ev->tty = vigil_tty(task);
  ev->path_flags = 0;
  /* kernel_cap_t is a u64 since 6.3 and two u32s before: the same 8 bytes either way. */
  const struct cred *cred = task->cred;
  bpf_probe_read_kernel(&ev->cap_effective, sizeof(ev->cap_effective), &cred->cap_effective);
  bpf_probe_read_kernel(&ev->cap_permitted, sizeof(ev->cap_permitted), &cred->cap_permitted);
  ev->vpid = vigil_vpid(task);
  if (vigil_baseline) vigil_mark_exec_session(task, ev->vpid);
  struct file *exe_file = BPF_CORE_READ(bprm, file);
  ev->exe_flags = vigil_exe_flags(exe_file);
  if (exe_file && vigil_exe_writable(exe_file, cred)) ev->exe_flags |= VIGIL_EXE_WRITABLE;
  /* A process group leader: its process group is its own pid (the same struct pid). */
  if (BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID]) == BPF_CORE_READ(task, thread_pid))
    ev->exe_flags |= VIGIL_EXE_PGID_LEADER;
  /* execveat with a directory descriptor (fexecve, a memfd, runc's cloned binary) leaves the
   * "/dev/fd/N[/name]" path it built in bprm->fdpath. execveat(AT_FDCWD, path) leaves no
   * trace: it reads as execve. (The saved syscall number reads as execve by now, and an
   * entry program on execveat would make every syscall of the host take the sys_enter probe.) */
  if (BPF_CORE_READ(bprm, fdpath)) ev->exe_flags |= VIGIL_EXE_VIA_EXECVEAT;
  ev->reserved[0] = ev->reserved[1] = ev->reserved[2] = 0;
  ev->reserved2 = 0;
  /* The session: the struct pid of its leader, as the initial pid namespace numbers it. */
  ev->sid = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID], numbers[0].nr);
  vigil_inode_times(exe_file ? BPF_CORE_READ(exe_file, f_inode) : 0, &ev->exe_mtime_ns,
                    &ev->exe_ctime_ns);

  __u32 off = sizeof(*ev);
  struct path root;
  BPF_CORE_READ_INTO(&root, task, fs, root);

  /* The executed file, from the kernel's struct file: symlinks resolved, no user memory. */
  struct path exe_path;
  BPF_CORE_READ_INTO(&exe_path, bprm, file, f_path);
  __u32 n = vigil_write_path(off, &exe_path, &root, &ev->path_flags);
  ev->exe_len = n;
  off += n;

  /* argv from the new image's memory: it was just copied there by the kernel. */
  unsigned long arg_start = BPF_CORE_READ(task, mm, arg_start);
  unsigned long arg_end = BPF_CORE_READ(task, mm, arg_end);
  unsigned long args_len = arg_end - arg_start;
  if (args_len >= VIGIL_ARGS_MAX) args_len = VIGIL_ARGS_MAX - 1;
  ev->args_len = 0;
  if (args_len > 0 && bpf_probe_read_user(vigil_at(scratch, off),
                                          args_len & (VIGIL_ARGS_MAX - 1), (void *)arg_start) == 0) {
    ev->args_len = args_len;
    off += args_len;
  }

  struct path pwd;
  BPF_CORE_READ_INTO(&pwd, task, fs, pwd);
  n = vigil_write_path(off, &pwd, &root, &ev->path_flags);
  ev->cwd_len = n;
  off += n;

  n = vigil_write_cgroup(off, task);
  ev->cgroup_len = n;
  off += n;

  const char *filename = BPF_CORE_READ(bprm, filename);
  long fl = bpf_probe_read_kernel_str(vigil_at(scratch, off), VIGIL_NAME_MAX,
                                      filename);
  ev->filename_len = fl > 0 ? fl : 0;
  off += ev->filename_len;

  unsigned long env_start = BPF_CORE_READ(task, mm, env_start);
  unsigned long env_end = BPF_CORE_READ(task, mm, env_end);
  unsigned long env_len = env_end - env_start;
  if (env_len >= VIGIL_ENV_MAX) env_len = VIGIL_ENV_MAX - 1;
  ev->env_len = 0;
  if (env_len > 0 && bpf_probe_read_user(vigil_at(scratch, off), env_len & (VIGIL_ENV_MAX - 1),
                                         (void *)env_start) == 0) {
    ev->env_len = env_len;
    off += env_len;
  }

  vigil_submit(scratch, VIGIL_EV_EXEC, off);
  return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(vigil_fork, struct task_struct *parent, struct task_struct *child) {
  /* Threads and processes alike inherit an exec session's mark. */
  if (vigil_baseline && bpf_task_storage_get(&exec_sessions, parent, 0, 0)) {
    __u8 *mark = bpf_task_storage_get(&exec_sessions, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (mark) *mark = 1;
  }
  /* Threads share their process's state: only new thread groups matter. */
  if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid)) return 0;
  struct vigil_scratch *scratch = vigil_get_scratch();
  if (!scratch) return 0;
  struct vigil_fork *ev = (struct vigil_fork *)scratch->data;
  vigil_fill_header(&ev->hdr, VIGIL_EV_FORK, child);
  /* real_parent of a CLONE_PARENT child is not `parent`; the header already reads it. */
  if (BPF_CORE_READ(parent, tgid) == vigil_self_tgid) return 0;
  ev->vpid = vigil_vpid(child);
  ev->reserved = 0;
  __u32 off = sizeof(*ev);
  __u32 n = vigil_write_cgroup(off, child);
  ev->cgroup_len = n;
  off += n;
  vigil_submit(scratch, VIGIL_EV_FORK, off);
  return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(vigil_exit, struct task_struct *task) {
  /* signal->live is decremented before this tracepoint: 0 means the last thread is leaving. */
  if (BPF_CORE_READ(task, signal, live.counter) != 0) return 0;
  struct vigil_scratch *scratch = vigil_get_scratch();
  if (!scratch) return 0;
  struct vigil_exit *ev = (struct vigil_exit *)scratch->data;
  vigil_fill_header(&ev->hdr, VIGIL_EV_EXIT, task);
  if (ev->hdr.pid == vigil_self_tgid) return 0;
  ev->exit_code = BPF_CORE_READ(task, exit_code);
  ev->reserved = 0;
  vigil_submit(scratch, VIGIL_EV_EXIT, sizeof(*ev));
  return 0;
}

/* ---------------------------------------------------------------- open family */

/* Only the syscall-exit tracepoints are attached: the arguments are still in the task's saved
 * user registers when the syscall returns, so an entry program (and a map to carry the
 * arguments across) would only add cost. */
/* The saved registers are read with plain, fault-safe loads (see vigil_user_regs()). */
#if defined(__TARGET_ARCH_x86)
#define VIGIL_ARG0(regs) ((regs)->di)
#define VIGIL_ARG1(regs) ((regs)->si)
#define VIGIL_ARG2(regs) ((regs)->dx)
#define VIGIL_ARG3(regs) ((regs)->r10)
#define VIGIL_ARG4(regs) ((regs)->r8)
#define VIGIL_ARG5(regs) ((regs)->r9)
#elif defined(__TARGET_ARCH_arm64)
/* x0 holds the return value at exit; the first argument survives in orig_x0. */
#define VIGIL_ARG0(regs) ((regs)->orig_x0)
#define VIGIL_ARG1(regs) ((regs)->regs[1])
#define VIGIL_ARG2(regs) ((regs)->regs[2])
#define VIGIL_ARG3(regs) ((regs)->regs[3])
#define VIGIL_ARG4(regs) ((regs)->regs[4])
#define VIGIL_ARG5(regs) ((regs)->regs[5])
#else
#error "unsupported architecture"
#endif

struct open_args {
  __u64 filename; /* user pointer */
  __u32 flags;
  __u32 mode;
  __s32 dirfd;
  __u16 syscall;
};

/* ---------------------------------------------------------------- open filter
 * Which opens leave the kernel (src/events/open_filter.h, derived from the rules). Cheap tests
 * first (flags, result, program name, the file's own and its directory's names), then a scan of
 * the path as passed for "../", and only then the path walk and the prefix trie. */

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct vigil_open_filter_config);
} open_filter_config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, char[VIGIL_COMM_LEN]);
  __type(value, __u8);
} open_filter_comms SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, struct vigil_filter_name_key);
  __type(value, __u8);
} open_filter_names SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, struct vigil_prefix_key);
  __type(value, struct vigil_prefix_node);
} open_filter_prefixes SEC(".maps");

/* Opens the filter dropped, per CPU (reported by the sensor). */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} open_filtered SEC(".maps");

#define VIGIL_O_ACCMODE 03
#define VIGIL_O_CREAT 0100
#define VIGIL_O_TRUNC 01000

static __always_inline int vigil_sig_has(const __u64 *sig, __u32 bit) {
  return (sig[(bit / 64) & (VIGIL_NAME_SIG_BITS / 64 - 1)] >> (bit % 64)) & 1;
}

/* Is the name of `d` in the filter's set? `d` is an untrusted BTF pointer (bpf_rdonly_cast):
 * its fields and the name's bytes are read with plain, fault-safe loads, several times cheaper
 * than a helper call each. Most names are ruled out by their signature bit alone. */
static __always_inline int vigil_dentry_name_in(__u32 kind, const __u64 *sig, struct dentry *d) {
  __u32 len = d->d_name.len;
  if (len == 0 || len >= VIGIL_FILTER_NAME_LEN) return 0;
  const __u8 *name = bpf_rdonly_cast(d->d_name.name, 0);
  __u32 bit = vigil_name_sig(len, name[0], name[(len - 1) & (VIGIL_FILTER_NAME_LEN - 1)]);
  if (!vigil_sig_has(sig, bit)) return 0;
  struct vigil_filter_name_key key = {.kind = kind};
  vigil_dentry_key_name(d, key.name);
  return bpf_map_lookup_elem(&open_filter_names, &key) != 0;
}

static __always_inline int vigil_name_in(__u32 kind, const unsigned char *name) {
  struct vigil_filter_name_key key = {.kind = kind};
  if (bpf_probe_read_kernel_str(key.name, sizeof(key.name), name) <= 0) return 0;
  return bpf_map_lookup_elem(&open_filter_names, &key) != 0;
}

/* "x..y" byte masks: 0x80 in each byte of `w` equal to the byte `c`. */
static __always_inline __u64 vigil_byte_eq(__u64 w, __u64 c) {
  const __u64 low7 = 0x7f7f7f7f7f7f7f7fULL;
  __u64 t = w ^ (c * 0x0101010101010101ULL);
  return ~(((t & low7) + low7) | t | low7);
}

/* Does the path as passed (at `off` in the scratch buffer, `len` bytes) contain "../"? 8-byte
 * windows stepping by 6 bytes, so every 3-byte run lies wholly in one of them. A plain bounded
 * loop: the verifier keeps its states small because `off` is fixed and only `i` moves. */
static __always_inline int vigil_has_dotdot(struct vigil_scratch *scratch, __u32 off, __u32 len) {
  for (__u32 i = 0; i < VIGIL_RAW_PATH_MAX / 6 + 1; i++) {
    __u32 pos = i * 6;
    if (pos + 2 >= len) return 0;
    __u64 w = 0;
    __builtin_memcpy(&w, vigil_at(scratch, off + pos), sizeof(w));
    __u64 dots = vigil_byte_eq(w, '.');
    __u64 slashes = vigil_byte_eq(w, '/');
    if (dots & (dots >> 8) & (slashes >> 16)) return 1;
  }
  return 0;
}

/* The prefix verdict of a directory, for every file directly in it: the trie node its path
 * leads to, or one of these. */
#define VIGIL_DIR_UNKNOWN 0xffffffffu /* not determined: do not cache */
#define VIGIL_DIR_DEAD 0xfffffffeu    /* no prefix can match below it */
#define VIGIL_DIR_MATCHED 0xfffffffdu /* it lies at or below a prefix */

/* Where a "../" gate (see vigil_open_filter_config) holds for a file. */
#define VIGIL_GATE_DIR_PREFIX 1 /* its directory is at or below a gate prefix */
#define VIGIL_GATE_DIR_PART 2   /* its directory's path holds a gate name part */
#define VIGIL_GATE_LEAF 4       /* the file itself completes a gate prefix */
#define VIGIL_GATE_DIR (VIGIL_GATE_DIR_PREFIX | VIGIL_GATE_DIR_PART)
#define VIGIL_GATE_ALL (VIGIL_GATE_DIR | VIGIL_GATE_LEAF)

/* A verdict is keyed by the directory's dentry alone (an 8-byte key hashes fastest) and holds
 * for the mount and task root it was computed under (a directory reads differently from
 * another root), while the directory keeps its name, parent and inode (a dentry freed and
 * reused elsewhere changes them) and nothing was renamed or (un)mounted since (generation):
 * a rename or mount above it could move it into or out of a prefix. */
struct vigil_dir_verdict {
  __u64 mnt;
  __u64 root;
  __u64 root_mnt;
  __u64 generation;
  __u64 hash_len;
  __u64 parent;
  __u64 inode;
  __u32 state;
  __u32 gate; /* VIGIL_GATE_DIR_* */
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 8192);
  __type(key, __u64);
  __type(value, struct vigil_dir_verdict);
} dir_verdicts SEC(".maps");

/* In front of dir_verdicts, per CPU: the last directory's verdict. A loop over the files of one
 * directory then costs an inlined array lookup instead of a hash lookup; the entry is checked
 * exactly as the hash map's. */
struct vigil_dir_front {
  __u64 key;
  struct vigil_dir_verdict verdict;
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct vigil_dir_front);
} dir_front SEC(".maps");

/* Bumped by every successful rename, mount, umount, move_mount and pivot_root. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} fs_generation SEC(".maps");

static __always_inline __u64 vigil_fs_generation(void) {
  __u32 zero = 0;
  __u64 *gen = bpf_map_lookup_elem(&fs_generation, &zero);
  return gen ? *gen : 0;
}

static __always_inline int vigil_bump_generation(long ret) {
  if (ret != 0) return 0;
  __u32 zero = 0;
  __u64 *gen = bpf_map_lookup_elem(&fs_generation, &zero);
  if (gen) __sync_fetch_and_add(gen, 1);
  return 0;
}

#define VIGIL_GENERATION(name)                                              \
  SEC("tracepoint/syscalls/sys_exit_" #name)                               \
  int vigil_gen_##name(struct trace_event_raw_sys_exit *ctx) {              \
    return vigil_bump_generation(ctx->ret);                                 \
  }

VIGIL_GENERATION(rename)
VIGIL_GENERATION(renameat)
VIGIL_GENERATION(renameat2)
VIGIL_GENERATION(mount)
VIGIL_GENERATION(umount) /* umount2's tracepoint */
VIGIL_GENERATION(move_mount)
VIGIL_GENERATION(pivot_root)

/* One step of the trie from node `node` with the name of `dentry`: the next node, or 0. A node
 * holding "*" holds nothing else; for the others a name whose signature bit is clear is not in
 * the trie, and no lookup is made. */
static __always_inline struct vigil_prefix_node *vigil_trie_next(__u32 node, struct dentry *dentry) {
  __u32 zero = 0;
  struct vigil_open_filter_config *cfg = bpf_map_lookup_elem(&open_filter_config, &zero);
  int star = -1; /* unknown: try both */
  if (cfg && node < VIGIL_STAR_NODES)
    star = (cfg->star_nodes[(node / 64) & (VIGIL_STAR_NODES / 64 - 1)] >> (node % 64)) & 1;
  struct vigil_prefix_key key = {.parent = node};
  struct vigil_prefix_node *next = 0;
  if (star != 1) {
    struct dentry *d = VIGIL_AS(dentry, dentry);
    __u32 len = d->d_name.len;
    if (len > 0 && len < VIGIL_FILTER_NAME_LEN) {
      const __u8 *name = bpf_rdonly_cast(d->d_name.name, 0);
      __u32 bit = vigil_name_sig(len, name[0], name[(len - 1) & (VIGIL_FILTER_NAME_LEN - 1)]);
      if ((!cfg || vigil_sig_has(cfg->prefix_sig, bit)) && vigil_dentry_key_name(dentry, key.name))
        next = bpf_map_lookup_elem(&open_filter_prefixes, &key);
    }
  }
  /* A name too long for a key can still match "*". */
  if (!next && star != 0) {
    __builtin_memset(key.name, 0, sizeof(key.name));
    key.name[0] = '*';
    next = bpf_map_lookup_elem(&open_filter_prefixes, &key);
  }
  return next;
}

static long vigil_prefix_step(__u32 depth, void *data) {
  struct vigil_walk *w = vigil_get_walk();
  if (!w || depth >= w->comps) return 1;
  if (depth == w->comps - 1) w->dir_state = w->trie_node; /* the leaf is next */
  struct dentry *dentry = w->dents[(w->comps - 1 - depth) & 63];  /* from the top down */
  struct vigil_prefix_node *next = vigil_trie_next(w->trie_node, dentry);
  int leaf = depth == w->comps - 1;
  if (!next) {
    if (!leaf) w->dir_state = VIGIL_DIR_DEAD;
    return 1;
  }
  if (next->terminal & VIGIL_TRIE_PASS) {
    w->trie_matched = 1;
    if (!leaf) w->dir_state = VIGIL_DIR_MATCHED;
    return 1;
  }
  if (next->terminal & VIGIL_TRIE_GATE) w->gate |= leaf ? VIGIL_GATE_LEAF : VIGIL_GATE_DIR_PREFIX;
  w->trie_node = next->node;
  return 0;
}

/* 0x80 in each byte position of word `w` (bytes `next` shifted in from above) where a gate
 * part's first (up to) four bytes start: `word`/`mask` as in vigil_open_filter_config. Bytes
 * outside the mask match anything; branch-free, so the verifier sees one path. */
static __always_inline __u64 vigil_part_starts(__u64 w, __u64 next, __u32 word, __u32 mask) {
  __u64 hits = 0x8080808080808080ULL;
  for (int b = 0; b < 4; b++) {
    __u64 shifted = b == 0 ? w : (w >> (8 * b)) | (next << (64 - 8 * b));
    __u64 eq = vigil_byte_eq(shifted, (word >> (8 * b)) & 0xff);
    __u64 any = (__u64)0 - (__u64)(((mask >> (8 * b)) & 1) ^ 1); /* all ones if unused */
    hits &= eq | any;
  }
  return hits;
}

/* Does the name of `d` hold one of the gate's name parts? Each part is tested by its first
 * (up to) four bytes, a word at a time: a superset of the names holding it, never a miss.
 * Unused parts have an all-ones word and mask. Plain loads past the name's end are
 * fault-safe and can only add matches. */
static __always_inline int vigil_name_has_gate_part(struct vigil_open_filter_config *cfg,
                                                    struct dentry *d) {
  struct dentry *dentry = VIGIL_AS(dentry, d);
  __u32 len = dentry->d_name.len;
  if (len > VIGIL_GATE_NAME_MAX) return 1;
  const __u64 *words = bpf_rdonly_cast(dentry->d_name.name, 0);
  /* One part is the common case (upstream: "id_rsa"): a loop of its own, decided once. */
  const int one = cfg->gate_count == 1;
  const __u32 word0 = cfg->gate_words[0], mask0 = cfg->gate_masks[0];
  __u64 w = words[0];
  for (__u32 k = 0; k < VIGIL_GATE_NAME_MAX / 8; k++) {
    if (k * 8 >= len) return 0;
    __u64 next = words[k + 1];
    __u64 hits = vigil_part_starts(w, next, word0, mask0);
    if (!one) {
      for (__u32 j = 1; j < VIGIL_GATE_PARTS; j++)
        hits |= vigil_part_starts(w, next, cfg->gate_words[j], cfg->gate_masks[j]);
    }
    if (hits) return 1;
    w = next;
  }
  return 0;
}

/* One directory of the collected path (index 0 is the leaf's parent) checked for gate parts. */
static long vigil_gate_part_step(__u32 index, void *data) {
  struct vigil_walk *w = vigil_get_walk();
  __u32 zero = 0;
  struct vigil_open_filter_config *cfg = bpf_map_lookup_elem(&open_filter_config, &zero);
  if (!w || !cfg || index + 1 >= w->comps) return 1;
  if (vigil_name_has_gate_part(cfg, w->dents[(index + 1) & 63])) {
    w->gate |= VIGIL_GATE_DIR_PART;
    return 1;
  }
  return 0;
}

/* The full test: collects the dentries up to the task's root, then walks the trie top-down.
 * Sets *dir_state to the verdict for the file's directory when the walk determined it, and
 * *gate to where a "../" gate holds (all of it where the walk could not tell). */
static __always_inline int vigil_prefix_walk(struct path *path, struct path *root, __u32 *dir_state,
                                             __u32 *gate, int gate_parts) {
  *dir_state = VIGIL_DIR_UNKNOWN;
  *gate = VIGIL_GATE_ALL;
  struct vigil_walk *w = vigil_collect_dentries(path, root);
  if (!w) return 1;
  if (w->detached) return 0;
  if (!w->complete) return 1; /* deeper than the walk goes: let user space decide */
  w->trie_node = 0;
  w->trie_matched = 0;
  w->dir_state = VIGIL_DIR_UNKNOWN;
  w->gate = 0;
  bpf_loop(16, vigil_prefix_step, 0, 0);
  if (gate_parts) bpf_loop(VIGIL_PATH_DEPTH, vigil_gate_part_step, 0, 0);
  *dir_state = w->dir_state;
  *gate = w->gate;
  return w->trie_matched;
}

/* Does the opened file lie at or below one of the filter's prefixes (as the task sees it)?
 * Files in a directory seen before take its remembered verdict and one trie step. Sets *gate
 * (VIGIL_GATE_*) to where a "../" gate holds, apart from the file's own name parts. */
static __always_inline int vigil_prefix_match(struct task_struct *task, struct file *file,
                                              int use_cache, int gate_parts, __u32 *gate) {
  struct path path = VIGIL_AS(file, file)->f_path;
  struct path root = task->fs->root;
  struct dentry *leaf = VIGIL_AS(dentry, path.dentry);
  struct dentry *dir_ptr = leaf->d_parent;
  /* A mount's root or the task's root: its path is not its parent's plus its name. */
  if (!use_cache || dir_ptr == path.dentry || path.dentry == VIGIL_AS(vfsmount, path.mnt)->mnt_root ||
      path.dentry == root.dentry) {
    __u32 ignored;
    return vigil_prefix_walk(&path, &root, &ignored, gate, gate_parts);
  }
  __u64 key = (__u64)dir_ptr;
  struct dentry *dir = VIGIL_AS(dentry, dir_ptr);
  __u64 generation = vigil_fs_generation();
  __u64 hash_len = dir->d_name.hash_len;
  __u64 parent = (__u64)dir->d_parent;
  __u64 inode = (__u64)dir->d_inode;
  __u32 zero = 0;
  struct vigil_dir_front *front = bpf_map_lookup_elem(&dir_front, &zero);
  struct vigil_dir_verdict *v = 0;
  if (front && front->key == key) {
    v = &front->verdict;
  } else {
    v = bpf_map_lookup_elem(&dir_verdicts, &key);
    if (v && front) {
      front->key = key;
      front->verdict = *v;
    }
  }
  __u32 state = VIGIL_DIR_UNKNOWN;
  if (v && v->generation == generation && v->hash_len == hash_len && v->parent == parent &&
      v->inode == inode && v->mnt == (__u64)path.mnt && v->root == (__u64)root.dentry &&
      v->root_mnt == (__u64)root.mnt) {
    state = v->state;
    *gate = v->gate;
  } else {
    int matched = vigil_prefix_walk(&path, &root, &state, gate, gate_parts);
    if (state == VIGIL_DIR_UNKNOWN) return matched;
    struct vigil_dir_verdict fresh = {.mnt = (__u64)path.mnt, .root = (__u64)root.dentry,
                                      .root_mnt = (__u64)root.mnt,
                                      .generation = generation, .hash_len = hash_len,
                                      .parent = parent, .inode = inode, .state = state,
                                      .gate = *gate & VIGIL_GATE_DIR};
    bpf_map_update_elem(&dir_verdicts, &key, &fresh, BPF_ANY);
    if (front) {
      front->key = key;
      front->verdict = fresh;
    }
    return matched;
  }
  if (state == VIGIL_DIR_MATCHED) return 1;
  if (state == VIGIL_DIR_DEAD) return 0;
  struct vigil_prefix_node *next = vigil_trie_next(state, path.dentry);
  if (!next) return 0;
  if (next->terminal & VIGIL_TRIE_GATE) *gate |= VIGIL_GATE_LEAF;
  return (next->terminal & VIGIL_TRIE_PASS) != 0;
}

static __always_inline struct file *vigil_fd_file(struct task_struct *task, long fd) {
  struct files_struct *files = task->files;
  if (!files) return 0;
  struct fdtable *fdt = files->fdt;
  if (!fdt || fd < 0 || fd >= fdt->max_fds) return 0;
  /* A plain, fault-safe load from the fd array (cheaper than bpf_probe_read_kernel). */
  struct file **fds = bpf_rdonly_cast(fdt->fd, 0);
  return fds[fd];
}

enum vigil_open_verdict {
  VIGIL_OPEN_DROP = 0,
  VIGIL_OPEN_SEND = 1,
  VIGIL_OPEN_IF_PREFIX = 2, /* send only if the resolved path matches a prefix */
};

/* The cheap part of the filter, before anything is copied. */
static __always_inline int vigil_open_verdict(struct vigil_open_filter_config *cfg,
                                              struct task_struct *task, long ret, __u32 flags,
                                              struct file *file) {
  if (!cfg || !cfg->enabled) return VIGIL_OPEN_SEND;
  int write = (flags & VIGIL_O_ACCMODE) != 0 || (flags & (VIGIL_O_CREAT | VIGIL_O_TRUNC));
  if (cfg->writes && write) return VIGIL_OPEN_SEND;
  if (ret < 0) {
    if (cfg->failures || (cfg->failed_writes && write)) return VIGIL_OPEN_SEND;
    return (cfg->dotdot || cfg->dotdot_gated) ? VIGIL_OPEN_IF_PREFIX : VIGIL_OPEN_DROP;
  }
  if (cfg->containers && ret >= 0) {
    if (task->thread_pid->level > 0) return VIGIL_OPEN_SEND;
  }
  if (cfg->comms) {
    /* The comm as two words (the kernel keeps it zero-padded); its signature first. */
    const __u64 *words = bpf_rdonly_cast(task->comm, 0);
    __u64 comm[2] = {words[0], words[1]};
    if (vigil_sig_has(cfg->comm_sig, vigil_comm_sig(comm[0], comm[1])) &&
        bpf_map_lookup_elem(&open_filter_comms, comm))
      return VIGIL_OPEN_SEND;
  }
  if ((cfg->leaves || cfg->parents) && file) {
    struct file *f = bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
    struct dentry *dentry = f->f_path.dentry;
    if (cfg->leaves && vigil_dentry_name_in(VIGIL_FILTER_LEAF, cfg->leaf_sig, dentry))
      return VIGIL_OPEN_SEND;
    if (cfg->parents &&
        vigil_dentry_name_in(VIGIL_FILTER_PARENT, cfg->parent_sig, dentry->d_parent))
      return VIGIL_OPEN_SEND;
  }
  return (cfg->dotdot || cfg->dotdot_gated || cfg->prefixes) ? VIGIL_OPEN_IF_PREFIX
                                                             : VIGIL_OPEN_DROP;
}

static __always_inline void vigil_count_filtered(void) {
  __u32 zero = 0;
  __u64 *count = bpf_map_lookup_elem(&open_filtered, &zero);
  if (count) *count += 1;
}

static __always_inline int vigil_open_exit(struct task_struct *task, long ret,
                                           struct open_args *args) {
  struct file *file = ret >= 0 ? vigil_fd_file(task, ret) : 0;
  __u32 zero = 0;
  struct vigil_open_filter_config *cfg = bpf_map_lookup_elem(&open_filter_config, &zero);
  int verdict = vigil_open_verdict(cfg, task, ret, args->flags, file);
  if (verdict == VIGIL_OPEN_DROP) {
    vigil_count_filtered();
    return 0;
  }

  if (verdict == VIGIL_OPEN_IF_PREFIX && cfg) {
    /* Pass prefixes first; then a "../" scan for every open, or only where its gate holds
     * (failed opens have no file to place: always). */
    __u32 gate = VIGIL_GATE_ALL;
    int gate_parts = cfg->dotdot_gated && cfg->gate_count;
    if ((cfg->prefixes || gate_parts) && file &&
        vigil_prefix_match(task, file, cfg->dir_cache, gate_parts, &gate)) {
      verdict = VIGIL_OPEN_SEND;
    } else if (!cfg->dotdot &&
               !(cfg->dotdot_gated &&
                 (!file || gate ||
                  (gate_parts &&
                   vigil_name_has_gate_part(cfg, VIGIL_AS(file, file)->f_path.dentry))))) {
      vigil_count_filtered();
      return 0;
    }
  }

  struct vigil_scratch *scratch = vigil_get_scratch();
  if (!scratch) return 0;
  struct vigil_open *ev = (struct vigil_open *)scratch->data;
  __u32 off = sizeof(*ev);
  long n = bpf_probe_read_user_str(vigil_at(scratch, off), VIGIL_RAW_PATH_MAX,
                                   (void *)args->filename);
  __u32 raw_len = n > 0 ? n : 0;

  /* Still undecided: only a "../" in the path as passed can make it interesting now. */
  if (verdict == VIGIL_OPEN_IF_PREFIX && !vigil_has_dotdot(scratch, off, raw_len)) {
    vigil_count_filtered();
    return 0;
  }

  vigil_fill_header(&ev->hdr, VIGIL_EV_OPEN, task);
  ev->ret = ret;
  ev->flags = args->flags;
  ev->mode = args->mode;
  ev->dirfd = args->dirfd;
  ev->syscall = args->syscall;
  ev->file_mode = 0;
  ev->path_len = 0;
  ev->path_flags = 0;
  ev->reserved = 0;
  ev->raw_len = raw_len;
  off += raw_len;

  if (file) {
    /* The file actually opened, from the fd table: symlinks and ".." already resolved. */
    struct path path = VIGIL_AS(file, file)->f_path;
    struct path root;
    BPF_CORE_READ_INTO(&root, task, fs, root);
    ev->file_mode = BPF_CORE_READ(file, f_inode, i_mode);
    ev->path_flags = VIGIL_PATH_RESOLVED;
    __u32 len = vigil_write_path(off, &path, &root, &ev->path_flags);
    ev->path_len = len;
    off += len;
  }
  vigil_submit(scratch, VIGIL_EV_OPEN, off);
  return 0;
}

/* Where a task's saved user registers lie in its kernel stack: the same for every task of a
 * kernel (task_pt_regs() is the stack page plus a constant), so bpf_task_pt_regs() is asked
 * once and the offset is remembered; a helper call on every syscall cost ~35 ns here. */
__u64 vigil_regs_offset = 0;

static __always_inline struct pt_regs *vigil_user_regs(struct task_struct *task) {
  __u64 stack = (__u64)task->stack;
  __u64 offset = vigil_regs_offset;
  if (!offset) {
    offset = (__u64)bpf_task_pt_regs(task) - stack;
    vigil_regs_offset = offset;
  }
  return VIGIL_AS(pt_regs, (void *)(stack + offset));
}

/* The current task's tgid from its task_struct (an inlined load, not a helper call). */
static __always_inline int vigil_skip_self(struct task_struct *task) {
  return task->tgid == vigil_self_tgid;
}

#define O_WRONLY_CREAT_TRUNC (01 | 0100 | 01000)
#define VIGIL_AT_FDCWD -100

SEC("tracepoint/syscalls/sys_exit_open")
int vigil_exit_open(struct trace_event_raw_sys_exit *ctx) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
  if (vigil_skip_self(task)) return 0;
  struct pt_regs *regs = vigil_user_regs(task);
  struct open_args args = {.filename = VIGIL_ARG0(regs), .flags = VIGIL_ARG1(regs),
                           .mode = VIGIL_ARG2(regs), .dirfd = VIGIL_AT_FDCWD,
                           .syscall = VIGIL_SYS_OPEN};
  return vigil_open_exit(task, ctx->ret, &args);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int vigil_exit_openat(struct trace_event_raw_sys_exit *ctx) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
  if (vigil_skip_self(task)) return 0;
  struct pt_regs *regs = vigil_user_regs(task);
  struct open_args args = {.filename = VIGIL_ARG1(regs), .flags = VIGIL_ARG2(regs),
                           .mode = VIGIL_ARG3(regs), .dirfd = VIGIL_ARG0(regs),
                           .syscall = VIGIL_SYS_OPENAT};
  return vigil_open_exit(task, ctx->ret, &args);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int vigil_exit_openat2(struct trace_event_raw_sys_exit *ctx) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
  if (vigil_skip_self(task)) return 0;
  struct pt_regs *regs = vigil_user_regs(task);
  struct open_how how = {};
  bpf_probe_read_user(&how, sizeof(how), (void *)VIGIL_ARG2(regs));
  struct open_args args = {.filename = VIGIL_ARG1(regs), .flags = how.flags, .mode = how.mode,
                           .dirfd = VIGIL_ARG0(regs), .syscall = VIGIL_SYS_OPENAT2};
  return vigil_open_exit(task, ctx->ret, &args);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int vigil_exit_creat(struct trace_event_raw_sys_exit *ctx) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
  if (vigil_skip_self(task)) return 0;
  struct pt_regs *regs = vigil_user_regs(task);
  struct open_args args = {.filename = VIGIL_ARG0(regs), .flags = O_WRONLY_CREAT_TRUNC,
                           .mode = VIGIL_ARG1(regs), .dirfd = VIGIL_AT_FDCWD,
                           .syscall = VIGIL_SYS_CREAT};
  return vigil_open_exit(task, ctx->ret, &args);
}

/* ---------------------------------------------------------------- other syscalls */

/* Which arguments are user strings, packed: string i is argument (mask >> 8*i) & 0xff. */
#define VIGIL_STR1(a) ((a) | 0xffff00)
#define VIGIL_STR2(a, b) ((a) | ((b) << 8) | 0xff0000)
#define VIGIL_STR3(a, b, c) ((a) | ((b) << 8) | ((c) << 16))
#define VIGIL_NO_STR 0xffffff

static __always_inline __u32 vigil_copy_string(struct vigil_scratch *scratch, __u32 off,
                                               __u64 user_ptr) {
  long n = bpf_probe_read_user_str(vigil_at(scratch, off), VIGIL_RAW_PATH_MAX, (void *)user_ptr);
  return n > 0 ? (__u32)n : 0;
}

#define VIGIL_S_IFMT 00170000
#define VIGIL_S_IFSOCK 0140000
#define VIGIL_S_IFDIR 0040000
#define VIGIL_S_IFIFO 0010000
#define VIGIL_S_IFREG 0100000
#define VIGIL_AF_UNIX 1
#define VIGIL_AF_INET 2
#define VIGIL_AF_INET6 10

/* What descriptor `fd` of the current task is, from its struct file and, for sockets, the
 * addresses the kernel's struct sock holds. */
static __always_inline void vigil_read_fd_info(struct task_struct *task, long fd,
                                               struct vigil_fd_info *info) {
  __builtin_memset(info, 0, sizeof(*info));
  struct file *file = vigil_fd_file(task, fd);
  if (!file) return;
  /* Plain, fault-safe loads through the kernel's objects: a helper call each would cost
   * ~50 ns here, and every network call reads a dozen fields. */
  struct file *f = VIGIL_AS(file, file);
  umode_t mode = f->f_inode->i_mode;
  switch (mode & VIGIL_S_IFMT) {
    case VIGIL_S_IFREG: info->kind = VIGIL_FD_FILE; return;
    case VIGIL_S_IFDIR: info->kind = VIGIL_FD_DIRECTORY; return;
    case VIGIL_S_IFIFO: info->kind = VIGIL_FD_PIPE; return;
    case VIGIL_S_IFSOCK: break;
    default: info->kind = VIGIL_FD_OTHER; return;
  }
  struct socket *sock = VIGIL_AS(socket, f->private_data);
  struct sock *sk = sock->sk;
  if (!sk) {
    info->kind = VIGIL_FD_SOCKET_OTHER;
    return;
  }
  __u16 family = sk->__sk_common.skc_family;
  info->sock_type = sk->sk_type;
  info->protocol = sk->sk_protocol;
  if (family == VIGIL_AF_INET) {
    info->kind = VIGIL_FD_IPV4;
    __u32 local = sk->__sk_common.skc_rcv_saddr;
    __u32 remote = sk->__sk_common.skc_daddr;
    __builtin_memcpy(info->local_addr, &local, 4);
    __builtin_memcpy(info->remote_addr, &remote, 4);
  } else if (family == VIGIL_AF_INET6) {
    info->kind = VIGIL_FD_IPV6;
    const __u64 *local = (const __u64 *)&sk->__sk_common.skc_v6_rcv_saddr;
    const __u64 *remote = (const __u64 *)&sk->__sk_common.skc_v6_daddr;
    __u64 words[4] = {local[0], local[1], remote[0], remote[1]};
    __builtin_memcpy(info->local_addr, &words[0], 16);
    __builtin_memcpy(info->remote_addr, &words[2], 16);
  } else if (family == VIGIL_AF_UNIX) {
    info->kind = VIGIL_FD_UNIX;
    return;
  } else {
    info->kind = VIGIL_FD_SOCKET_OTHER;
    return;
  }
  info->local_port = sk->__sk_common.skc_num;
  info->remote_port = __builtin_bswap16(sk->__sk_common.skc_dport);
}

static __always_inline int vigil_syscall_exit_fd(long ret, __u16 id, __u32 strings, __u8 fd_arg);

static __always_inline int vigil_syscall_exit(long ret, __u16 id, __u32 strings) {
  return vigil_syscall_exit_fd(ret, id, strings, 0xff);
}

static __always_inline int vigil_syscall_exit_fd(long ret, __u16 id, __u32 strings, __u8 fd_arg) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
  if (vigil_skip_self(task)) return 0;
  struct vigil_scratch *scratch = vigil_get_scratch();
  if (!scratch) return 0;
  struct pt_regs *regs = vigil_user_regs(task);
  struct vigil_syscall *ev = (struct vigil_syscall *)scratch->data;
  vigil_fill_header(&ev->hdr, VIGIL_EV_SYSCALL, task);
  ev->ret = ret;
  ev->args[0] = VIGIL_ARG0(regs);
  ev->args[1] = VIGIL_ARG1(regs);
  ev->args[2] = VIGIL_ARG2(regs);
  ev->args[3] = VIGIL_ARG3(regs);
  ev->args[4] = VIGIL_ARG4(regs);
  ev->args[5] = VIGIL_ARG5(regs);
  const struct cred *cred = task->cred;
  bpf_probe_read_kernel(&ev->cap_effective, sizeof(ev->cap_effective), &cred->cap_effective);
  bpf_probe_read_kernel(&ev->cap_permitted, sizeof(ev->cap_permitted), &cred->cap_permitted);
  ev->syscall = id;
  ev->fd_arg = fd_arg;
  __builtin_memset(ev->reserved, 0, sizeof(ev->reserved));
  if (fd_arg == VIGIL_FD_ARG_RET) {
    vigil_read_fd_info(task, ret, &ev->fd);
  } else if (fd_arg < 6) {
    vigil_read_fd_info(task, (int)ev->args[fd_arg & 7], &ev->fd);
  } else {
    __builtin_memset(&ev->fd, 0, sizeof(ev->fd));
  }
  /* send() and recv() on a TCP connection that no rule can match (Falco's outbound/inbound
   * macros want UDP): not worth a record. */
  if ((vigil_drop_tcp_data & vigil_tcp_data_bit(id)) &&
      (ev->fd.kind == VIGIL_FD_IPV4 || ev->fd.kind == VIGIL_FD_IPV6) &&
      ev->fd.protocol == VIGIL_IPPROTO_TCP)
    return 0;
  __u32 off = sizeof(*ev);
  for (int i = 0; i < VIGIL_SC_STRINGS; i++) {
    __u32 arg = (strings >> (8 * i)) & 0xff;
    ev->str_arg[i] = arg;
    ev->str_len[i] = 0;
    if (arg < 6) {
      __u32 n = vigil_copy_string(scratch, off, ev->args[arg]);
      ev->str_len[i] = n;
      off += n;
    }
  }
  /* The address the program passed, where the kernel's socket does not hold it: a unix
   * socket's path (connect, bind) and the peer of a failed connect or an unconnected sendto or
   * sendmsg (msg_name, the first field of struct msghdr); and the sender the kernel wrote back
   * to an unconnected recvfrom (src_addr) or recvmsg (msg_name), valid once the call
   * succeeded. */
  __u64 user_addr = 0;
  if (id == VIGIL_SC_CONNECT || id == VIGIL_SC_BIND) user_addr = ev->args[1];
  if (id == VIGIL_SC_SENDTO) user_addr = ev->args[4];
  if (id == VIGIL_SC_RECVFROM && ret >= 0) user_addr = ev->args[4];
  if ((id == VIGIL_SC_SENDMSG || (id == VIGIL_SC_RECVMSG && ret >= 0)) && ev->fd.remote_port == 0 &&
      (ev->fd.kind == VIGIL_FD_IPV4 || ev->fd.kind == VIGIL_FD_IPV6) && ev->args[1]) {
    bpf_probe_read_user(&user_addr, sizeof(user_addr), (void *)ev->args[1]);
  }
  if (user_addr) {
    __u8 kind = ev->fd.kind;
    if (kind == VIGIL_FD_UNIX && (id == VIGIL_SC_CONNECT || id == VIGIL_SC_BIND) &&
        ev->str_len[0] == 0) {
      /* struct sockaddr_un: sa_family_t, then the path (abstract names start with NUL). */
      __u32 n = vigil_copy_string(scratch, off, user_addr + 2);
      ev->str_arg[0] = 1;
      ev->str_len[0] = n;
      off += n;
    } else if ((kind == VIGIL_FD_IPV4 || kind == VIGIL_FD_IPV6) && ev->fd.remote_port == 0 &&
               id != VIGIL_SC_BIND) {
      /* sockaddr_in / sockaddr_in6: family, port (network order), then the address. */
      __u8 sa[24] = {};
      bpf_probe_read_user(sa, sizeof(sa), (void *)user_addr);
      __u16 family = sa[0] | (sa[1] << 8);
      __u16 port = (sa[2] << 8) | sa[3];
      if (family == VIGIL_AF_INET || family == VIGIL_AF_INET6) ev->fd.flags = VIGIL_FD_PEER_FROM_CALL;
      if (family == VIGIL_AF_INET) {
        ev->fd.remote_port = port;
        __builtin_memcpy(ev->fd.remote_addr, &sa[4], 4);
      } else if (family == VIGIL_AF_INET6) {
        ev->fd.remote_port = port;
        __builtin_memcpy(ev->fd.remote_addr, &sa[8], 16);
      }
    }
  }
  /* The data moved, as far as a rule reads it: the first bytes received or sent. */
  ev->buffer_len = 0;
  if (vigil_buffer_bytes && ret > 0 && (id == VIGIL_SC_RECVFROM || id == VIGIL_SC_SENDTO)) {
    __u32 n = ret < vigil_buffer_bytes ? (__u32)ret : vigil_buffer_bytes;
    if (n > VIGIL_BUFFER_MAX) n = VIGIL_BUFFER_MAX;
    /* The mask only shows the verifier the bound n already has. */
    if (n > 0 && bpf_probe_read_user(vigil_at(scratch, off), n & (2 * VIGIL_BUFFER_MAX - 1),
                                     (void *)ev->args[1]) == 0) {
      ev->buffer_len = n;
      off += n;
    }
  }
  if (id == VIGIL_SC_CAPSET && ret == 0) {
    /* struct __user_cap_data_struct[2]: {effective, permitted, inheritable} per 32 bits. */
    __u32 data[6] = {};
    bpf_probe_read_user(data, sizeof(data), (void *)ev->args[1]);
    ev->args[2] = ((__u64)data[3] << 32) | data[0];
    ev->args[3] = ((__u64)data[4] << 32) | data[1];
    ev->args[4] = ((__u64)data[5] << 32) | data[2];
  }
  vigil_submit(scratch, VIGIL_EV_SYSCALL, off);
  return 0;
}

#define VIGIL_SYSCALL(name, id, strings)                                     \
  SEC("tracepoint/syscalls/sys_exit_" #name)                                \
  int vigil_exit_##name(struct trace_event_raw_sys_exit *ctx) {              \
    return vigil_syscall_exit(ctx->ret, id, strings);                       \
  }

VIGIL_SYSCALL(unlink, VIGIL_SC_UNLINK, VIGIL_STR1(0))
VIGIL_SYSCALL(unlinkat, VIGIL_SC_UNLINKAT, VIGIL_STR1(1))
VIGIL_SYSCALL(rename, VIGIL_SC_RENAME, VIGIL_STR2(0, 1))
VIGIL_SYSCALL(renameat, VIGIL_SC_RENAMEAT, VIGIL_STR2(1, 3))
VIGIL_SYSCALL(renameat2, VIGIL_SC_RENAMEAT2, VIGIL_STR2(1, 3))
VIGIL_SYSCALL(mkdir, VIGIL_SC_MKDIR, VIGIL_STR1(0))
VIGIL_SYSCALL(mkdirat, VIGIL_SC_MKDIRAT, VIGIL_STR1(1))
VIGIL_SYSCALL(rmdir, VIGIL_SC_RMDIR, VIGIL_STR1(0))
VIGIL_SYSCALL(symlink, VIGIL_SC_SYMLINK, VIGIL_STR2(0, 1))
VIGIL_SYSCALL(symlinkat, VIGIL_SC_SYMLINKAT, VIGIL_STR2(0, 2))
VIGIL_SYSCALL(link, VIGIL_SC_LINK, VIGIL_STR2(0, 1))
VIGIL_SYSCALL(linkat, VIGIL_SC_LINKAT, VIGIL_STR2(1, 3))
VIGIL_SYSCALL(chmod, VIGIL_SC_CHMOD, VIGIL_STR1(0))
VIGIL_SYSCALL(fchmod, VIGIL_SC_FCHMOD, VIGIL_NO_STR)
VIGIL_SYSCALL(fchmodat, VIGIL_SC_FCHMODAT, VIGIL_STR1(1))
VIGIL_SYSCALL(chown, VIGIL_SC_CHOWN, VIGIL_STR1(0))
VIGIL_SYSCALL(fchown, VIGIL_SC_FCHOWN, VIGIL_NO_STR)
VIGIL_SYSCALL(lchown, VIGIL_SC_LCHOWN, VIGIL_STR1(0))
VIGIL_SYSCALL(fchownat, VIGIL_SC_FCHOWNAT, VIGIL_STR1(1))
VIGIL_SYSCALL(setuid, VIGIL_SC_SETUID, VIGIL_NO_STR)
VIGIL_SYSCALL(setgid, VIGIL_SC_SETGID, VIGIL_NO_STR)
VIGIL_SYSCALL(setresuid, VIGIL_SC_SETRESUID, VIGIL_NO_STR)
VIGIL_SYSCALL(setresgid, VIGIL_SC_SETRESGID, VIGIL_NO_STR)
VIGIL_SYSCALL(setreuid, VIGIL_SC_SETREUID, VIGIL_NO_STR)
VIGIL_SYSCALL(setregid, VIGIL_SC_SETREGID, VIGIL_NO_STR)
VIGIL_SYSCALL(ptrace, VIGIL_SC_PTRACE, VIGIL_NO_STR)
VIGIL_SYSCALL(mount, VIGIL_SC_MOUNT, VIGIL_STR3(0, 1, 2))
/* A failed execve/execveat: the process keeps its image; the record names what it tried to
 * run. A successful one is reported by sched_process_exec, with the new image. */
SEC("tracepoint/syscalls/sys_exit_execve")
int vigil_exit_execve(struct trace_event_raw_sys_exit *ctx) {
  if (ctx->ret >= 0) return 0;
  return vigil_syscall_exit(ctx->ret, VIGIL_SC_EXECVE, VIGIL_STR1(0));
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int vigil_exit_execveat(struct trace_event_raw_sys_exit *ctx) {
  if (ctx->ret >= 0) return 0;
  return vigil_syscall_exit(ctx->ret, VIGIL_SC_EXECVEAT, VIGIL_STR1(1));
}

/* umount2 is the kernel's sys_umount: its tracepoint is sys_exit_umount. */
SEC("tracepoint/syscalls/sys_exit_umount")
int vigil_exit_umount2(struct trace_event_raw_sys_exit *ctx) {
  return vigil_syscall_exit(ctx->ret, VIGIL_SC_UMOUNT2, VIGIL_STR1(0));
}
VIGIL_SYSCALL(init_module, VIGIL_SC_INIT_MODULE, VIGIL_STR1(2))
VIGIL_SYSCALL(finit_module, VIGIL_SC_FINIT_MODULE, VIGIL_STR1(1))
VIGIL_SYSCALL(delete_module, VIGIL_SC_DELETE_MODULE, VIGIL_STR1(0))
VIGIL_SYSCALL(memfd_create, VIGIL_SC_MEMFD_CREATE, VIGIL_STR1(0))
#define VIGIL_SYSCALL_FD(name, id, fd_arg)                                   \
  SEC("tracepoint/syscalls/sys_exit_" #name)                                \
  int vigil_exit_##name(struct trace_event_raw_sys_exit *ctx) {              \
    return vigil_syscall_exit_fd(ctx->ret, id, VIGIL_NO_STR, fd_arg);        \
  }

/* The descriptor a dup produced refers to the same file or socket as the original. */
VIGIL_SYSCALL_FD(dup, VIGIL_SC_DUP, VIGIL_FD_ARG_RET)
VIGIL_SYSCALL_FD(dup2, VIGIL_SC_DUP2, VIGIL_FD_ARG_RET)
VIGIL_SYSCALL_FD(dup3, VIGIL_SC_DUP3, VIGIL_FD_ARG_RET)
VIGIL_SYSCALL_FD(socket, VIGIL_SC_SOCKET, VIGIL_FD_ARG_RET)
VIGIL_SYSCALL_FD(connect, VIGIL_SC_CONNECT, 0)
VIGIL_SYSCALL_FD(accept, VIGIL_SC_ACCEPT, VIGIL_FD_ARG_RET)
VIGIL_SYSCALL_FD(accept4, VIGIL_SC_ACCEPT4, VIGIL_FD_ARG_RET)
VIGIL_SYSCALL_FD(bind, VIGIL_SC_BIND, 0)
VIGIL_SYSCALL_FD(listen, VIGIL_SC_LISTEN, 0)
VIGIL_SYSCALL_FD(sendto, VIGIL_SC_SENDTO, 0)
VIGIL_SYSCALL_FD(recvfrom, VIGIL_SC_RECVFROM, 0)
VIGIL_SYSCALL_FD(sendmsg, VIGIL_SC_SENDMSG, 0)
VIGIL_SYSCALL_FD(recvmsg, VIGIL_SC_RECVMSG, 0)
VIGIL_SYSCALL(unshare, VIGIL_SC_UNSHARE, VIGIL_NO_STR)
VIGIL_SYSCALL(setns, VIGIL_SC_SETNS, VIGIL_NO_STR)
VIGIL_SYSCALL(bpf, VIGIL_SC_BPF, VIGIL_NO_STR)
VIGIL_SYSCALL(userfaultfd, VIGIL_SC_USERFAULTFD, VIGIL_NO_STR)
VIGIL_SYSCALL(kill, VIGIL_SC_KILL, VIGIL_NO_STR)
VIGIL_SYSCALL(tkill, VIGIL_SC_TKILL, VIGIL_NO_STR)
VIGIL_SYSCALL(tgkill, VIGIL_SC_TGKILL, VIGIL_NO_STR)
VIGIL_SYSCALL(chdir, VIGIL_SC_CHDIR, VIGIL_STR1(0))
VIGIL_SYSCALL(fchdir, VIGIL_SC_FCHDIR, VIGIL_NO_STR)
VIGIL_SYSCALL(prctl, VIGIL_SC_PRCTL, VIGIL_NO_STR)
VIGIL_SYSCALL(capset, VIGIL_SC_CAPSET, VIGIL_NO_STR)
VIGIL_SYSCALL(io_uring_setup, VIGIL_SC_IO_URING_SETUP, VIGIL_NO_STR)

/* ---------------------------------------------------------------- baseline: syscalls
 * Which syscalls each container's tasks enter, as one bitmap per cgroup: a bit is set once, no
 * record leaves the kernel. Attached only while baselines are on: a program on sys_enter runs
 * for every syscall of the host (host tasks leave at the first test). Skipped: the host (the
 * initial pid namespace), the runtime's own set-up in the container (runc names its init
 * "runc:[2:INIT]" until it execs the entrypoint) and exec sessions (see vigil_baseline). */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 4096);
  __type(key, __u64);
  __type(value, struct vigil_syscall_bitmap);
} container_syscalls SEC(".maps");

#define VIGIL_RUNC_COMM 0x3a636e7572ULL /* "runc:" as the low five bytes of a word */

SEC("raw_tp/sys_enter")
int vigil_baseline_sys_enter(struct bpf_raw_tracepoint_args *ctx) {
  __u64 nr = ctx->args[1];
  if (nr >= VIGIL_SYSCALL_BITS) return 0;
  struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
  if (task->thread_pid->level == 0) return 0;
  const __u64 *comm = bpf_rdonly_cast(task->comm, 0);
  if ((comm[0] & 0xffffffffffULL) == VIGIL_RUNC_COMM) return 0;
  if (bpf_task_storage_get(&exec_sessions, task, 0, 0)) return 0;
  __u64 cgroup = task->cgroups->dfl_cgrp->kn->id;
  struct vigil_syscall_bitmap *bits = bpf_map_lookup_elem(&container_syscalls, &cgroup);
  if (!bits) {
    struct vigil_syscall_bitmap empty = {};
    bpf_map_update_elem(&container_syscalls, &cgroup, &empty, BPF_NOEXIST);
    bits = bpf_map_lookup_elem(&container_syscalls, &cgroup);
    if (!bits) return 0;
  }
  __u64 mask = 1ULL << (nr & 63);
  __u64 *word = &bits->words[(nr >> 6) & (VIGIL_SYSCALL_BITS / 64 - 1)];
  if (!(*word & mask)) __sync_fetch_and_or(word, mask);
  return 0;
}
