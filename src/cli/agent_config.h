// `vigil run`'s configuration at start and on SIGHUP: the config file with the command line's
// settings on top, the rule files it names (directories expanded), and the checks that decide
// whether a reload can be applied to the running agent without losing events.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/result.h"
#include "config/config.h"
#include "rules/ruleset.h"
#include "sensor/sensor.h"

namespace vigil::cli {

// Reads the config (file and settings) and prints its warnings. The error holds every
// diagnostic.
Result<config::Config> LoadAgentConfig(const AgentOptions& options);
// The config's values in the options the agent reads (rules, format, sensor, audit).
void ApplyConfig(const config::Config& config, AgentOptions& options);
// Files named in rules_files; a directory stands for its *.yaml and *.yml files, sorted.
std::vector<std::string> ExpandRuleFiles(const std::vector<std::string>& entries);
// Sets the diagnostics level from log_level (Falco's names: notice and info are info, ...).
void ApplyLogLevel(const std::string& level);

struct Reloaded {
  config::Config config;
  std::unique_ptr<rules::RuleSet> rules;
};

// SIGHUP: loads and checks the config and the rules anew. An error says why the running ones
// stay: the config or a rule file does not load, or the new rules need events the sensor was
// not started for (syscalls, opens it filters in the kernel; a restart applies them).
// Keys read only at start (ring buffer, Docker socket, audit) are logged when they changed.
Result<Reloaded> ReloadAgentConfig(const AgentOptions& options, const config::Config& running,
                                   const sensor::SensorOptions& attached);

}  // namespace vigil::cli
