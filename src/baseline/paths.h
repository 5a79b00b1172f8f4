// Path generalisation for baseline profiles: the files of one image differ between containers
// and runs only in numbers, hashes and random names; profiles hold the general form so that a
// second run of the same workload matches the first.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

namespace vigil::baseline {

// Collapses the parts of an absolute path that vary between runs to "*": all-digit components
// (/proc/1234/status -> /proc/*/status), hex or base64-like runs of 8+ characters (hashes,
// container ids), UUIDs, and random-looking names (mixed letters and digits like mktemp's
// "tmp.aB3xQ9"); digits inside a name ("log.2024-01-02" -> "log.*") likewise. Keeps "/" and
// file extensions. "" and relative paths come back unchanged.
std::string GeneralisePath(std::string_view path);

// Whether `patterns` covers the generalised path: it is in the set, or an ancestor directory
// is folded into it ("dir/**").
bool PatternsCover(const std::set<std::string>& patterns, std::string_view generalised);

// Adds a generalised path; when a directory then holds more than `fold_after` distinct
// entries (files or subtrees), they are replaced by "dir/**". Returns true when the set
// covers something it did not before.
bool AddPattern(std::set<std::string>& patterns, std::string_view generalised,
                std::size_t fold_after = 32);

}  // namespace vigil::baseline
