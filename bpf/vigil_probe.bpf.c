// SPDX-License-Identifier: GPL-2.0
/* Which hook types this kernel allows, asked at start (src/sensor/hook_probe.cpp): empty
 * programs of each kind, loaded and attached one at a time, then dropped. Where fexit is
 * allowed, an fexit on do_filp_open sees the kernel's copy of an opened path (not the user
 * memory a process could rewrite); BPF-LSM hooks could refuse an operation. Both fail with
 * EPERM on kernels whose policy forbids them; vigil works with tracepoints alone. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("fexit/do_filp_open")
int BPF_PROG(vigil_probe_fexit, int dfd, struct filename *name, const struct open_flags *op,
             struct file *ret) {
  return 0;
}

SEC("lsm/file_open")
int BPF_PROG(vigil_probe_lsm, struct file *file, int ret) {
  return ret;
}
