// Shared by the audit tests: real inspect answers (tests/data/audit/, taken from Docker 20.10
// and trimmed) patched per case with JSON merge patches (RFC 7386).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "audit/auditor.h"
#include "audit/policy.h"

namespace vigil::audit::testing_support {

using nlohmann::json;

inline json LoadFixture(const std::string& name) {
  std::ifstream in(std::string(VIGIL_TEST_DATA) + "/audit/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str());
}

// A container started with --read-only --cap-drop ALL --security-opt no-new-privileges
// --user 1000:1000 --memory 64m --cpus 0.5 --pids-limit 64 --network none --health-cmd true
// --cgroupns private, from an image pinned by digest.
inline const json& HardenedContainer() {
  static const json fixture = LoadFixture("container_hardened.json");
  return fixture;
}

// GET /info of the test machine: seccomp only (no AppArmor, SELinux or userns), cgroup v1.
inline const json& DaemonInfo() {
  static const json fixture = LoadFixture("daemon_info.json");
  return fixture;
}

inline json Patched(const json& base, const char* patch) {
  json out = base;
  if (patch && *patch) out.merge_patch(json::parse(patch));
  return out;
}

// The hardened container with `container_patch`, the test daemon with `daemon_patch`.
inline AuditInput Input(const char* container_patch = "", const char* daemon_patch = "") {
  AuditInput input;
  input.container = Patched(HardenedContainer(), container_patch);
  input.daemon = Patched(DaemonInfo(), daemon_patch);
  input.image = {{"RepoTags", {"registry.example.com/team/app:1.4"}},
                 {"RepoDigests", {"registry.example.com/team/app@sha256:" + std::string(64, 'c')}}};
  input.changes = std::vector<PathChange>{};
  return input;
}

inline Policy PolicyFrom(const char* yaml) {
  if (!yaml || !*yaml) return Policy{};
  auto policy = ParsePolicy(yaml, "policy.yaml");
  EXPECT_TRUE(policy) << policy.error().message;
  return policy ? *policy : Policy{};
}

inline std::vector<Finding> FindingsOf(const std::vector<Finding>& findings,
                                       const std::string& check) {
  std::vector<Finding> out;
  for (const Finding& f : findings) {
    if (f.check == check) out.push_back(f);
  }
  return out;
}

inline std::string Describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += "  " + f.check + " [" + std::string(SeverityName(f.severity)) + "] " + f.detail + "\n";
  }
  return out.empty() ? "  (none)\n" : out;
}

}  // namespace vigil::audit::testing_support
