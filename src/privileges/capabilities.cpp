#include "privileges/capabilities.h"

#include <fmt/core.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include <cctype>
#include <cerrno>
#include <filesystem>
#include <memory>

namespace vigil::privileges {
namespace {

struct CapFree {
  void operator()(void* p) const { cap_free(p); }
};
using CapHandle = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

// How many capabilities the running kernel has (CAP_LAST_CAP + 1), at most 64.
int KernelCapCount() {
  const int bits = static_cast<int>(cap_max_bits());
  return bits > 0 && bits <= 64 ? bits : CAP_LAST_CAP + 1;
}

CapSet Flags(cap_t caps, cap_flag_t which) {
  CapSet set;
  for (int c = 0; c < KernelCapCount(); ++c) {
    cap_flag_value_t value = CAP_CLEAR;
    if (cap_get_flag(caps, static_cast<cap_value_t>(c), which, &value) == 0 && value == CAP_SET) {
      set.set(static_cast<std::size_t>(c));
    }
  }
  return set;
}

CapSet Bounding() {
  CapSet set;
  for (int c = 0; c < KernelCapCount(); ++c) {
    if (cap_get_bound(static_cast<cap_value_t>(c)) == 1) set.set(static_cast<std::size_t>(c));
  }
  return set;
}

}  // namespace

CapSet Caps(std::initializer_list<int> caps) {
  CapSet set;
  for (int c : caps) set.set(static_cast<std::size_t>(c));
  return set;
}

std::string CapabilityName(int cap) {
  if (cap >= 0 && cap <= CAP_LAST_CAP) {
    if (char* name = cap_to_name(static_cast<cap_value_t>(cap))) {
      std::string text = name;
      cap_free(name);
      // libcap names a capability it does not know by its number.
      if (!text.empty() && !std::isdigit(static_cast<unsigned char>(text[0]))) {
        return text;
      }
    }
  }
  return fmt::format("cap_{}", cap);
}

std::string FormatCaps(const CapSet& caps, const char* separator) {
  std::string text;
  for (std::size_t c = 0; c < caps.size(); ++c) {
    if (!caps.test(c)) continue;
    if (!text.empty()) text += separator;
    text += CapabilityName(static_cast<int>(c));
  }
  return text.empty() ? "none" : text;
}

CapSet NeededAfterAttach(bool web_server, uint32_t web_server_port) {
  CapSet needed = Caps({CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH});
  if (web_server && web_server_port < 1024) needed.set(CAP_NET_BIND_SERVICE);
  return needed;
}

Result<int> ThreadCount() {
  std::error_code ec;
  int count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/task", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  if (ec) return Fail("list /proc/self/task: {}", ec.message());
  return count;
}

Result<ProcessCaps> CurrentCaps() {
  CapHandle caps(cap_get_proc());
  if (!caps) return Fail("read capabilities: {}", ErrnoText(errno));
  return ProcessCaps{Flags(caps.get(), CAP_EFFECTIVE), Flags(caps.get(), CAP_PERMITTED),
                     Bounding()};
}

Result<bool> WorksWithOnly(const CapSet& keep, const std::function<bool()>& check) {
  CapHandle saved(cap_get_proc());
  if (!saved) return Fail("read capabilities: {}", ErrnoText(errno));
  CapHandle reduced(cap_dup(saved.get()));
  if (!reduced || cap_clear_flag(reduced.get(), CAP_EFFECTIVE) != 0) {
    return Fail("copy capabilities: {}", ErrnoText(errno));
  }
  const CapSet effective = keep & Flags(saved.get(), CAP_PERMITTED);
  for (int c = 0; c < KernelCapCount(); ++c) {
    const cap_value_t value = static_cast<cap_value_t>(c);
    if (effective.test(static_cast<std::size_t>(c)) &&
        cap_set_flag(reduced.get(), CAP_EFFECTIVE, 1, &value, CAP_SET) != 0) {
      return Fail("copy capabilities: {}", ErrnoText(errno));
    }
  }
  if (cap_set_proc(reduced.get()) != 0) return Fail("lower capabilities: {}", ErrnoText(errno));
  const bool works = check();
  if (cap_set_proc(saved.get()) != 0) return Fail("restore capabilities: {}", ErrnoText(errno));
  return works;
}

Result<DropResult> DropCapabilitiesExcept(const CapSet& keep) {
  auto threads = ThreadCount();
  if (!threads) return Fail(threads.error());
  if (*threads != 1) {
    return Fail(
        "drop capabilities: {} threads run, and capabilities belong to each thread: they must be "
        "dropped before any other thread starts",
        *threads);
  }
  auto before = CurrentCaps();
  if (!before) return Fail(before.error());

  DropResult result;
  // The bounding set first: trimming it needs CAP_SETPCAP, about to go.
  if (before->effective.test(CAP_SETPCAP)) {
    result.bounding_trimmed = true;
    for (int c = 0; c < KernelCapCount(); ++c) {
      const auto bit = static_cast<std::size_t>(c);
      if (keep.test(bit) || !before->bounding.test(bit)) continue;
      if (cap_drop_bound(static_cast<cap_value_t>(c)) != 0) {
        return Fail("drop {} from the bounding set: {}", CapabilityName(c), ErrnoText(errno));
      }
    }
  }
  // Ambient capabilities would survive an exec; a kernel without them has none to clear.
  if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() != 0) {
    return Fail("clear the ambient capabilities: {}", ErrnoText(errno));
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return Fail("set no_new_privs: {}", ErrnoText(errno));
  }
  CapHandle caps(cap_init());  // every flag clear, the inheritable set too
  if (!caps) return Fail("drop capabilities: {}", ErrnoText(errno));
  const CapSet kept = keep & before->permitted;
  for (int c = 0; c < KernelCapCount(); ++c) {
    if (!kept.test(static_cast<std::size_t>(c))) continue;
    const cap_value_t value = static_cast<cap_value_t>(c);
    if (cap_set_flag(caps.get(), CAP_PERMITTED, 1, &value, CAP_SET) != 0 ||
        cap_set_flag(caps.get(), CAP_EFFECTIVE, 1, &value, CAP_SET) != 0) {
      return Fail("drop capabilities: {}: {}", CapabilityName(c), ErrnoText(errno));
    }
  }
  if (cap_set_proc(caps.get()) != 0) return Fail("drop capabilities: {}", ErrnoText(errno));

  auto after = CurrentCaps();
  if (!after) return Fail(after.error());
  result.kept = after->permitted;
  result.dropped = before->permitted & ~after->permitted;
  result.bounding = after->bounding;
  return result;
}

std::string DescribeDrop(const DropResult& result) {
  std::string bounding;
  if (result.bounding == result.kept) {
    bounding = "the same";
  } else {
    bounding = FormatCaps(result.bounding) +
               (result.bounding_trimmed ? "" : ", as given: no cap_setpcap to trim it");
  }
  return fmt::format("capabilities now: {} (dropped: {}; bounding set: {})",
                     FormatCaps(result.kept), FormatCaps(result.dropped, ", "), bounding);
}

}  // namespace vigil::privileges
