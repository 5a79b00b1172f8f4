#include "sensor/hook_probe.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

#include "vigil_probe.skel.h"

namespace vigil::sensor {
namespace {

// Silences libbpf while a program is refused on purpose (the refusal is the answer).
int Quiet(enum libbpf_print_level, const char*, va_list) {
  return 0;
}

// Loads and attaches only `wanted`; empty when both worked, else why not.
std::string Try(bpf_program* (*pick)(vigil_probe_bpf*)) {
  vigil_probe_bpf* skel = vigil_probe_bpf__open();
  if (!skel) return std::strerror(errno);
  bpf_program* wanted = pick(skel);
  bpf_program* p = nullptr;
  bpf_object__for_each_program(p, skel->obj) bpf_program__set_autoload(p, p == wanted);
  std::string why;
  if (int err = vigil_probe_bpf__load(skel); err != 0) {
    why = std::strerror(-err);
  } else if (bpf_link* link = bpf_program__attach(wanted); !link) {
    why = std::strerror(errno);
  } else {
    bpf_link__destroy(link);
  }
  vigil_probe_bpf__destroy(skel);
  return why;
}

}  // namespace

HookSupport ProbeHooks() {
  libbpf_print_fn_t previous = libbpf_set_print(Quiet);
  HookSupport support;
  support.fexit = Try([](vigil_probe_bpf* s) { return s->progs.vigil_probe_fexit; });
  support.lsm = Try([](vigil_probe_bpf* s) { return s->progs.vigil_probe_lsm; });
  libbpf_set_print(previous);
  return support;
}

std::string DescribeHooks(const HookSupport& support) {
  auto one = [](const std::string& why) {
    return why.empty() ? std::string("allowed (not used yet)") : "refused (" + why + ")";
  };
  return "fentry/fexit: " + one(support.fexit) + "; BPF-LSM: " + one(support.lsm);
}

}  // namespace vigil::sensor
