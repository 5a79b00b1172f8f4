/* Kernel-object readers shared by vigil's BPF programs: identity of the current task, path and
 * cgroup walks, scratch buffers. Everything here reads kernel memory with CO-RE relocations, so
 * the compiled object runs on any BTF kernel whose layouts differ from the build host's. */
#ifndef VIGIL_BPF_CORE_H
#define VIGIL_BPF_CORE_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "shared/events.h"

/* A kernel pointer as an untrusted BTF pointer (kernel 6.2+): its fields are then read with
 * plain loads the kernel makes fault-safe, several times cheaper than a bpf_probe_read_kernel()
 * call each. With btf_id 0 it is untyped memory (a name's bytes, an array of pointers). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

#define VIGIL_AS(type, ptr) ((struct type *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(struct type)))

/* Copies the name of dentry `d` into `out` (zero-padded, VIGIL_FILTER_NAME_LEN bytes, as the
 * filter maps' keys are). Returns its length, or 0 when empty or too long for a key. */
static __always_inline __u32 vigil_dentry_key_name(struct dentry *d, char *out) {
  struct dentry *dentry = VIGIL_AS(dentry, d);
  __u32 len = dentry->d_name.len;
  if (len == 0 || len >= VIGIL_FILTER_NAME_LEN) return 0;
  const char *name = bpf_rdonly_cast(dentry->d_name.name, 0);
  for (__u32 i = 0; i < VIGIL_FILTER_NAME_LEN - 1; i++) {
    if (i >= len) break;
    out[i] = name[i];
  }
  return len;
}

#define VIGIL_SCRATCH_SIZE (1 << 15)
/* Offsets into the scratch buffer are masked with this; every single write is at most half the
 * buffer, so a masked offset plus a write length always stays inside it (verifier-friendly). */
#define VIGIL_SCRATCH_MASK ((VIGIL_SCRATCH_SIZE / 2) - 1)
#define VIGIL_NAME_MAX 256
#define VIGIL_PATH_DEPTH 48
#define VIGIL_CGROUP_DEPTH 12
#define VIGIL_CGROUP_BYTES 1024

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((void *)(ptr) - __builtin_offsetof(type, member)))
#endif

/* kernfs_node.parent was renamed __parent in 6.15: both flavours, resolved by CO-RE at load. */
struct kernfs_node___old {
  struct kernfs_node___old *parent;
  const char *name;
} __attribute__((preserve_access_index));
struct kernfs_node___new {
  struct kernfs_node___new *__parent;
  const char *name;
} __attribute__((preserve_access_index));

/* loginuid exists only with CONFIG_AUDIT. */
struct task_struct___audit {
  kuid_t loginuid;
} __attribute__((preserve_access_index));

struct vigil_scratch {
  __u8 data[VIGIL_SCRATCH_SIZE];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct vigil_scratch);
} vigil_scratch_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 8 << 20); /* resized by the sensor before load */
} events SEC(".maps");

/* Per event type: records the ring buffer refused (full), and records sent. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, VIGIL_EV_MAX);
  __type(key, __u32);
  __type(value, __u64);
} drop_counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, VIGIL_EV_MAX);
  __type(key, __u32);
  __type(value, __u64);
} sent_counts SEC(".maps");

/* Set by the sensor before load. */
const volatile __u32 vigil_self_tgid = 0;

static __always_inline struct vigil_scratch *vigil_get_scratch(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&vigil_scratch_map, &zero);
}

static __always_inline void vigil_count(void *map, __u32 type) {
  __u64 *count = bpf_map_lookup_elem(map, &type);
  if (count) *count += 1;
}

/* Waking the reader costs far more than producing a record: an irq_work and a scheduler
 * wake-up, measured at 8-15 us per record here (a forced wake-up on every connect made a
 * connect loop 40% slower; on fork, exec and exit, a fork+exec loop 17% slower). No record
 * wakes the reader by itself: it is woken once this much data waits, and it polls on a short
 * timeout (20 ms), so a quiet ring is still drained promptly. User space needs no record while
 * its process still lives: container users come from the image's root (runtime API). */
#define VIGIL_WAKEUP_BYTES (256 * 1024)

/* Sends the first `size` bytes of the scratch buffer as one record, counted as sent or
 * dropped (ring full) per CPU and type. */
static __always_inline void vigil_submit(struct vigil_scratch *scratch, __u32 type, __u32 size) {
  struct vigil_header *hdr = (struct vigil_header *)scratch->data;
  /* Records never reach half the scratch buffer; the mask (not a compare, which the compiler
   * may apply to a copy of the register) is what proves the bound to the verifier. */
  size &= VIGIL_SCRATCH_MASK;
  hdr->size = size;
  __u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < VIGIL_WAKEUP_BYTES
                    ? BPF_RB_NO_WAKEUP
                    : BPF_RB_FORCE_WAKEUP;
  if (bpf_ringbuf_output(&events, scratch->data, size, flags) != 0) {
    vigil_count(&drop_counts, type);
  } else {
    vigil_count(&sent_counts, type);
  }
}

static __always_inline __u32 vigil_loginuid(struct task_struct *task) {
  struct task_struct___audit *audit = (void *)task;
  if (bpf_core_field_exists(audit->loginuid)) return BPF_CORE_READ(audit, loginuid.val);
  return (__u32)-1;
}

static __always_inline struct cgroup *vigil_task_cgroup(struct task_struct *task) {
  return BPF_CORE_READ(task, cgroups, dfl_cgrp);
}

/* Fills the common header from `task` (which need not be the current task). `task` must be a
 * trusted BTF pointer (a tp_btf argument or bpf_get_current_task_btf()): fields are read with
 * direct, CO-RE-relocated loads, several times cheaper than one bpf_probe_read_kernel() each. */
static __always_inline void vigil_fill_header(struct vigil_header *hdr, __u16 type,
                                              struct task_struct *task) {
  hdr->type = type;
  hdr->abi_version = VIGIL_ABI_VERSION;
  hdr->size = 0;
  hdr->ts_boot_ns = bpf_ktime_get_boot_ns();
  hdr->pid = task->tgid;
  hdr->tid = task->pid;
  hdr->ppid = task->real_parent->tgid;
  const struct cred *cred = task->cred;
  hdr->uid = cred->uid.val;
  hdr->gid = cred->gid.val;
  hdr->loginuid = vigil_loginuid(task);
  hdr->cgroup_id = task->cgroups->dfl_cgrp->kn->id;
  __builtin_memcpy(hdr->comm, task->comm, sizeof(hdr->comm));
}

/* A pointer `off` bytes into the scratch buffer, bounded so the verifier accepts a write of up
 * to half the buffer there. The empty asm keeps the compiler from bounding a copy of `off`
 * and using the unbounded original. */
static __always_inline void *vigil_at(struct vigil_scratch *scratch, __u32 off) {
  off &= VIGIL_SCRATCH_MASK;
  asm volatile("" : "+r"(off));
  return &scratch->data[off];
}

/* State of a path or cgroup walk, advanced one component per bpf_loop() step. It lives in a
 * per-CPU map rather than on the stack on purpose: the verifier then sees its values as
 * unknown at every step, so it verifies the step function a couple of times instead of once
 * per possible iteration with ever-different offset bounds (which exceeds its budget). */
struct vigil_walk {
  struct dentry *dentry;
  struct vfsmount *vfsmnt;
  struct mount *mnt;
  struct dentry *root_dentry;
  struct vfsmount *root_mnt;
  struct kernfs_node *kn;
  __u32 off;
  __u32 start;
  __u32 complete;
  __u32 detached;
  /* Prefix trie walk state, and the dentries of the path (leaf first) it reads names from. */
  __u32 comps;
  __u32 trie_node;
  __u32 trie_matched;
  __u32 dir_state;  /* the trie state after the directory's components (VIGIL_DIR_*) */
  __u32 gate;       /* VIGIL_GATE_* found by the walk */
  struct dentry *dents[64];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct vigil_walk);
} vigil_walk_map SEC(".maps");

static __always_inline struct vigil_walk *vigil_get_walk(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&vigil_walk_map, &zero);
}

enum vigil_walk_step {
  VIGIL_WALK_COMPONENT, /* *component is the next path component, leaf first */
  VIGIL_WALK_MOUNT,     /* crossed into the mount below: no component this step */
  VIGIL_WALK_END,       /* reached the task's root or the top of the mount tree */
  VIGIL_WALK_DETACHED,  /* *component is a dentry outside any tree (memfd, pipe): the last */
};

/* One step up a path: from a dentry to its parent, or across a mount point. Shared by the walk
 * that copies names and the one that only collects dentries. */
static __always_inline int vigil_walk_advance(struct vigil_walk *w, struct dentry **component) {
  /* Locals, not w->...: inside BPF_CORE_READ the whole expression gets CO-RE relocations, and
   * vigil_walk is our struct, not the kernel's. */
  struct dentry *dentry = w->dentry;
  struct vfsmount *vfsmnt = w->vfsmnt;
  struct mount *mnt = w->mnt;
  if (dentry == w->root_dentry && vfsmnt == w->root_mnt) return VIGIL_WALK_END;
  struct dentry *mnt_root = VIGIL_AS(vfsmount, vfsmnt)->mnt_root;
  struct dentry *parent = VIGIL_AS(dentry, dentry)->d_parent;
  if (dentry == mnt_root || dentry == parent) {
    if (dentry != mnt_root) { /* its own parent but not a mount's root: a pseudo file */
      *component = dentry;
      return VIGIL_WALK_DETACHED;
    }
    struct mount *m = VIGIL_AS(mount, mnt);
    struct mount *mnt_parent = m->mnt_parent;
    if (mnt_parent == mnt) return VIGIL_WALK_END; /* top of the tree */
    w->dentry = m->mnt_mountpoint;
    w->mnt = mnt_parent;
    w->vfsmnt = (struct vfsmount *)((void *)mnt_parent + bpf_core_field_offset(struct mount, mnt));
    return VIGIL_WALK_MOUNT;
  }
  *component = dentry;
  w->dentry = parent;
  return VIGIL_WALK_COMPONENT;
}

static __always_inline void vigil_walk_start(struct vigil_walk *w, struct path *path,
                                             struct path *root) {
  /* `path` and `root` are copies on the BPF stack: plain reads. */
  struct vfsmount *vfsmnt = path->mnt;
  w->dentry = path->dentry;
  w->vfsmnt = vfsmnt;
  w->mnt = container_of(vfsmnt, struct mount, mnt);
  w->root_dentry = root->dentry;
  w->root_mnt = root->mnt;
  w->complete = 0;
  w->detached = 0;
  w->comps = 0;
}

static long vigil_path_step(__u32 index, void *data) {
  struct vigil_walk *w = vigil_get_walk();
  struct vigil_scratch *scratch = vigil_get_scratch();
  if (!w || !scratch) return 1;
  struct dentry *component = 0;
  int step = vigil_walk_advance(w, &component);
  if (step == VIGIL_WALK_END) {
    w->complete = 1;
    return 1;
  }
  if (step == VIGIL_WALK_MOUNT) return 0;
  if (w->off - w->start > VIGIL_PATH_BYTES - VIGIL_NAME_MAX) return 1;
  const unsigned char *name = BPF_CORE_READ(component, d_name.name);
  long n = bpf_probe_read_kernel_str(vigil_at(scratch, w->off), VIGIL_NAME_MAX, name);
  if (n <= 0) return 1;
  w->off += n & (VIGIL_NAME_MAX - 1 + VIGIL_NAME_MAX);
  if (step == VIGIL_WALK_DETACHED) {
    w->complete = 1;
    w->detached = 1;
    return 1;
  }
  return 0;
}

/* Like vigil_path_step, but only remembers each component's dentry (no copying): enough to
 * test path prefixes, a few times cheaper than writing the names out. */
static long vigil_dentry_step(__u32 index, void *data) {
  struct vigil_walk *w = vigil_get_walk();
  if (!w) return 1;
  struct dentry *component = 0;
  int step = vigil_walk_advance(w, &component);
  if (step == VIGIL_WALK_END) {
    w->complete = 1;
    return 1;
  }
  if (step == VIGIL_WALK_DETACHED) { /* no path: no prefix can match */
    w->detached = 1;
    return 1;
  }
  if (step == VIGIL_WALK_COMPONENT) w->dents[w->comps++ & 63] = component;
  return 0;
}

/* Collects the dentries of `path` up to `root` into the walk state (leaf first). */
static __always_inline struct vigil_walk *vigil_collect_dentries(struct path *path,
                                                                 struct path *root) {
  struct vigil_walk *w = vigil_get_walk();
  if (!w) return 0;
  vigil_walk_start(w, path, root);
  bpf_loop(VIGIL_PATH_DEPTH, vigil_dentry_step, 0, 0);
  return w;
}

/* Writes the components of `path` (leaf first, NUL-terminated each) at `off`, stopping at
 * `root` (the task's root: a container's paths come out as the container sees them) or at the
 * root of the mount tree. Returns the bytes written; sets VIGIL_PATH_TRUNCATED in *flags when
 * the path was too deep or too long to keep whole. */
static __always_inline __u32 vigil_write_path(__u32 off, struct path *path, struct path *root,
                                              __u16 *flags) {
  struct vigil_walk *w = vigil_get_walk();
  if (!w) return 0;
  vigil_walk_start(w, path, root);
  w->off = off;
  w->start = off;
  bpf_loop(VIGIL_PATH_DEPTH, vigil_path_step, 0, 0);
  if (!w->complete) *flags |= VIGIL_PATH_TRUNCATED;
  if (w->detached) *flags |= VIGIL_PATH_DETACHED;
  return (w->off - w->start) & (VIGIL_PATH_BYTES - 1 + VIGIL_PATH_BYTES);
}

static long vigil_cgroup_step(__u32 index, void *data) {
  struct vigil_walk *w = vigil_get_walk();
  if (!w) return 1;
  struct vigil_scratch *scratch = vigil_get_scratch();
  struct kernfs_node *kn = w->kn;
  if (!scratch || !kn) return 1;
  struct kernfs_node *parent;
  const char *name;
  if (bpf_core_field_exists(((struct kernfs_node___new *)0)->__parent)) {
    struct kernfs_node___new *node = (void *)kn;
    parent = (void *)BPF_CORE_READ(node, __parent);
    name = BPF_CORE_READ(node, name);
  } else {
    struct kernfs_node___old *node = (void *)kn;
    parent = (void *)BPF_CORE_READ(node, parent);
    name = BPF_CORE_READ(node, name);
  }
  if (!parent) return 1; /* the hierarchy's root: its name is not part of the path */
  if (w->off - w->start > VIGIL_CGROUP_BYTES - VIGIL_NAME_MAX) return 1;
  long n = bpf_probe_read_kernel_str(vigil_at(scratch, w->off), VIGIL_NAME_MAX, name);
  if (n <= 0) return 1;
  w->off += n & (VIGIL_NAME_MAX - 1 + VIGIL_NAME_MAX);
  w->kn = parent;
  return 0;
}

/* Writes the cgroup path of `task` (default hierarchy) leaf first. Returns the bytes written. */
static __always_inline __u32 vigil_write_cgroup(__u32 off, struct task_struct *task) {
  struct vigil_walk *w = vigil_get_walk();
  if (!w) return 0;
  w->kn = BPF_CORE_READ(vigil_task_cgroup(task), kn);
  w->off = off;
  w->start = off;
  bpf_loop(VIGIL_CGROUP_DEPTH, vigil_cgroup_step, 0, 0);
  return (w->off - w->start) & (VIGIL_CGROUP_BYTES - 1 + VIGIL_CGROUP_BYTES);
}

/* new_encode_dev() of the controlling terminal, as /proc/PID/stat's tty_nr; 0 when none. */
static __always_inline __u32 vigil_tty(struct task_struct *task) {
  struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
  if (!tty) return 0;
  __u32 major = BPF_CORE_READ(tty, driver, major);
  __u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
  return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

#endif
