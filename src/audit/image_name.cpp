#include "audit/image_name.h"

#include "common/strings.h"
#include "events/image_ref.h"

namespace vigil::audit {

std::string ImageName::FullyQualified() const {
  if (by_id) return written;
  std::string out = registry + "/" + path;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

ImageName ParseImageName(std::string_view reference) {
  ImageName name;
  name.written = std::string(reference);
  if (reference.starts_with("sha256:") || (reference.size() == 64 && IsHex(reference))) {
    name.by_id = true;
    return name;
  }
  ImageRef ref = ParseImageRef(reference);
  name.digest = ref.digest;
  name.tag = ref.tag;
  std::string_view without_digest = reference.substr(0, reference.find('@'));
  auto slash = without_digest.rfind('/');
  auto colon = without_digest.rfind(':');
  name.tag_written =
      colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash);
  std::string_view repository = ref.repository;
  auto first_slash = repository.find('/');
  std::string_view first = repository.substr(0, first_slash);
  if (first_slash != std::string_view::npos &&
      (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
       first == "localhost")) {
    name.registry = first == "index.docker.io" ? "docker.io" : std::string(first);
    name.path = std::string(repository.substr(first_slash + 1));
  } else {
    name.registry = "docker.io";
    name.path = first_slash == std::string_view::npos ? "library/" + std::string(repository)
                                                      : std::string(repository);
  }
  if (name.registry == "docker.io" && name.path.find('/') == std::string::npos) {
    name.path = "library/" + name.path;
  }
  return name;
}

}  // namespace vigil::audit
