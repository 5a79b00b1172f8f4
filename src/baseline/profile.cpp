#include "baseline/profile.h"

#include <algorithm>

#include "events/image_ref.h"

namespace vigil::baseline {
namespace {

// What the container's own fields say, completed from `image` where the runtime left them
// empty. A container created from an image id ("sha256:…", no name known) has no repository.
ImageRef PartsOf(const ContainerInfo& c) {
  const bool by_id = c.image.starts_with("sha256:");
  ImageRef parsed = by_id ? ImageRef{} : ParseImageRef(c.image);
  ImageRef parts;
  parts.repository = c.image_repository;
  if (by_id && parts.repository == "sha256") parts.repository.clear();  // id parsed as repo:tag
  if (parts.repository.empty()) parts.repository = parsed.repository;
  parts.tag =
      parts.repository == c.image_repository && !c.image_tag.empty() ? c.image_tag : parsed.tag;
  if (by_id && parts.repository.empty()) parts.tag.clear();
  parts.digest = !c.image_digest.empty() ? c.image_digest : parsed.digest;
  return parts;
}

template <class Set>
std::size_t MergeSet(Set& into, const Set& from) {
  std::size_t added = 0;
  for (const auto& item : from) added += into.insert(item).second ? 1 : 0;
  return added;
}

}  // namespace

std::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kLearning:
      return "learning";
    case Mode::kDetecting:
      return "detecting";
  }
  return "learning";
}

bool ParseMode(std::string_view text, Mode* out) {
  if (text == "learning") {
    *out = Mode::kLearning;
  } else if (text == "detecting") {
    *out = Mode::kDetecting;
  } else {
    return false;
  }
  return true;
}

std::size_t Profile::Merge(const Profile& other) {
  std::size_t added =
      MergeSet(processes, other.processes) + MergeSet(files_read, other.files_read) +
      MergeSet(files_written, other.files_written) + MergeSet(syscalls, other.syscalls) +
      MergeSet(listening, other.listening) + MergeSet(outbound, other.outbound);
  for (const auto& [uid, name] : other.users) {
    auto [it, inserted] = users.emplace(uid, name);
    if (inserted) {
      ++added;
    } else if (it->second.empty() && !name.empty()) {
      it->second = name;  // a name learned later for a known uid is not a new item
    }
  }
  if (other.created_ns != 0 && (created_ns == 0 || other.created_ns < created_ns)) {
    created_ns = other.created_ns;
  }
  changed_ns = std::max(changed_ns, other.changed_ns);
  seen_ns = std::max(seen_ns, other.seen_ns);
  return added;
}

std::size_t Profile::Size() const {
  return processes.size() + files_read.size() + files_written.size() + syscalls.size() +
         listening.size() + outbound.size() + users.size();
}

std::string ProfileKeyFor(const ContainerInfo& container, KeyBy by, std::string_view label) {
  if (by == KeyBy::kContainerName && !container.name.empty()) return "name:" + container.name;
  if (by == KeyBy::kLabel && !label.empty()) {
    if (auto it = container.labels.find(std::string(label)); it != container.labels.end()) {
      return "label:" + it->first + "=" + it->second;
    }
  }
  ImageRef parts = PartsOf(container);
  if (parts.repository.empty()) {
    // Only an image id: the id is the key (another build of the "same" image is another image).
    return !container.image_id.empty() ? container.image_id : container.image;
  }
  if (!parts.digest.empty()) return parts.repository + "@" + parts.digest;
  return parts.repository + ":" + (parts.tag.empty() ? "latest" : parts.tag);
}

std::string ImageDisplayName(const ContainerInfo& container) {
  ImageRef parts = PartsOf(container);
  if (parts.repository.empty()) {
    return !container.image_id.empty() ? container.image_id : container.image;
  }
  std::string name = parts.repository;
  if (!parts.tag.empty() || parts.digest.empty()) {
    name += ":" + (parts.tag.empty() ? std::string("latest") : parts.tag);
  }
  if (!parts.digest.empty()) name += "@" + parts.digest;
  return name;
}

}  // namespace vigil::baseline
