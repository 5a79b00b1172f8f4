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

// Collapses the parts of an absolute path that vary between runs to "*", component by component:
//  - an all-digit component: /proc/1234/status -> /proc/*/status, /dev/pts/3 -> /dev/pts/*;
//  - a UUID (8-4-4-4-12 hex) anywhere in a name;
//  - a run of letters and digits that is a hash or an id: 8+ hex digits with at least one digit
//    and one letter (container ids, sha256 digests, "nginx-7d9f8c6b5-x2k4p" -> "nginx-*-x2k4p");
//  - a random-looking run of 6+ letters and digits: one that switches between letter and digit,
//    or from lower to upper case, 4 or more times (mktemp's "tmp.aB3xQ9" -> "tmp.*"; words such
//    as "sha256sum", "utf8mb4", "e2fsck", "NetworkManager" switch at most 3 times and stay);
//  - Python's tempfile names, "tmp" + 8 of [a-z0-9_] with a digit or '_' ("tmpk3j_2x9a" -> "tmp*");
//  - a number of 4+ digits inside a name, together with the digits joined to it by date and time
//    separators (- _ : . T): "log.2024-01-02" -> "log.*", "app-20240102T101010Z.log" ->
//    "app-*Z.log", "core.12345" -> "core.*".
// Kept: numbers of 1-3 digits in a name, i.e. versions ("libc.so.6", "libssl.so.3",
// "libstdc++.so.6.0.30", "python3.11", "x86_64-linux-gnu", "mod.cpython-311.pyc": a __pycache__
// name is stable for one interpreter), dots, extensions and "/". Adjacent "*" merge into one,
// so a generalised name is never the fold marker "**". "" and relative paths come back
// unchanged.
std::string GeneralisePath(std::string_view path);

// Whether `patterns` covers the generalised path: it is in the set, or an ancestor directory
// is folded into it ("dir/**").
bool PatternsCover(const std::set<std::string>& patterns, std::string_view generalised);

// Adds a generalised path; when a directory then holds more than `fold_after` distinct
// entries (files or subtrees), they are replaced by "dir/**". Adding "dir/**" itself removes
// every pattern below dir. Returns true when the set covers something it did not before
// (false, and the set unchanged, when `patterns` already covers `generalised`). Relative
// paths and "" are added as they are, never folded.
bool AddPattern(std::set<std::string>& patterns, std::string_view generalised,
                std::size_t fold_after = 32);

}  // namespace vigil::baseline
