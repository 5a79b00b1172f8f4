#include "events/image_ref.h"

namespace vigil {

ImageRef ParseImageRef(std::string_view reference) {
  ImageRef ref;
  if (auto at = reference.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(reference.substr(at + 1));
    reference = reference.substr(0, at);
  }
  auto slash = reference.rfind('/');
  auto colon = reference.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(reference.substr(colon + 1));
    reference = reference.substr(0, colon);
  } else if (ref.digest.empty()) {
    ref.tag = "latest";
  }
  ref.repository = std::string(reference);
  return ref;
}

}  // namespace vigil
