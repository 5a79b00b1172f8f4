// Report shapes: the table, JSON and SARIF 2.1.0 (as GitHub code scanning reads it).
#include "audit/report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "audit/watcher.h"
#include "audit_fixture.h"

namespace vigil::audit {
namespace {

using nlohmann::json;
using testing_support::Input;

AuditReport SampleReport() {
  AuditReport report;
  report.containers.push_back(AuditContainer(
      Input(R"({"HostConfig": {"Privileged": true, "Memory": 0}, "Config": {"User": ""}})"),
      Policy{}));
  report.containers.push_back(AuditContainer(
      Input(
          R"({"Id": "aaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "Name": "/clean"})"),
      Policy{}));
  AuditInput daemon;
  daemon.daemon = testing_support::DaemonInfo();
  report.daemon = AuditDaemon(daemon, Policy{});
  return report;
}

TEST(AuditJsonTest, ShapePerContainerAndFinding) {
  json out = ReportJson(SampleReport(), "policy.yaml");
  EXPECT_EQ(out["policy"], "policy.yaml");
  ASSERT_EQ(out["containers"].size(), 2u);
  const json& c = out["containers"][0];
  EXPECT_EQ(c["container"]["id"], "3f4e5d6c7b8a");
  EXPECT_EQ(c["container"]["id"].get<std::string>().size(), 12u);
  EXPECT_EQ(c["container"]["name"], "hardened");
  EXPECT_EQ(c["container"]["state"], "running");
  EXPECT_EQ(c["image"].get<std::string>().rfind("registry.example.com/team/app:1.4@sha256:", 0),
            0u);
  EXPECT_EQ(c["counts"]["critical"], 1);
  const json& f = c["findings"][0];
  EXPECT_EQ(f["check"], "privileged");
  EXPECT_EQ(f["severity"], "critical");
  EXPECT_EQ(f["title"], "Privileged container");
  EXPECT_EQ(f["cis"], "5.5");
  for (const char* key : {"detail", "rationale", "remediation"}) {
    EXPECT_TRUE(f[key].is_string() && !f[key].get<std::string>().empty()) << key;
  }
  EXPECT_TRUE(out["containers"][1]["findings"].empty());
  EXPECT_EQ(out["containers"][1]["container"]["name"], "clean");
  EXPECT_EQ(out["daemon"]["name"], "testhost");
  EXPECT_GE(out["daemon"]["findings"].size(), 2u);
  EXPECT_EQ(out["summary"]["containers"], 2);
  EXPECT_EQ(out["summary"]["critical"], 1);
  EXPECT_TRUE(ReportJson(AuditReport{}, "")["policy"].is_null());
}

TEST(AuditSarifTest, ValidForCodeScanning) {
  json log = ReportSarif(SampleReport(), "0.1.0");
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_TRUE(log["$schema"].get<std::string>().find("sarif-2.1.0") != std::string::npos);
  ASSERT_EQ(log["runs"].size(), 1u);
  const json& run = log["runs"][0];
  const json& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"], "vigil");
  EXPECT_EQ(driver["version"], "0.1.0");
  std::vector<std::string> rule_ids;
  for (const json& rule : driver["rules"]) {
    rule_ids.push_back(rule["id"]);
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
    EXPECT_TRUE(rule["properties"]["security-severity"].is_string());
  }
  EXPECT_EQ(rule_ids.size(), AllChecks().size());
  EXPECT_EQ(std::set<std::string>(rule_ids.begin(), rule_ids.end()).size(), rule_ids.size());
  ASSERT_FALSE(run["results"].empty());
  std::set<std::string> uris;
  for (const json& result : run["results"]) {
    const std::string rule_id = result["ruleId"];
    ASSERT_TRUE(result["ruleIndex"].is_number_integer()) << rule_id;
    EXPECT_EQ(rule_ids.at(result["ruleIndex"].get<std::size_t>()), rule_id);
    const std::string level = result["level"];
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
    EXPECT_FALSE(result["message"]["text"].get<std::string>().empty());
    ASSERT_EQ(result["locations"].size(), 1u);
    const json& location = result["locations"][0];
    const std::string uri = location["physicalLocation"]["artifactLocation"]["uri"];
    EXPECT_EQ(location["physicalLocation"]["region"]["startLine"], 1);
    EXPECT_EQ(location["logicalLocations"][0]["fullyQualifiedName"], uri);
    EXPECT_EQ(location["logicalLocations"][0]["kind"], "resource");
    EXPECT_TRUE(result["partialFingerprints"]["vigilFinding/v1"].is_string());
    uris.insert(uri);
  }
  EXPECT_EQ(uris, (std::set<std::string>{"container/hardened", "daemon/testhost"}));
  const json& first = run["results"][0];
  EXPECT_EQ(first["ruleId"], "privileged");
  EXPECT_EQ(first["level"], "error");
  EXPECT_EQ(first["properties"]["container.id"], "3f4e5d6c7b8a");
  EXPECT_NE(first["message"]["text"].get<std::string>().find("container hardened (3f4e5d6c7b8a"),
            std::string::npos);
}

TEST(AuditTableTest, RowsThenFindingsColourOnlyWhenAsked) {
  AuditReport report = SampleReport();
  std::string plain = RenderTable(report, false);
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  EXPECT_NE(plain.find("CONTAINER     NAME"), std::string::npos) << plain;
  auto row = plain.find("3f4e5d6c7b8a  hardened");
  auto clean_row = plain.find("aaaaaaaaaaaa  clean");
  ASSERT_NE(row, std::string::npos) << plain;
  ASSERT_NE(clean_row, std::string::npos) << plain;
  EXPECT_LT(row, clean_row) << "worst container first";
  EXPECT_NE(plain.find("daemon        testhost"), std::string::npos) << plain;
  EXPECT_NE(plain.find("  CRITICAL privileged "), std::string::npos) << plain;
  EXPECT_NE(plain.find("aaaaaaaaaaaa clean ("), std::string::npos);
  EXPECT_NE(plain.find("  no findings\n"), std::string::npos);
  std::string colored = RenderTable(report, true);
  EXPECT_NE(colored.find("\033[1;31mCRITICAL\033[0m"), std::string::npos);
  EXPECT_NE(RenderTable(AuditReport{}, false).find("no containers to audit"), std::string::npos);
}

TEST(AuditTableTest, CheckListNamesEveryCheck) {
  std::string list = RenderCheckList();
  for (const Check& check : AllChecks()) {
    EXPECT_NE(list.find(std::string(check.id) + " "), std::string::npos) << check.id;
  }
}

}  // namespace
}  // namespace vigil::audit

namespace vigil::audit {
namespace {

TEST(AuditAlertTest, OneAlertPerContainerAtOrAboveTheThreshold) {
  auto input = testing_support::Input(
      R"({"HostConfig": {"CapAdd": ["SYS_ADMIN"], "Memory": 0}, "Config": {"User": "",
          "Image": "nginx:1.27@sha256:abcd"}})");
  auto report = AuditContainer(input, Policy{});
  auto alert = ContainerStartAlert(report, input.container, Severity::kMedium, "host1", 42);
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->source, "audit");
  EXPECT_EQ(alert->rule, "Container started with insecure configuration");
  EXPECT_EQ(alert->priority, Priority::kCritical);
  EXPECT_EQ(alert->hostname, "host1");
  EXPECT_EQ(alert->time_ns, 42u);
  EXPECT_NE(alert->output.find("container_id=3f4e5d6c7b8a container_name=hardened"),
            std::string::npos)
      << alert->output;
  EXPECT_NE(alert->output.find("findings=capabilities-added(critical), root-user(medium)"),
            std::string::npos)
      << alert->output;
  EXPECT_EQ(alert->output.find("memory-limit"), std::string::npos) << "low is below the threshold";
  std::map<std::string, FieldJsonValue> fields(alert->output_fields.begin(),
                                               alert->output_fields.end());
  EXPECT_EQ(std::get<std::string>(fields.at("container.id")), "3f4e5d6c7b8a");
  EXPECT_EQ(std::get<std::string>(fields.at("container.image.repository")), "nginx");
  EXPECT_EQ(std::get<std::string>(fields.at("container.image.tag")), "1.27");
  EXPECT_EQ(std::get<int64_t>(fields.at("audit.count")), 2);
  EXPECT_EQ(std::get<std::string>(fields.at("audit.worst")), "critical");

  auto hardened = AuditContainer(testing_support::Input(), Policy{});
  EXPECT_FALSE(ContainerStartAlert(hardened, testing_support::HardenedContainer(),
                                   Severity::kMedium, "h", 1));
}

}  // namespace
}  // namespace vigil::audit

namespace vigil::audit {
namespace {

TEST(AuditDocsTest, AuditMdListsEveryCheckAsTheRegistryDescribesIt) {
  std::ifstream in(std::string(VIGIL_TEST_DATA) + "/../../docs/AUDIT.md");
  ASSERT_TRUE(in) << "docs/AUDIT.md";
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_NE(doc.str().find(RenderCheckMarkdown()), std::string::npos)
      << "docs/AUDIT.md is stale: replace its check table with `vigil audit --list-checks "
         "--markdown`";
}

}  // namespace
}  // namespace vigil::audit

namespace vigil::audit {
namespace {

// Golden files: the whole JSON and SARIF documents for the sample report. A change to either
// shape shows here as a diff; regenerate with VIGIL_UPDATE_GOLDEN=1 when it is intended.
void ExpectGolden(const json& actual, const std::string& name) {
  const std::string path = std::string(VIGIL_TEST_DATA) + "/audit/" + name;
  const std::string text = actual.dump(2) + "\n";
  if (std::getenv("VIGIL_UPDATE_GOLDEN")) {
    std::ofstream(path) << text;
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << path << " missing: run the unit tests once with VIGIL_UPDATE_GOLDEN=1";
  std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, expected) << "regenerate with VIGIL_UPDATE_GOLDEN=1 if the change is intended";
}

TEST(AuditGoldenTest, JsonReport) {
  ExpectGolden(ReportJson(SampleReport(), "policy.yaml"), "report.golden.json");
}

TEST(AuditGoldenTest, SarifReport) {
  ExpectGolden(ReportSarif(SampleReport(), "0.1.0"), "report.golden.sarif");
}

}  // namespace
}  // namespace vigil::audit
