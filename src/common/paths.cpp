#include "common/paths.h"

#include <vector>

namespace vigil {

std::string NormalizePath(std::string_view path) {
  const bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t start = i;
    while (i < path.size() && path[i] != '/') ++i;
    std::string_view part = path.substr(start, i - start);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  if (absolute) out = "/";
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  if (out.empty() && !absolute && !path.empty()) out = ".";
  return out;
}

std::string AbsolutePath(std::string_view cwd, std::string_view path) {
  if (!path.empty() && path.front() == '/') return NormalizePath(path);
  std::string joined(cwd.empty() ? "/" : cwd);
  joined += '/';
  joined += path;
  return NormalizePath(joined);
}

std::string_view DirName(std::string_view path) {
  auto pos = path.rfind('/');
  if (pos == std::string_view::npos) return {};
  if (pos == 0) return path.substr(0, 1);
  return path.substr(0, pos);
}

std::string_view BaseName(std::string_view path) {
  if (path == "/") return path;
  auto pos = path.rfind('/');
  if (pos == std::string_view::npos) return path;
  return path.substr(pos + 1);
}

}  // namespace vigil
