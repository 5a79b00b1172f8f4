// The trust policy: parsing, errors with file:line:col and a caret, and its effect on findings.
#include "audit/policy.h"

#include <gtest/gtest.h>

#include "audit_fixture.h"

namespace vigil::audit {
namespace {

using testing_support::FindingsOf;
using testing_support::Input;

constexpr const char* kFullPolicy = R"(# vigil audit policy
trusted_registries:
  - registry.example.com
  - "ghcr.io/acme/*"
require_digest: true
images:
  allow: ["registry.example.com/*"]
  deny: ["*:latest", "*/debug-*"]
allowed_capabilities: [NET_BIND_SERVICE, cap_net_admin]
allow_root: false
severity:
  healthcheck: info
  live-restore: off
exemptions:
  - labels: {tier: "infra*", app: node-exporter}
    checks: [host-pid, "host-net*"]
    reason: node exporter reads host metrics
)";

TEST(AuditPolicyTest, ParsesEveryKey) {
  auto policy = ParsePolicy(kFullPolicy, "policy.yaml");
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(policy->source, "policy.yaml");
  EXPECT_EQ(policy->trusted_registries,
            (std::vector<std::string>{"registry.example.com", "ghcr.io/acme/*"}));
  EXPECT_TRUE(policy->require_digest);
  EXPECT_EQ(policy->allowed_images, std::vector<std::string>{"registry.example.com/*"});
  EXPECT_EQ(policy->denied_images, (std::vector<std::string>{"*:latest", "*/debug-*"}));
  EXPECT_EQ(policy->allowed_capabilities,
            (std::vector<std::string>{"NET_BIND_SERVICE", "NET_ADMIN"}));
  EXPECT_FALSE(policy->allow_root);
  ASSERT_EQ(policy->severity_overrides.size(), 2u);
  EXPECT_EQ(policy->severity_overrides.at("healthcheck"), Severity::kInfo);
  EXPECT_EQ(policy->severity_overrides.at("live-restore"), std::nullopt);
  ASSERT_EQ(policy->exemptions.size(), 1u);
  EXPECT_EQ(policy->exemptions[0].labels.at("tier"), "infra*");
  EXPECT_EQ(policy->exemptions[0].checks, (std::vector<std::string>{"host-pid", "host-net*"}));
  EXPECT_EQ(policy->exemptions[0].reason, "node exporter reads host metrics");
}

TEST(AuditPolicyTest, EmptyPolicyIsTheDefaults) {
  auto policy = ParsePolicy("# nothing\n", "empty.yaml");
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_TRUE(policy->trusted_registries.empty());
  EXPECT_FALSE(policy->allow_root);
}

TEST(AuditPolicyTest, EveryErrorWithLineColumnAndCaret) {
  const char* text =
      "trusted_registry: [a]\n"
      "require_digest: maybe\n"
      "severity:\n"
      "  healthcheck: loud\n"
      "  no-such-check: high\n"
      "allowed_capabilities: [NET_ADMIN, \"bad name\"]\n"
      "images: {allow: x}\n"
      "exemptions:\n"
      "  - labels: {app: web}\n"
      "    checks: [host-pid, host-pdi]\n"
      "  - checks: [privileged]\n";
  auto policy = ParsePolicy(text, "bad.yaml");
  ASSERT_FALSE(policy);
  const std::string& m = policy.error().message;
  EXPECT_NE(m.find("bad.yaml:1:1: error: unknown key 'trusted_registry' (expected "
                   "trusted_registries, "),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("\n  trusted_registry: [a]\n  ^"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.yaml:2:17: error: 'require_digest' must be true or false\n"
                   "  require_digest: maybe\n"
                   "                  ^"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("bad.yaml:4:16: error: severity of 'healthcheck' must be critical, high, "
                   "medium, low, info or off"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("bad.yaml:5:3: error: unknown check 'no-such-check'"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.yaml:6:35: error: not a capability name"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.yaml:7:17: error: 'images.allow' must be a list of strings"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("bad.yaml:10:24: error: unknown check 'host-pdi'"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.yaml:11:5: error: an exemption needs 'labels'"), std::string::npos) << m;
}

TEST(AuditPolicyTest, InvalidYamlAndWrongShapes) {
  auto broken = ParsePolicy("images: {allow: [a, b}\n", "broken.yaml");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("broken.yaml:1:"), std::string::npos)
      << broken.error().message;
  EXPECT_NE(broken.error().message.find("invalid YAML"), std::string::npos);

  auto list = ParsePolicy("- trusted_registries: [a]\n", "list.yaml");
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().message.find("list.yaml:1:1: error: a policy is a YAML map"),
            std::string::npos)
      << list.error().message;

  auto duplicate = ParsePolicy("allow_root: true\nallow_root: false\n", "dup.yaml");
  ASSERT_FALSE(duplicate);
  EXPECT_NE(duplicate.error().message.find("dup.yaml:2:1: error: duplicate key 'allow_root'"),
            std::string::npos)
      << duplicate.error().message;

  for (const char* text :
       {"exemptions: 5\n", "exemptions: [5]\n", "severity: [a]\n",
        "exemptions: [{labels: [a], checks: x}]\n", "images: [a]\n", "trusted_registries: {a: b}\n",
        "trusted_registries: [[a]]\n", "? [a, b]\n: c\n", "allowed_capabilities: x\n",
        "severity: {privileged: [x]}\n",
        "exemptions: [{labels: {a: [b]}, checks: [], reason: {x: y}}]\n"}) {
    auto policy = ParsePolicy(text, "p.yaml");
    EXPECT_FALSE(policy) << text;
    if (!policy) {
      EXPECT_TRUE(policy.error().message.starts_with("p.yaml:")) << policy.error().message;
    }
  }
}

TEST(AuditPolicyTest, LoadReportsUnreadableFiles) {
  auto policy = LoadPolicy("/nonexistent/policy.yaml");
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().message.find("/nonexistent/policy.yaml: cannot read policy file"),
            std::string::npos);
}

TEST(AuditPolicyTest, SeverityOverridesAndChecksTurnedOff) {
  auto policy = ParsePolicy("severity: {memory-limit: high, healthcheck: off}\n", "p.yaml");
  ASSERT_TRUE(policy);
  auto report = AuditContainer(
      Input(R"({"HostConfig": {"Memory": 0}, "Config": {"Healthcheck": null}})"), *policy);
  auto memory = FindingsOf(report.findings, "memory-limit");
  ASSERT_EQ(memory.size(), 1u);
  EXPECT_EQ(memory[0].severity, Severity::kHigh);
  EXPECT_TRUE(FindingsOf(report.findings, "healthcheck").empty());
  EXPECT_EQ(report.findings.front().check, "memory-limit") << "re-sorted after the override";
}

TEST(AuditPolicyTest, ExemptionsByLabelNeedEveryLabel) {
  auto policy = ParsePolicy(kFullPolicy, "policy.yaml");
  ASSERT_TRUE(policy);
  const char* infra =
      R"({"HostConfig": {"PidMode": "host", "NetworkMode": "host", "IpcMode": "host"},
                          "Config": {"Labels": {"tier": "infra-eu", "app": "node-exporter"}}})";
  auto report = AuditContainer(Input(infra), *policy);
  EXPECT_TRUE(FindingsOf(report.findings, "host-pid").empty());
  EXPECT_TRUE(FindingsOf(report.findings, "host-network").empty());
  EXPECT_EQ(FindingsOf(report.findings, "host-ipc").size(), 1u) << "not exempted";
  ASSERT_EQ(report.exempted.size(), 2u);
  EXPECT_EQ(report.exempted[0].reason, "node exporter reads host metrics");

  const char* other = R"({"HostConfig": {"PidMode": "host"},
                          "Config": {"Labels": {"tier": "infra-eu", "app": "web"}}})";
  report = AuditContainer(Input(other), *policy);
  EXPECT_EQ(FindingsOf(report.findings, "host-pid").size(), 1u) << "only one label matches";
  EXPECT_TRUE(report.exempted.empty());
}

TEST(AuditPolicyTest, EveryTruncationAndByteFlipNeverThrows) {
  const std::string full = kFullPolicy;
  for (std::size_t cut = 0; cut <= full.size(); ++cut) {
    EXPECT_NO_THROW(ParsePolicy(full.substr(0, cut), "cut.yaml")) << cut;
  }
  for (std::size_t i = 0; i < full.size(); ++i) {
    for (char c : {'[', '{', ':', '-', '\'', '"', '&', '*', '!', '\t', '\0'}) {
      std::string flipped = full;
      flipped[i] = c;
      EXPECT_NO_THROW(ParsePolicy(flipped, "flip.yaml")) << i << " " << c;
    }
  }
  EXPECT_NO_THROW(ParsePolicy(std::string(10000, '['), "deep.yaml"));
}

TEST(AuditPolicyTest, NormalizesCapabilities) {
  EXPECT_EQ(NormalizeCapability("CAP_SYS_ADMIN"), "SYS_ADMIN");
  EXPECT_EQ(NormalizeCapability(" sys_admin "), "SYS_ADMIN");
  EXPECT_EQ(NormalizeCapability("cap_net_raw"), "NET_RAW");
}

TEST(AuditPolicyTest, ASecondYamlDocumentIsAnError) {
  auto policy = ParsePolicy("require_digest: true\n---\nallow_root: false\n", "two.yaml");
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().message.find("a second YAML document"), std::string::npos)
      << policy.error().message;
}

}  // namespace
}  // namespace vigil::audit
