#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace vigil::config {
namespace {

using testing::HasSubstr;
using testing::Not;

Config Parse(const std::string& text) {
  auto loaded = ParseConfig(text, "vigil.yaml");
  EXPECT_TRUE(loaded) << loaded.error().message;
  return loaded ? loaded->config : Config{};
}

std::string ErrorOf(const std::string& text) {
  auto loaded = ParseConfig(text, "vigil.yaml");
  EXPECT_FALSE(loaded) << text;
  return loaded ? std::string() : loaded.error().message;
}

TEST(Config, EmptyFileGivesTheDefaults) {
  Config c = Parse("");
  EXPECT_TRUE(c.rules_files.empty());
  EXPECT_EQ(c.priority, "debug");
  EXPECT_FALSE(c.json_output);
  EXPECT_TRUE(c.stdout_enabled);
  EXPECT_FALSE(c.file.enabled);
  EXPECT_EQ(c.file.filename, "./events.txt");
  EXPECT_EQ(c.ring_buffer_mb, 4u);
  EXPECT_EQ(c.docker_socket, "/var/run/docker.sock");
  EXPECT_EQ(c.output_queue_size, 10000u);
}

TEST(Config, ReadsEveryKind) {
  Config c = Parse(R"(
rules_files:
  - /etc/vigil/a.yaml
  - /etc/vigil/rules.d
priority: WARNING
json_output: true
json_include_tags_property: false
file_output:
  enabled: true
  keep_alive: true
  filename: /var/log/vigil.json
http_output:
  enabled: true
  url: http://127.0.0.1:2801/
  timeout: 2.5
  spill_file: /var/lib/vigil/spill
outputs:
  rate: 1.5
  max_burst: 20
  dedup_window: 60
ring_buffer_mb: 16
stats:
  enabled: true
  interval: 30
)");
  EXPECT_EQ(c.rules_files, (std::vector<std::string>{"/etc/vigil/a.yaml", "/etc/vigil/rules.d"}));
  EXPECT_EQ(c.priority, "warning");
  EXPECT_TRUE(c.json_output);
  EXPECT_FALSE(c.json_include_tags_property);
  EXPECT_TRUE(c.file.enabled);
  EXPECT_TRUE(c.file.keep_alive);
  EXPECT_EQ(c.file.filename, "/var/log/vigil.json");
  EXPECT_EQ(c.http.url, "http://127.0.0.1:2801/");
  EXPECT_DOUBLE_EQ(c.http.timeout_s, 2.5);
  EXPECT_EQ(c.http.spill_file, "/var/lib/vigil/spill");
  EXPECT_DOUBLE_EQ(c.rate_limit_rate, 1.5);
  EXPECT_EQ(c.rate_limit_max_burst, 20u);
  EXPECT_DOUBLE_EQ(c.dedup_window_s, 60);
  EXPECT_EQ(c.ring_buffer_mb, 16u);
  EXPECT_TRUE(c.stats_enabled);
  EXPECT_DOUBLE_EQ(c.stats_interval_s, 30);
}

// Every kind of error, with its line, column and caret.
struct ErrorCase {
  const char* name;
  const char* text;
  const char* expected;  // a substring of the message
};

class ConfigErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrors, ReportsPositionAndCaret) {
  const std::string message = ErrorOf(GetParam().text);
  EXPECT_THAT(message, HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    All, ConfigErrors,
    testing::Values(
        ErrorCase{"UnknownKey", "json_output: true\nfoo: 1\n",
                  "vigil.yaml:2:1: error: unknown key 'foo'\n  foo: 1\n  ^"},
        ErrorCase{"Typo", "json_outptu: true\n",
                  "vigil.yaml:1:1: error: unknown key 'json_outptu' (did you mean 'json_output'?)"},
        ErrorCase{"UnknownNested", "file_output:\n  enabled: true\n  filname: x\n",
                  "vigil.yaml:3:3: error: unknown key 'file_output.filname' (did you mean "
                  "'file_output.filename'?)\n    filname: x\n    ^"},
        ErrorCase{"WrongTypeBool", "json_output: maybe\n",
                  "vigil.yaml:1:14: error: 'json_output' must be true or false\n  json_output: "
                  "maybe\n               ^"},
        ErrorCase{"WrongTypeString", "file_output:\n  filename: [a, b]\n",
                  "vigil.yaml:2:13: error: 'file_output.filename' must be a string"},
        ErrorCase{"WrongTypeList", "rules_files: {a: b}\n",
                  "vigil.yaml:1:14: error: 'rules_files' must be a list of strings"},
        ErrorCase{"OutOfRange", "ring_buffer_mb: 4096\n",
                  "vigil.yaml:1:17: error: 'ring_buffer_mb' must be a whole number from 1 to 1024"},
        ErrorCase{"Negative", "outputs:\n  rate: -1\n",
                  "vigil.yaml:2:9: error: 'outputs.rate' must be a number from 0 to"},
        ErrorCase{"NotANumber", "stats:\n  interval: soon\n",
                  "vigil.yaml:2:13: error: 'stats.interval' must be a number"},
        ErrorCase{"BadEnum", "priority: loud\n",
                  "vigil.yaml:1:11: error: 'priority' must be one of emergency, alert"},
        ErrorCase{"SectionNotMap", "file_output: true\n",
                  "vigil.yaml:1:14: error: 'file_output' must be a map of its keys"},
        ErrorCase{"Duplicate", "json_output: true\njson_output: false\n",
                  "vigil.yaml:2:1: error: duplicate key 'json_output'"},
        ErrorCase{"NotAMap", "- a\n- b\n", "vigil.yaml:1:1: error: a config file is a YAML map"},
        ErrorCase{"BadYaml", "a: [b\n", "vigil.yaml:"},
        ErrorCase{"SecondDocument", "- a\njson_output: true\n",
                  "vigil.yaml:2:1: error: a second YAML document"},
        ErrorCase{"ExplicitSecondDocument", "json_output: true\n---\npriority: debug\n",
                  "vigil.yaml:2:1: error: a second YAML document"},
        // yaml-cpp's LoadAll never returned on this one (found by fuzz_config).
        ErrorCase{"AnchoredEmptyDocument", "&\xe0#,,,,,,,,,,,,,,nde", "a second YAML document"},
        ErrorCase{"ProgramWithoutCommand", "program_output:\n  enabled: true\n",
                  "vigil.yaml:2:12: error: program_output is enabled but "
                  "'program_output.program' names no command"},
        ErrorCase{"HttpWithoutUrl", "http_output:\n  enabled: true\n  url: ftp://x\n",
                  "vigil.yaml:3:8: error: http_output is enabled but 'http_output.url' is not"},
        ErrorCase{"WebServerTlsWithoutCertificate",
                  "webserver:\n  ssl_enabled: true\n  ssl_certificate: ''\n",
                  "vigil.yaml:3:20: error: webserver.ssl_enabled is true but "
                  "'webserver.ssl_certificate' names no PEM file"},
        ErrorCase{"WebServerAddress", "webserver:\n  listen_address: localhost\n",
                  "vigil.yaml:2:19: error: 'webserver.listen_address' must be an IPv4 address"},
        ErrorCase{"WebServerPort", "webserver:\n  listen_port: 70000\n",
                  "vigil.yaml:2:16: error: 'webserver.listen_port' must be a whole number from 1 "
                  "to 65535"},
        ErrorCase{"BackoffOrder",
                  "http_output:\n  retry_initial_backoff: 10\n  retry_max_backoff: 1\n",
                  "vigil.yaml:2:26: error: 'http_output.retry_initial_backoff' is longer"}),
    [](const testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(Config, EveryErrorInOneRun) {
  const std::string message = ErrorOf("foo: 1\njson_output: 3\nring_buffer_mb: 0\n");
  EXPECT_THAT(message, HasSubstr("vigil.yaml:1:1: error: unknown key 'foo'"));
  EXPECT_THAT(message, HasSubstr("vigil.yaml:2:14: error: 'json_output'"));
  EXPECT_THAT(message, HasSubstr("vigil.yaml:3:17: error: 'ring_buffer_mb'"));
}

TEST(Config, FalcoKeysAreIgnoredWithAWarning) {
  auto loaded = ParseConfig(R"(
rules_files: [/etc/falco/falco_rules.yaml]
plugins:
  - name: k8saudit
load_plugins: []
engine:
  kind: modern_ebpf
webserver:
  enabled: true
  threadiness: 0
  listen_port: 9000
http_output:
  enabled: false
  url: ""
  echo: false
  compress_uploads: false
  keep_alive: false
outputs:
  rate: 0
  max_burst: 1000
syslog_output:
  enabled: true
log_level: info
)",
                            "falco.yaml");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->warnings.size(), 6u);
  std::string all;
  for (const auto& w : loaded->warnings) all += w + "\n";
  EXPECT_THAT(all, HasSubstr("falco.yaml:3:1: warning: Falco key 'plugins' ignored"));
  EXPECT_THAT(all, HasSubstr("falco.yaml:15:3: warning: Falco key 'http_output.echo' ignored"));
  EXPECT_THAT(all, HasSubstr("falco.yaml:10:3: warning: Falco key 'webserver.threadiness'"));
  EXPECT_TRUE(loaded->config.syslog.enabled);
  EXPECT_TRUE(loaded->config.webserver.enabled);  // Falco's webserver keys are vigil's too
  EXPECT_EQ(loaded->config.webserver.listen_port, 9000u);
  EXPECT_FALSE(loaded->config.http.keep_alive);
}

TEST(Config, SettingsOverrideTheFile) {
  const std::string path = testing::TempDir() + "vigil_config_test.yaml";
  {
    std::ofstream out(path);
    out << "json_output: false\nfile_output:\n  enabled: true\n  filename: /tmp/a\n";
  }
  auto set = ParseSetArgument("file_output.filename=/tmp/b");
  ASSERT_TRUE(set);
  Setting flag;
  flag.key = "json_output";
  flag.value = "true";
  flag.origin = "-o json";
  auto loaded = BuildConfig(path, {flag, *set});
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(loaded->config.json_output);
  EXPECT_EQ(loaded->config.file.filename, "/tmp/b");
  EXPECT_TRUE(loaded->config.file.enabled);
  std::remove(path.c_str());
}

TEST(Config, DropCapabilitiesIsOnUnlessSetOff) {
  EXPECT_TRUE(Parse("").drop_capabilities);
  EXPECT_FALSE(Parse("drop_capabilities: false\n").drop_capabilities);
  auto set = ParseSetArgument("drop_capabilities=false");
  ASSERT_TRUE(set);
  auto loaded = BuildConfig("", {*set});
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_FALSE(loaded->config.drop_capabilities);
  EXPECT_THAT(ErrorOf("drop_capabilities: sometimes\n"),
              HasSubstr("'drop_capabilities' must be true or false"));
}

TEST(Config, SettingsTakeYamlListsSectionsAndLiterals) {
  Loaded loaded;
  auto list = ParseSetArgument("rules_files=[a.yaml, b.yaml]");
  auto section = ParseSetArgument("file_output={enabled: true, filename: x.log}");
  Setting literal;
  literal.key = "docker_socket";
  literal.value = "[odd]";
  literal.literal = true;
  literal.origin = "flag";
  Setting flag_list;
  flag_list.key = "rules_files";
  flag_list.list = {"c: d.yaml"};
  flag_list.is_list = true;
  flag_list.origin = "-r";
  ASSERT_TRUE(ApplySettings(loaded, {*list, *section, literal}));
  EXPECT_EQ(loaded.config.rules_files, (std::vector<std::string>{"a.yaml", "b.yaml"}));
  EXPECT_TRUE(loaded.config.file.enabled);
  EXPECT_EQ(loaded.config.file.filename, "x.log");
  EXPECT_EQ(loaded.config.docker_socket, "[odd]");
  ASSERT_TRUE(ApplySettings(loaded, {flag_list}));
  EXPECT_EQ(loaded.config.rules_files, (std::vector<std::string>{"c: d.yaml"}));
}

TEST(Config, BadSettingsNameTheirOrigin) {
  Loaded loaded;
  auto bad = ParseSetArgument("ring_buffer_mb=0");
  auto unknown = ParseSetArgument("nope.x=1");
  auto yaml = ParseSetArgument("rules_files=[a");
  auto status = ApplySettings(loaded, {*bad, *unknown, *yaml});
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message,
              HasSubstr("--set ring_buffer_mb=0: error: 'ring_buffer_mb' must be a whole number"));
  EXPECT_THAT(status.error().message, HasSubstr("--set nope.x=1: error: unknown key 'nope.x'"));
  EXPECT_THAT(status.error().message, HasSubstr("--set rules_files=[a: error: invalid YAML"));
  EXPECT_FALSE(ParseSetArgument("novalue"));
  EXPECT_FALSE(ParseSetArgument("=x"));
}

TEST(Config, MissingFileIsAnError) {
  auto loaded = BuildConfig("/nonexistent/vigil.yaml", {});
  ASSERT_FALSE(loaded);
  EXPECT_THAT(loaded.error().message, HasSubstr("/nonexistent/vigil.yaml: error: cannot read"));
}

// Untrusted input: truncations and byte flips of a full config never throw.
TEST(Config, HostileInputNeverThrows) {
  const std::string full = R"(rules_files: [a.yaml]
priority: warning
file_output: {enabled: true, filename: "x"}
http_output:
  enabled: true
  url: http://127.0.0.1:1/
  spill_file: /tmp/s
outputs: {rate: 1, max_burst: 2}
&a b: *a
)";
  for (std::size_t n = 0; n <= full.size(); ++n) {
    (void)ParseConfig(full.substr(0, n), "t.yaml");
    std::string flipped = full;
    if (n < full.size()) flipped[n] = static_cast<char>(flipped[n] ^ 0x55);
    (void)ParseConfig(flipped, "t.yaml");
  }
  (void)ParseConfig(std::string(5000, '[') + std::string(5000, ']'), "deep.yaml");
  SUCCEED();
}

TEST(Config, KnownKeysAndIgnoredKeysDoNotOverlap) {
  for (const auto& key : KnownKeys()) {
    for (const auto& ignored : IgnoredFalcoKeys()) EXPECT_NE(key, ignored);
  }
}

// deploy/vigil.yaml documents every key with its default: it loads, equals the defaults, and
// names every key vigil knows.
TEST(Config, TheExampleFileHasEveryKeyWithItsDefault) {
  const std::string path = std::string(VIGIL_TEST_DATA) + "/../../deploy/vigil.yaml";
  auto loaded = BuildConfig(path, {});
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(loaded->warnings.empty());
  const Config defaults;
  const Config& c = loaded->config;
  EXPECT_EQ(c.rules_files, defaults.rules_files);
  EXPECT_EQ(c.priority, defaults.priority);
  EXPECT_EQ(c.json_output, defaults.json_output);
  EXPECT_EQ(c.json_include_output_property, defaults.json_include_output_property);
  EXPECT_EQ(c.json_include_tags_property, defaults.json_include_tags_property);
  EXPECT_EQ(c.buffered_outputs, defaults.buffered_outputs);
  EXPECT_EQ(c.log_level, defaults.log_level);
  EXPECT_EQ(c.stdout_enabled, defaults.stdout_enabled);
  EXPECT_EQ(c.file, defaults.file);
  EXPECT_EQ(c.syslog, defaults.syslog);
  EXPECT_EQ(c.program, defaults.program);
  EXPECT_EQ(c.http, defaults.http);
  EXPECT_EQ(c.output_queue_size, defaults.output_queue_size);
  EXPECT_EQ(c.rate_limit_rate, defaults.rate_limit_rate);
  EXPECT_EQ(c.rate_limit_max_burst, defaults.rate_limit_max_burst);
  EXPECT_EQ(c.dedup_window_s, defaults.dedup_window_s);
  EXPECT_EQ(c.docker_socket, defaults.docker_socket);
  EXPECT_EQ(c.ring_buffer_mb, defaults.ring_buffer_mb);
  EXPECT_EQ(c.stats_enabled, defaults.stats_enabled);
  EXPECT_EQ(c.stats_interval_s, defaults.stats_interval_s);
  EXPECT_EQ(c.duration_s, defaults.duration_s);
  EXPECT_EQ(c.audit_enabled, defaults.audit_enabled);
  EXPECT_EQ(c.audit_policy, defaults.audit_policy);
  EXPECT_EQ(c.webserver, defaults.webserver);
  EXPECT_EQ(c.reader_thread, defaults.reader_thread);
  EXPECT_EQ(c.logs_enabled, defaults.logs_enabled);
  EXPECT_EQ(c.drop_capabilities, defaults.drop_capabilities);

  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  for (const std::string& key : KnownKeys()) {
    if (key == "rules_file") continue;  // Falco's older spelling of rules_files
    const std::string leaf = key.substr(key.rfind('.') + 1);
    EXPECT_NE(text.str().find(leaf + ":"), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace vigil::config
