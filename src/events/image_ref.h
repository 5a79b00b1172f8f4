// Splits an image reference as Docker prints it into repository, tag and digest: part of the
// model (ContainerInfo's image fields), shared by the runtime clients, audit and baselines.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

struct ImageRef {
  std::string repository;  // "alpine", "registry.example:5000/team/app"
  std::string tag;         // "3.20"; "latest" when neither a tag nor a digest is given
  std::string digest;      // "sha256:…" when the reference pins one
};

// "alpine" -> {alpine, latest}; "localhost:5000/app:1.2" -> {localhost:5000/app, 1.2};
// "app@sha256:ab" -> {app, "", sha256:ab}; "app:1@sha256:ab" -> {app, 1, sha256:ab}.
ImageRef ParseImageRef(std::string_view reference);

}  // namespace vigil
