// Which opens are worth sending out of the kernel: derived from the loaded rules by the rules
// module (rules/open_interest.h), applied in the kernel by the sensor. Conservative by
// construction: an open that some rule could match always passes. An open passes when any of
// the signals below holds.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace vigil {

struct OpenFilter {
  bool pass_all = true;      // no filtering: every open leaves the kernel
  bool writes = false;       // opens for writing, creating or truncating
  bool failures = false;     // opens that failed
  bool failed_writes = false;  // opens for writing, creating or truncating that failed
  bool raw_dotdot = false;   // opens whose path, as passed, contains "../"
  // Successful opens by processes in a pid namespace of their own (containers): what a
  // baseline learns (baseline/engine.h).
  bool containers = false;
  // Opens whose path as passed contains "../", among those whose file lies at or below one of
  // `dotdot_gate_prefixes` or whose path contains one of `dotdot_gate_contains` (a name part
  // without '/'), or that failed (no file to place). Reading the path as passed costs ~100 ns
  // per open; the gate is a cached directory verdict. Ignored when raw_dotdot is set.
  bool gated_dotdot = false;
  std::vector<std::vector<std::string>> dotdot_gate_prefixes;
  std::set<std::string> dotdot_gate_contains;
  std::set<std::string> comms;    // opens by processes with these names (comm)
  std::set<std::string> leaves;   // opens of files with these names
  std::set<std::string> parents;  // opens of files directly inside directories with these names
  // Opens of files at or below these paths, as components from the root; "*" matches any one
  // component: {"home", "*", ".ssh"} is /home/*/.ssh.
  std::vector<std::vector<std::string>> prefixes;

  static OpenFilter PassAll() { return OpenFilter{}; }
  static OpenFilter PassNone() {
    OpenFilter f;
    f.pass_all = false;
    return f;
  }
  void Merge(const OpenFilter& other);
  std::string Describe() const;  // one line for logs and tests
};

// True when every open `wanted` passes also passes `attached` (so rules that need `wanted`
// can run on a sensor started with `attached`, as on a reload). Conservative: it may say no
// for a filter that happens to be covered. `missing` (if not null) names what is not.
bool OpenFilterCovers(const OpenFilter& attached, const OpenFilter& wanted, std::string* missing);

}  // namespace vigil
