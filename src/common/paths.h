// Lexical path handling: no file system access.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// Collapses "//", "." and ".." lexically; ".." at the root stays at the root.
// "/tmp/../etc//shadow" -> "/etc/shadow". A relative input stays relative.
std::string NormalizePath(std::string_view path);

// `path` made absolute against `cwd` (itself absolute), then normalised.
std::string AbsolutePath(std::string_view cwd, std::string_view path);

// "/etc/shadow" -> "/etc"; "/shadow" -> "/"; "shadow" -> "".
std::string_view DirName(std::string_view path);
// "/etc/shadow" -> "shadow"; "/" -> "/".
std::string_view BaseName(std::string_view path);

}  // namespace vigil
