// Profiles as documents a person can review and commit: YAML (the default) or JSON, and back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "baseline/profile.h"
#include "common/result.h"

namespace vigil::baseline {

enum class DocumentFormat : uint8_t { kYaml, kJson };

// One profile as a document (stable order, one item per line in YAML).
std::string ExportProfile(const Profile& profile, DocumentFormat format);
// Reads what ExportProfile wrote (YAML or JSON; a JSON array or several documents hold several
// profiles). Errors name `origin`, the line and column, and what is wrong (unknown key, bad
// port, unknown mode).
Result<std::vector<Profile>> ImportProfiles(std::string_view text, std::string_view origin);

}  // namespace vigil::baseline
