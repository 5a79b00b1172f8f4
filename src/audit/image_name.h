// An image reference as Docker resolves it: registry, repository path, tag, digest.
#pragma once

#include <string>
#include <string_view>

namespace vigil::audit {

struct ImageName {
  std::string written;   // as the container was created from
  bool by_id = false;    // "sha256:…" or a bare 64-hex image id: pinned by content
  std::string registry;  // "docker.io", "ghcr.io", "localhost:5000"
  std::string path;      // "library/nginx", "acme/app"
  std::string tag;       // "latest" when none is written (and no digest)
  bool tag_written = false;
  std::string digest;  // "sha256:…" when pinned

  // "docker.io/library/nginx:1.27", with "@digest" when pinned.
  std::string FullyQualified() const;
};

// Docker's rules: a first component with '.' or ':' (or "localhost") is a registry host,
// otherwise the image is on docker.io, under library/ when it has a single component.
ImageName ParseImageName(std::string_view reference);

}  // namespace vigil::audit
