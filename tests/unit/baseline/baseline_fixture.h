// Profiles and scratch files shared by the baseline tests.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "baseline/profile.h"

namespace vigil::baseline::testing_support {

// A profile with every kind of item, and times with nanoseconds.
inline Profile FullProfile(
    std::string key = "alpine@sha256:0123456789abcdef0123456789abcdef",
    std::string image = "alpine:3.20@sha256:0123456789abcdef0123456789abcdef") {
  Profile p;
  p.key = std::move(key);
  p.image = std::move(image);
  p.mode = Mode::kDetecting;
  p.created_ns = 1795755600123456789ull;
  p.changed_ns = 1795755700000000000ull;
  p.seen_ns = 1795755800000000001ull;
  p.processes = {{"/bin/sleep", "/bin/sh"}, {"/bin/sh", ""}, {"/usr/bin/my app", "/bin/sh"}};
  p.files_read = {"/etc/passwd", "/proc/*/status", "/usr/lib/**", "/etc/it's: \"quoted\" #x"};
  p.files_written = {"/tmp/tmp.*"};
  p.syscalls = {"read", "write", "openat", "execve"};
  p.listening = {{"tcp", 8080}, {"udp", 53}};
  p.outbound = {{"tcp", "127.0.0.1", 5432}, {"tcp", "::1", 80}, {"unix", "/run/app.sock", 0}};
  p.users = {{0, "root"}, {33, ""}, {4294967294u, "nobody"}};
  return p;
}

// A directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-baseline-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace vigil::baseline::testing_support
