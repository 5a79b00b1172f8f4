// A baseline profile: what the containers of one image normally do. Learned from events
// (baseline/engine.h), kept in a store (baseline/store.h), reviewed as YAML or JSON
// (baseline/profile_io.h), turned into a seccomp profile (baseline/seccomp.h).
//
// Plain values; not thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "events/container.h"

namespace vigil::baseline {

// kLearning: new behaviour is added to the profile. kDetecting: new behaviour is an alert.
enum class Mode : uint8_t { kLearning, kDetecting };
std::string_view ModeName(Mode mode);  // "learning", "detecting"
bool ParseMode(std::string_view text, Mode* out);

// A program run in the container and the program that started it.
struct ProcessEntry {
  std::string exe;     // the executed file (proc.exepath), e.g. /bin/sleep
  std::string parent;  // the parent's executed file; empty when the parent is outside the
                       // container (the entrypoint, `docker exec`) or unknown
  auto operator<=>(const ProcessEntry&) const = default;
};

// A listening socket: "tcp" or "udp" (or "tcp6"-less: the family is not part of it) and port.
struct PortEntry {
  std::string proto;  // tcp, udp, or another l4 name
  uint16_t port = 0;
  auto operator<=>(const PortEntry&) const = default;
};

// An outbound peer: protocol, the remote address as text (IPv4 dotted, IPv6 RFC 5952, or a
// unix socket path) and port (0 for unix sockets).
struct PeerEntry {
  std::string proto;
  std::string address;
  uint16_t port = 0;
  auto operator<=>(const PeerEntry&) const = default;
};

struct Profile {
  std::string key;    // the store's key: ProfileKeyFor()
  std::string image;  // as people name it: repository:tag, or repository@digest
  Mode mode = Mode::kLearning;
  uint64_t created_ns = 0;  // wall clock, ns since the epoch
  uint64_t changed_ns = 0;  // when something new was last added (promotion counts from here)
  uint64_t seen_ns = 0;     // when a container of the image was last seen

  std::set<ProcessEntry> processes;
  // Generalised path patterns (baseline/paths.h): numbered, hashed and random parts collapsed
  // to "*", deep trees folded to "dir/**".
  std::set<std::string> files_read;
  std::set<std::string> files_written;
  std::set<std::string> syscalls;  // names as the kernel's x86_64 table has them ("openat")
  std::set<PortEntry> listening;
  std::set<PeerEntry> outbound;
  std::map<uint32_t, std::string> users;  // uid -> name ("" when unknown)

  // Adds everything `other` has that this lacks (keeping key, image, mode; created_ns the
  // earlier, seen_ns/changed_ns the later). Returns how many items were new.
  std::size_t Merge(const Profile& other);
  // Number of learned items across all sets.
  std::size_t Size() const;
  bool operator==(const Profile&) const = default;
};

// How profiles are keyed (`vigil run --baseline-key`).
enum class KeyBy : uint8_t { kImage, kContainerName, kLabel };

// The profile key of a container: by image, "repository@sha256:…" when the digest is known,
// else "repository:tag" (tag "latest" when none); by name, "name:<container name>"; by label,
// "label:<key>=<value>" (falling back to the image key when the container lacks the label).
std::string ProfileKeyFor(const ContainerInfo& container, KeyBy by = KeyBy::kImage,
                          std::string_view label = {});
// The image as people name it, for Profile::image: "repository:tag", plus "@digest" if known.
std::string ImageDisplayName(const ContainerInfo& container);

}  // namespace vigil::baseline
