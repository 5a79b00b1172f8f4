#include "cli/agent_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

#include "cli/run_flags.h"

namespace vigil::cli {
namespace {

using testing::HasSubstr;

std::string TempDir(const std::string& name) {
  const std::string dir = testing::TempDir() + name + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

Result<config::Config> Parse(const std::string& command_line) {
  CLI::App app;
  RunFlags flags;
  flags.Declare(app);
  app.parse(command_line);
  auto settings = flags.Settings(false, false, "");
  if (!settings) return Fail(settings.error());
  AgentOptions options;
  options.config_path = flags.config_path();
  options.settings = std::move(*settings);
  return LoadAgentConfig(options);
}

TEST(RunFlags, FlagsOverrideTheFileAndSetOverridesFlags) {
  const std::string dir = TempDir("vigil_run_flags");
  Write(dir + "/vigil.yaml", "json_output: false\nring_buffer_mb: 8\npriority: error\n");
  auto c = Parse("-c " + dir + "/vigil.yaml -o json --ring-buffer-mb 16 --stats");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->json_output);
  EXPECT_EQ(c->ring_buffer_mb, 16u);
  EXPECT_EQ(c->priority, "error") << "not given on the command line: the file's";
  EXPECT_TRUE(c->stats_enabled);
  c = Parse("-c " + dir + "/vigil.yaml -o json --set json_output=false --set ring_buffer_mb=32");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->json_output);
  EXPECT_EQ(c->ring_buffer_mb, 32u);
  c = Parse("-r " + dir + " --min-priority WARNING --duration 2.5 --docker-socket /x.sock");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->rules_files, std::vector<std::string>{dir});
  EXPECT_EQ(c->priority, "warning");
  EXPECT_DOUBLE_EQ(c->duration_s, 2.5);
  EXPECT_EQ(c->docker_socket, "/x.sock");
  c = Parse("--reader-thread on");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->reader_thread, "on");
  EXPECT_TRUE(c->logs_enabled);
  c = Parse("--min-priority loud");
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, HasSubstr("--min-priority loud: error: 'priority' must be"));
  std::filesystem::remove_all(dir);
}

TEST(AgentConfig, RuleDirectoriesExpandToTheirYamlFilesSorted) {
  const std::string dir = TempDir("vigil_rules_dir");
  for (const char* name : {"b.yaml", "a.yml", "notes.txt"}) Write(dir + "/" + name, "");
  std::filesystem::create_directories(dir + "/sub.yaml");
  EXPECT_EQ(ExpandRuleFiles({dir, "/single.yaml"}),
            (std::vector<std::string>{dir + "/a.yml", dir + "/b.yaml", "/single.yaml"}));
  std::filesystem::remove_all(dir);
}

TEST(AgentConfig, ReloadRefusesRulesTheSensorWasNotStartedFor) {
  const std::string dir = TempDir("vigil_reload");
  const std::string rules = dir + "/rules.yaml";
  AgentOptions options;
  config::Setting setting;
  setting.key = "rules_files";
  setting.list = {rules};
  setting.is_list = true;
  setting.origin = "-r";
  options.settings = {setting};
  const config::Config running;

  Write(rules,
        "- rule: cat opens\n  desc: d\n  condition: evt.type = openat and proc.name = cat\n"
        "  output: o\n  priority: WARNING\n");
  sensor::SensorOptions attached;  // opens, every one of them; no other syscall
  auto reloaded = ReloadAgentConfig(options, running, attached);
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  EXPECT_EQ(reloaded->rules->active_count(), 1u);

  attached.open_filter = OpenFilter::PassNone();
  attached.open_filter.comms = {"vi"};
  reloaded = ReloadAgentConfig(options, running, attached);
  ASSERT_FALSE(reloaded);
  EXPECT_THAT(reloaded.error().message,
              HasSubstr("the in-kernel open filter keeps out opens by program cat"));

  Write(rules,
        "- rule: connects\n  desc: d\n  condition: evt.type = connect\n"
        "  output: o\n  priority: WARNING\n");
  reloaded = ReloadAgentConfig(options, running, attached);
  ASSERT_FALSE(reloaded);
  EXPECT_THAT(reloaded.error().message, HasSubstr("syscalls not traced: connect"));
  EXPECT_THAT(reloaded.error().message, HasSubstr("restart vigil"));

  // A rule reading the data of a call needs the buffers kept from the start.
  Write(rules,
        "- rule: class file\n  desc: d\n  condition: evt.type = recvfrom and evt.buffer "
        "bcontains cafebabe\n  output: o\n  priority: WARNING\n");
  attached.syscalls.set(static_cast<std::size_t>(EventType::kRecvfrom));
  reloaded = ReloadAgentConfig(options, running, attached);
  ASSERT_FALSE(reloaded);
  EXPECT_THAT(reloaded.error().message, HasSubstr("data buffers (evt.buffer) are not kept"));
  attached.buffer_bytes = sensor::kBufferSnaplen;
  reloaded = ReloadAgentConfig(options, running, attached);
  EXPECT_TRUE(reloaded) << reloaded.error().message;

  // TCP data dropped in the kernel: a rule that could match it needs a restart.
  attached.drop_tcp_data.set(static_cast<std::size_t>(EventType::kRecvfrom));
  reloaded = ReloadAgentConfig(options, running, attached);
  ASSERT_FALSE(reloaded);
  EXPECT_THAT(reloaded.error().message, HasSubstr("recvfrom on TCP sockets are dropped"));

  Write(rules,
        "- rule: broken\n  desc: d\n  condition: proc.nme = x\n  output: o\n"
        "  priority: WARNING\n");
  reloaded = ReloadAgentConfig(options, running, attached);
  ASSERT_FALSE(reloaded);
  EXPECT_THAT(reloaded.error().message, HasSubstr("the rules do not load"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::cli
