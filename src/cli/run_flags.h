// `vigil run`'s command line: -c FILE, --set key=value, and the flags that predate the config
// file. Every flag has a config key; a flag given on the command line becomes a Setting
// applied over the file, and --set settings come last (docs/CONFIG.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace vigil::cli {

class RunFlags {
 public:
  // Declares the options on `run`; they are bound to this object, which must outlive parsing.
  void Declare(CLI::App& run);
  // After parsing: the config file ("" for none) and the settings, flags first, then --set in
  // order. An error names a malformed --set.
  std::string config_path() const { return config_path_; }
  // `audit`, `audit_policy` and `logs` (when given) come from options declared elsewhere.
  Result<std::vector<config::Setting>> Settings(bool verbose, bool audit,
                                                const std::string& audit_policy,
                                                std::optional<bool> logs = std::nullopt) const;

 private:
  std::string config_path_;
  std::vector<std::string> sets_;
  std::vector<std::string> rule_files_;
  std::string output_;
  std::string min_priority_;
  std::string docker_socket_;
  std::string reader_thread_;
  double duration_s_ = 0;
  std::size_t ring_buffer_mb_ = 0;
  bool stats_ = false;
  bool resolve_names_ = false;
  double stats_interval_ = 0;
  std::string baseline_store_;
  std::string baseline_mode_;
  std::string baseline_key_;
  double baseline_quiet_s_ = 0;
  CLI::Option* baseline_quiet_ = nullptr;
  CLI::Option* duration_ = nullptr;
  CLI::Option* ring_buffer_ = nullptr;
  CLI::Option* stats_interval_option_ = nullptr;
};

}  // namespace vigil::cli
