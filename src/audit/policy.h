// The trust policy `vigil audit --policy FILE` reads (docs/AUDIT.md has the format):
// trusted registries, digest pinning, allowed and denied images, allowed capabilities,
// whether root is allowed, per-check severity overrides and exemptions by container label.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/severity.h"
#include "common/result.h"

namespace vigil::audit {

// Container labels that exempt it from some checks.
struct Exemption {
  // Every label must be present, its value matching the glob (common/glob.h).
  std::map<std::string, std::string> labels;
  std::vector<std::string> checks;  // check ids, or globs over them ("*" for all)
  std::string reason;               // reported with each exempted finding
};

struct Policy {
  std::string source;  // the file it came from; empty for the built-in defaults
  // Globs. Without a '/', a pattern names a registry host ("registry.example.com",
  // "*.corp.example", "docker.io"); with one, a repository under it ("ghcr.io/acme/*").
  // Empty: every registry is trusted (the untrusted-registry check is off).
  std::vector<std::string> trusted_registries;
  bool require_digest = false;  // image-not-pinned becomes high
  // Globs over the image reference, as written and fully qualified
  // ("nginx:1.27" and "docker.io/library/nginx:1.27"). When `allowed_images` is not empty an
  // image must match one; an image that matches `denied_images` is refused either way.
  std::vector<std::string> allowed_images;
  std::vector<std::string> denied_images;
  // Capability names without CAP_, upper case ("NET_BIND_SERVICE"): capabilities-added does
  // not report these.
  std::vector<std::string> allowed_capabilities;
  bool allow_root = false;  // true: root-user is off
  // Check id -> severity for all its findings; nullopt turns the check off.
  std::map<std::string, std::optional<Severity>> severity_overrides;
  std::vector<Exemption> exemptions;
};

// Parses a policy. Every error is reported, each as `file:line:col: error: message`, then the
// line and a caret (as `vigil rules validate` does), all in the Error's message.
Result<Policy> ParsePolicy(std::string_view text, std::string_view file_name);
// Reads and parses a policy file.
Result<Policy> LoadPolicy(const std::string& path);

// "CAP_SYS_ADMIN", "sys_admin" -> "SYS_ADMIN".
std::string NormalizeCapability(std::string_view name);

}  // namespace vigil::audit
