// The baseline store: profiles in an SQLite database (WAL journal), so that learning survives
// restarts and a kill -9 in the middle of a write leaves the last committed state intact.
//
// One ProfileStore per thread (SQLite's connection is not shared); several processes may open
// the same file (a `vigil baseline list` beside a running agent).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "baseline/profile.h"
#include "common/result.h"

namespace vigil::baseline {

struct ProfileSummary {
  std::string key;
  std::string image;
  Mode mode = Mode::kLearning;
  uint64_t created_ns = 0;
  uint64_t changed_ns = 0;
  uint64_t seen_ns = 0;
  std::size_t items = 0;  // Profile::Size()
};

class ProfileStore {
 public:
  // Opens the database at `path`, creating it (and its schema) when missing. Errors say
  // which file and why (not a vigil store, newer schema, unreadable).
  static Result<std::unique_ptr<ProfileStore>> Open(const std::string& path);
  // Opens an existing store only: an error (naming the file) when it is missing, instead of
  // creating an empty one. For commands that only read (`vigil baseline list`).
  static Result<std::unique_ptr<ProfileStore>> OpenExisting(const std::string& path);
  virtual ~ProfileStore() = default;

  virtual Result<std::vector<ProfileSummary>> List() = 0;
  virtual Result<std::vector<Profile>> LoadAll() = 0;
  virtual Result<std::optional<Profile>> Load(std::string_view key) = 0;
  // Finds the profile a user means: its key, "repository:tag" (":latest" when no tag),
  // "repository@sha256:…", or a digest "sha256:…" (a unique prefix of 12+ hex digits will do).
  // An error when several match.
  virtual Result<std::optional<Profile>> Find(std::string_view image) = 0;
  // Writes the profile as it is (replacing what the store had under its key), in one
  // transaction: afterwards Load(key) returns an equal Profile.
  virtual Status Save(const Profile& profile) = 0;
  // Several profiles in one transaction (the agent's periodic flush).
  virtual Status SaveAll(const std::vector<const Profile*>& profiles) = 0;
  // Removes a profile; false when there was none.
  virtual Result<bool> Remove(std::string_view key) = 0;
};

}  // namespace vigil::baseline
