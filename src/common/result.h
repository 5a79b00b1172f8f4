// Result<T> and Error: how every fallible function in vigil reports failure.
//
// An Error says what failed, on what, and why, in one human-readable message
// ("open /etc/vigil.yaml: No such file or directory"). No exceptions cross module boundaries.
#pragma once

#include <expected>
#include <string>
#include <utility>

#include <fmt/core.h>

namespace vigil {

struct Error {
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

// Builds the failure value: `return Fail("parse {}: {}", path, why);`
template <class... Args>
std::unexpected<Error> Fail(fmt::format_string<Args...> format, Args&&... args) {
  return std::unexpected<Error>(Error{fmt::format(format, std::forward<Args>(args)...)});
}

inline std::unexpected<Error> Fail(Error error) { return std::unexpected<Error>(std::move(error)); }

// errno as text, e.g. "No such file or directory".
std::string ErrnoText(int err);

}  // namespace vigil
