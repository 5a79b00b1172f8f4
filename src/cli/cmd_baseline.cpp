// `vigil baseline`: review and edit the learned profiles in a baseline store (docs/BASELINE.md).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "baseline/profile_io.h"
#include "baseline/seccomp.h"
#include "baseline/store.h"
#include "cli/commands.h"
#include "common/clock.h"

namespace vigil::cli {
namespace {

using baseline::Profile;
using baseline::ProfileStore;

constexpr int kOk = 0;
constexpr int kFailure = 1;

int Failed(const std::string& message) {
  fmt::print(stderr, "baseline: {}\n", message);
  return kFailure;
}

// Seconds are enough in a table.
std::string TimeCell(uint64_t ns) {
  if (ns == 0) return "-";
  std::string text = FormatRfc3339(ns);
  if (auto dot = text.find('.'); dot != std::string::npos) text = text.substr(0, dot) + "Z";
  return text;
}

// RFC 3339, null when unknown.
nlohmann::ordered_json TimeJson(uint64_t ns) {
  return ns ? nlohmann::ordered_json(FormatRfc3339(ns)) : nlohmann::ordered_json();
}

// The profile `image` names, or an error that lists what the store has.
Result<Profile> FindOrExplain(ProfileStore& store, const BaselineOptions& options) {
  auto found = store.Find(options.image);
  if (!found) return Fail(found.error());
  if (found->has_value()) return std::move(**found);
  auto list = store.List();
  std::string known;
  if (list) {
    for (const auto& s : *list) known += fmt::format("\n  {} (key {})", s.image, s.key);
  }
  return Fail("no profile for '{}' in {}; {}", options.image, options.store,
              known.empty() ? std::string("the store is empty") : "profiles:" + known);
}

// Writes to -o FILE, or stdout when none.
int WriteOut(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    fmt::print("{}", text);
    return kOk;
  }
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Failed(fmt::format("write {}: {}", path, ErrnoText(errno)));
  return kOk;
}

int List(ProfileStore& store, bool json) {
  auto list = store.List();
  if (!list) return Failed(list.error().message);
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& s : *list) {
      out.push_back({{"image", s.image},
                     {"key", s.key},
                     {"mode", baseline::ModeName(s.mode)},
                     {"items", s.items},
                     {"created", TimeJson(s.created_ns)},
                     {"changed", TimeJson(s.changed_ns)},
                     {"seen", TimeJson(s.seen_ns)}});
    }
    fmt::print("{}\n", out.dump(2));
    return kOk;
  }
  std::size_t image_width = 5;
  for (const auto& s : *list) image_width = std::max(image_width, s.image.size());
  const std::string row = "{:<{}}  {:<9}  {:>6}  {:<20}  {:<20}  {}\n";
  fmt::print(fmt::runtime(row), "IMAGE", image_width, "MODE", "ITEMS", "CREATED", "LAST CHANGE",
             "KEY");
  for (const auto& s : *list) {
    fmt::print(fmt::runtime(row), s.image, image_width, baseline::ModeName(s.mode), s.items,
               TimeCell(s.created_ns), TimeCell(s.changed_ns), s.key);
  }
  return kOk;
}

int Import(ProfileStore& store, const BaselineOptions& options) {
  std::string text;
  if (options.file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(options.file);
    if (!in) return Failed(fmt::format("open {}: {}", options.file, ErrnoText(errno)));
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  auto imported = baseline::ImportProfiles(text, options.file == "-" ? "<stdin>" : options.file);
  if (!imported) return Failed(imported.error().message);
  if (imported->empty()) return Failed(fmt::format("{}: no profiles in it", options.file));
  std::vector<Profile> merged;
  std::vector<std::string> messages;
  const uint64_t now = WallClockNs();
  for (Profile& p : *imported) {
    // Several documents may name one key: merge them too.
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const Profile& m) { return m.key == p.key; });
    if (same != merged.end()) {
      same->Merge(p);
      continue;
    }
    auto existing = store.Load(p.key);
    if (!existing) return Failed(existing.error().message);
    if (existing->has_value()) {
      Profile into = std::move(**existing);
      const std::size_t added = into.Merge(p);
      if (added > 0) into.changed_ns = std::max(into.changed_ns, now);
      messages.push_back(fmt::format("merged into {}: {} new item{} ({} in all)", p.key, added,
                                     added == 1 ? "" : "s", into.Size()));
      merged.push_back(std::move(into));
    } else {
      messages.push_back(
          fmt::format("created {} ({} items, {})", p.key, p.Size(), baseline::ModeName(p.mode)));
      merged.push_back(std::move(p));
    }
  }
  std::vector<const Profile*> pointers;
  for (const auto& p : merged) pointers.push_back(&p);
  if (auto saved = store.SaveAll(pointers); !saved) return Failed(saved.error().message);
  for (const auto& m : messages) fmt::print("{}\n", m);
  return kOk;
}

}  // namespace

CLI::App* AddBaselineCommand(CLI::App& app, BaselineOptions& options) {
  auto* cmd = app.add_subcommand(
      "baseline",
      "Review and edit learned baseline profiles: what the containers of each image normally\n"
      "run, read, write, call, listen on and connect to. Profiles live in an SQLite store\n"
      "(--store, the file `vigil run --baseline` writes); a CLI beside a running agent is fine.\n"
      "IMAGE is a profile key, repository:tag (':latest' when no tag), repository@sha256:…, or\n"
      "a digest sha256:… (12+ hex digits will do). Exit 0 ok, 1 failure (e.g. no such\n"
      "profile: the store's profiles are listed), 2 usage. docs/BASELINE.md has the format.");
  cmd->require_subcommand(1);
  auto store_option = [&options](CLI::App* sub, bool create) {
    sub->add_option("--store", options.store,
                    create ? "Baseline store (SQLite file; created when missing)"
                           : "Baseline store (SQLite file; must exist)")
        ->required();
  };
  auto* list = cmd->add_subcommand(
      "list", "List the profiles: image, mode, items, created, last change and key.");
  store_option(list, false);
  list->add_flag("--json", options.json, "JSON output (an array, times in RFC 3339)");

  auto* show = cmd->add_subcommand("show", "Print one profile as YAML, for reading.");
  store_option(show, false);
  show->add_option("image", options.image, "The profile (IMAGE)")->required();

  auto* export_cmd = cmd->add_subcommand(
      "export", "Write one profile as a document to review, edit, commit and import again.");
  store_option(export_cmd, false);
  export_cmd->add_option("image", options.image, "The profile (IMAGE)")->required();
  export_cmd->add_option("-f,--format", options.format, "yaml (default) or json")
      ->check(CLI::IsMember({"yaml", "json"}));
  export_cmd->add_option("-o,--output", options.output, "File to write (default: stdout)");

  auto* import_cmd = cmd->add_subcommand(
      "import",
      "Read profiles (YAML or JSON, several documents or a JSON array; '-' for stdin) "
      "and merge each into the stored profile of its key, or create it. Says which.");
  store_option(import_cmd, true);
  import_cmd->add_option("file", options.file, "Profile document")->required();

  auto* reset = cmd->add_subcommand(
      "reset", "Remove a profile: the next container of the image starts learning afresh.");
  store_option(reset, false);
  reset->add_option("image", options.image, "The profile (IMAGE)")->required();

  auto* seccomp = cmd->add_subcommand(
      "seccomp",
      "Write a seccomp profile allowing the profile's syscalls (plus what runc needs "
      "to start the container), for `docker run --security-opt seccomp=FILE`. Other "
      "syscalls fail with EPERM.");
  store_option(seccomp, false);
  seccomp->add_option("image", options.image, "The profile (IMAGE)")->required();
  seccomp->add_option("-o,--output", options.output, "File to write (default: stdout)");

  cmd->final_callback([&options, list, show, export_cmd, import_cmd, reset, seccomp] {
    for (auto [sub, name] : {std::pair{list, "list"},
                             {show, "show"},
                             {export_cmd, "export"},
                             {import_cmd, "import"},
                             {reset, "reset"},
                             {seccomp, "seccomp"}}) {
      if (*sub) options.action = name;
    }
  });
  return cmd;
}

int Baseline(const BaselineOptions& options) {
  const bool creates = options.action == "import";
  auto opened =
      creates ? ProfileStore::Open(options.store) : ProfileStore::OpenExisting(options.store);
  if (!opened) return Failed(opened.error().message);
  ProfileStore& store = **opened;

  if (options.action == "list") return List(store, options.json);
  if (options.action == "import") return Import(store, options);

  auto profile = FindOrExplain(store, options);
  if (!profile) return Failed(profile.error().message);
  if (options.action == "show") {
    fmt::print("{}", baseline::ExportProfile(*profile, baseline::DocumentFormat::kYaml));
    return kOk;
  }
  if (options.action == "export") {
    const auto format = options.format == "json" ? baseline::DocumentFormat::kJson
                                                 : baseline::DocumentFormat::kYaml;
    return WriteOut(options.output, baseline::ExportProfile(*profile, format));
  }
  if (options.action == "reset") {
    auto removed = store.Remove(profile->key);
    if (!removed) return Failed(removed.error().message);
    fmt::print("removed {} ({} items)\n", profile->key, profile->Size());
    return kOk;
  }
  if (options.action == "seccomp") {
    auto json = baseline::SeccompProfileJson(*profile);
    if (!json) return Failed(json.error().message);
    return WriteOut(options.output, *json);
  }
  return 2;
}

}  // namespace vigil::cli
