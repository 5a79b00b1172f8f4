// Drift: what changed in a running container's writable layer since it started from its
// image (GET /containers/{id}/changes), executables called out.
#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "audit/check.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

constexpr uint32_t kModeDir = 1u << 31;      // Go's os.ModeDir
constexpr uint32_t kModeSymlink = 1u << 27;  // Go's os.ModeSymlink
constexpr uint32_t kModeTypeMask = 0xff000000u;

constexpr std::array<std::string_view, 14> kExecutableDirs{
    "/bin",           "/sbin",       "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
    "/lib",           "/lib32",      "/lib64",   "/usr/lib",  "/usr/lib32",     "/usr/lib64",
    "/usr/local/lib", "/usr/libexec"};

bool UnderExecutableDir(std::string_view path) {
  return std::any_of(kExecutableDirs.begin(), kExecutableDirs.end(), [&](std::string_view dir) {
    return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
  });
}

// `sorted_paths`: every changed path, sorted, so a directory's children follow it.
bool IsDirectory(const PathChange& change, const std::vector<std::string_view>& sorted_paths) {
  if (change.mode) return (*change.mode & kModeDir) != 0;
  // Mode unknown: a path that prefixes another changed path is a directory.
  const std::string prefix = change.path + "/";
  auto next = std::lower_bound(sorted_paths.begin(), sorted_paths.end(), prefix);
  return next != sorted_paths.end() && next->starts_with(prefix);
}

std::string_view KindName(PathChange::Kind kind) {
  switch (kind) {
    case PathChange::Kind::kAdded:
      return "added";
    case PathChange::Kind::kDeleted:
      return "deleted";
    case PathChange::Kind::kModified:
      return "changed";
  }
  return "changed";
}

// "/bin/evil (added, mode 0755, executable bits, under a binary directory)"; empty when the
// change is not executable by what we can tell.
std::string ExecutableReason(const PathChange& change) {
  const bool under_dir = UnderExecutableDir(change.path);
  const bool symlink = change.mode && (*change.mode & kModeSymlink) != 0;
  const bool exec_bits =
      change.mode && !symlink && (*change.mode & kModeTypeMask) == 0 && (*change.mode & 0111) != 0;
  if (!under_dir && !exec_bits) return {};
  std::string reason =
      fmt::format("{} ({}", EscapeForDisplay(change.path, 256), KindName(change.kind));
  if (change.mode)
    reason += fmt::format(", mode {:04o}{}", *change.mode & 07777, symlink ? " symlink" : "");
  if (exec_bits) reason += ", executable bits";
  if (under_dir) reason += ", under a binary/library directory";
  return reason + ")";
}

void Drift(const CheckContext& context, FindingSink& sink) {
  if (!context.input.changes) return;
  const auto& changes = *context.input.changes;
  std::vector<std::string_view> sorted_paths;
  for (const PathChange& change : changes) sorted_paths.push_back(change.path);
  std::sort(sorted_paths.begin(), sorted_paths.end());
  std::vector<std::string> executables;
  std::vector<std::string> others;
  int counts[3] = {0, 0, 0};
  for (const PathChange& change : changes) {
    if (change.kind != PathChange::Kind::kDeleted && IsDirectory(change, sorted_paths)) continue;
    ++counts[static_cast<int>(change.kind)];
    std::string reason = ExecutableReason(change);
    if (!reason.empty()) {
      executables.push_back(std::move(reason));
    } else {
      others.push_back(
          fmt::format("{} ({})", EscapeForDisplay(change.path, 256), KindName(change.kind)));
    }
  }
  if (executables.empty() && others.empty()) return;
  constexpr std::size_t kShown = 10;
  auto list = [](std::vector<std::string> items) {
    std::size_t total = items.size();
    if (total > kShown) items.resize(kShown);
    std::string text = Join(items, ", ");
    return total > kShown ? fmt::format("{} and {} more", text, total - kShown) : text;
  };
  std::string summary =
      fmt::format("{} added, {} changed, {} deleted since start", counts[1], counts[0], counts[2]);
  if (!executables.empty()) {
    sink.Add(Severity::kHigh, fmt::format("{}; executable paths: {}{}", summary, list(executables),
                                          others.empty() ? "" : "; other: " + list(others)));
  } else {
    sink.Add(Severity::kLow, fmt::format("{}: {}", summary, list(others)));
  }
}

constexpr Check kChecks[] = {
    {"drift", "Container drifted from its image", Severity::kHigh, Scope::kContainer, "",
     "A container should run what its image holds. Files added or changed under binary and "
     "library directories, or with executable bits, after start are how intruders install "
     "tools and persistence (high); other changes are reported as low. Examined for running "
     "containers only; modes come from the engine's archive stat, so executable bits are known "
     "for added and changed files, not for deleted ones.",
     "Find out what wrote the files (vigil run alerts, docker diff), rebuild the image if the "
     "change is legitimate, and run with --read-only so drift cannot happen.",
     Drift},
};

}  // namespace

std::span<const Check> DriftChecks() {
  return kChecks;
}

}  // namespace vigil::audit
