// The rest of the Falco language: transformers, val(), any-ancestor fields, IP operands,
// exceptions, override/append, skip-if-unknown-filter, event-type names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/rules/rules_fixture.h"

namespace vigil::rules {
namespace {

using testing::HasSubstr;
using testing_support::ProcSpec;
using testing_support::RulesHarness;

std::string Rule(const std::string& name, const std::string& condition,
                 const std::string& extra_keys = "") {
  return "- rule: " + name + "\n  desc: d\n  condition: " + condition +
         "\n  output: hit %proc.name\n  priority: WARNING\n" + extra_keys;
}

std::string AllDiagnostics(const RulesHarness& h) {
  std::string all;
  for (const auto& d : h.diagnostics()) all += d + "\n";
  return all;
}

struct ConditionCase {
  std::string condition;
  bool matches;  // on: CaT (pid 200, argv "CaT /etc/shadow aGVsbG8=") opening /etc/shadow
};

class ConditionTest : public testing::TestWithParam<ConditionCase> {};

TEST_P(ConditionTest, Evaluates) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(Rule("r", GetParam().condition)));
  h.Spawn(200, "CaT", {"CaT", "/etc/shadow", "aGVsbG8="});
  EXPECT_EQ(h.Open(200, "/etc/shadow", O_RDONLY).size() == 1, GetParam().matches)
      << GetParam().condition;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConditionTest,
    testing::Values(
        ConditionCase{"tolower(proc.name) = cat", true},
        ConditionCase{"toupper(proc.name) = CAT", true}, ConditionCase{"proc.name = cat", false},
        ConditionCase{"basename(fd.name) = shadow", true},
        ConditionCase{"len(fd.name) = 11", true}, ConditionCase{"len(fd.name) > 11", false},
        ConditionCase{"tolower(basename(proc.exepath)) = cat", true},
        ConditionCase{"proc.args contains aGVsbG8 and b64(evt.arg.fd) exists", true},
        ConditionCase{"fd.filename = val(fd.filename)", true},
        ConditionCase{"fd.directory = val(proc.cwd)", false},
        ConditionCase{"proc.pid = val(thread.tid)", true},
        // proc.aname without an index: any ancestor (parent first).
        ConditionCase{"proc.aname = containerd-shim", true},
        ConditionCase{"proc.aname = CaT", false},  // the process itself is not its ancestor
        ConditionCase{"proc.aname in (nope, systemd)", true},
        ConditionCase{"not proc.aname in (nope, nada)", true},
        ConditionCase{"proc.apid = 1", true},
        ConditionCase{"proc.aname exists", true},
        // Event types: any Falco name is valid; vigil's own decide the index.
        ConditionCase{"evt.type = openat", true}, ConditionCase{"evt.type = connect", false},
        ConditionCase{"evt.type != execve", true},
        ConditionCase{"evt.arg[1] = /etc/shadow and evt.arg.name = /etc/shadow", true}));

TEST(LanguageTest, ExecFacts) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(Rule("root init", "evt.type = execve and proc.vpid = 1 and "
                                       "thread.cap_effective contains CAP_SYS_ADMIN and "
                                       "proc.env[MODE] = prod and proc.is_exe_upper_layer = false")));
  testing_support::ProcSpec p;
  p.pid = 200;
  p.comm = "app";
  p.vpid = 1;
  p.caps = 1ull << 21;
  p.env = {"MODE=prod", "MODEX=dev"};
  EXPECT_EQ(h.Exec(p).size(), 1u);
  p.env = {"MODEX=prod"};  // proc.env[MODE] is not MODEX
  EXPECT_TRUE(h.Exec(p).empty());
  p.env = {"MODE=prod"};
  p.vpid = 9;
  EXPECT_TRUE(h.Exec(p).empty());
}

TEST(LanguageTest, IpOperandsAreParsedAndChecked) {
  RulesHarness h;
  EXPECT_TRUE(h.Load(Rule("r", "fd.sip = 10.0.0.1 or fd.snet in (\"10.0.0.0/8\", ::1) or "
                               "fd.net != 192.168.0.0/16")));
  EXPECT_FALSE(h.Load(Rule("r", "fd.sip = not-an-ip"), false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("'not-an-ip' is not an IP address or network"));
  EXPECT_FALSE(h.Load(Rule("r", "fd.snet = 10.0.0.0/33"), false));
}

// yaml-cpp's Load reads one document and drops the rest: text a wrong indentation or a "---"
// puts in a second document is an error at its line, never silently ignored.
TEST(LanguageTest, ASecondYamlDocumentIsAnErrorNotIgnored) {
  for (const char* tail : {"garbage: [\n", "---\n- rule: hidden\n  desc: d\n"}) {
    RulesHarness h;
    std::string text = Rule("r", "evt.type = execve") + tail;
    EXPECT_FALSE(h.Load(text, /*expect_ok=*/false)) << tail;
    std::string all = AllDiagnostics(h);
    EXPECT_THAT(all, HasSubstr("a second YAML document")) << all;
    // At the second document, or where its malformed text ends (line 6 or 7, 1-based).
    EXPECT_THAT(all, testing::ContainsRegex("test\\.yaml:[67]:")) << all;
  }
}

TEST(LanguageTest, UnknownEventTypeIsAnError) {
  RulesHarness h;
  EXPECT_FALSE(h.Load(Rule("r", "evt.type in (open, opne)"), false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("unknown event type 'opne'"));
}

TEST(LanguageTest, UncapturedEventTypesAreWarnings) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(Rule("net", "evt.type = sendmmsg and fd.sip.name = example.com")));
  std::string all = AllDiagnostics(h);
  EXPECT_THAT(all, HasSubstr("event type 'sendmmsg' is not captured by vigil yet, used by 1 "
                             "rule: 'net'"));
  EXPECT_THAT(all, HasSubstr("can never alert"));
  // Every field is produced now (the domain names last, resolved by the agent).
  EXPECT_THAT(all, testing::Not(HasSubstr("is not produced by vigil yet")));
}

TEST(LanguageTest, TransformerErrors) {
  RulesHarness h;
  EXPECT_FALSE(h.Load(Rule("r", "tolower(fd.num) = 3"), false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("tolower() applies to strings; 'fd.num' is int64"));
  EXPECT_FALSE(h.Load(Rule("r", "tolower(proc.aname) = x"), false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("give 'proc.aname' an index"));
  EXPECT_FALSE(h.Load(Rule("r", "fd.num = val(proc.name)"), false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("'fd.num' is int64 but val(proc.name) is string"));
  EXPECT_FALSE(h.Load(Rule("r", "val(proc.name) = x"), false));
}

TEST(LanguageTest, ExceptionsCompileAsAndNot) {
  const std::string rules = Rule("r", "evt.type = openat and fd.directory = /etc",
                                 "  exceptions:\n"
                                 "    - name: known_pairs\n"
                                 "      fields: [proc.name, fd.name]\n"
                                 "      comps: [=, startswith]\n"
                                 "      values:\n"
                                 "        - [nginx, /etc/nginx]\n"
                                 "        - [cat, /etc/pass]\n"
                                 "    - name: trusted\n"
                                 "      fields: proc.name\n"
                                 "      values: [sshd, trusted_list]\n"
                                 "    - name: in_lists\n"
                                 "      fields: [proc.name, fd.filename]\n"
                                 "      comps: [=, in]\n"
                                 "      values:\n"
                                 "        - [tac, [hosts, group]]\n") +
                            "- list: trusted_list\n  items: [login]\n";
  RulesHarness h;
  ASSERT_TRUE(h.Load(rules));
  struct Case {
    const char* comm;
    const char* path;
    bool alerts;
  };
  for (const Case& c : {Case{"cat", "/etc/passwd", false}, Case{"cat", "/etc/shadow", true},
                        Case{"nginx", "/etc/nginx", false}, Case{"sshd", "/etc/shadow", false},
                        Case{"login", "/etc/shadow", false}, Case{"tac", "/etc/hosts", false},
                        Case{"tac", "/etc/shadow", true}}) {
    h.Spawn(300, c.comm, {c.comm});
    EXPECT_EQ(h.Open(300, c.path, O_RDONLY).size() == 1, c.alerts) << c.comm << " " << c.path;
  }
}

TEST(LanguageTest, ExceptionErrorsPointAtTheItem) {
  RulesHarness h;
  EXPECT_FALSE(h.Load(Rule("r", "fd.num >= 0",
                           "  exceptions:\n"
                           "    - name: bad\n"
                           "      fields: [proc.name, fd.name]\n"
                           "      comps: [=]\n"
                           "      values: [[a, b]]\n"),
                      false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("test.yaml:7:13: error: exception 'bad': has 2 fields "
                                           "but 1 comps"));
  EXPECT_FALSE(h.Load(Rule("r", "fd.num >= 0",
                           "  exceptions:\n"
                           "    - name: bad\n"
                           "      fields: [proc.nme]\n"
                           "      values: [[a]]\n"),
                      false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("unknown field 'proc.nme'"));
}

TEST(LanguageTest, OverrideAndAppend) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(
      "- list: names\n  items: [cat]\n"
      "- list: names\n  items: [tac]\n  override:\n    items: append\n"
      "- macro: m\n  condition: fd.name startswith /etc\n"
      "- macro: m\n  condition: or fd.name startswith /srv\n  append: true\n" +
      Rule("r", "evt.type = openat and m and proc.name in (names)") +
      "- rule: r\n  condition: and not fd.name = /etc/skip\n  output: replaced %fd.name\n"
      "  priority: ERROR\n  override:\n    condition: append\n    output: replace\n"
      "    priority: replace\n" +
      Rule("s", "evt.type = openat", "  exceptions:\n    - name: x\n      fields: proc.name\n"
                                     "      values: [cat]\n") +
      "- rule: s\n  exceptions:\n    - name: x\n      values: [tac]\n  override:\n"
      "    exceptions: append\n"));
  h.Spawn(200, "tac", {"tac"});
  auto m = h.Open(200, "/srv/data", O_RDONLY);
  ASSERT_EQ(m.size(), 1u);  // r matches (appended list, appended macro); s's exception holds
  EXPECT_EQ(m[0].rule, "r");
  EXPECT_EQ(m[0].output, "replaced /srv/data");
  EXPECT_TRUE(h.Open(200, "/etc/skip", O_RDONLY).empty());  // the appended condition
  h.Spawn(201, "dog", {"dog"});
  auto d = h.Open(201, "/var/x", O_RDONLY);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].rule, "s");
}

TEST(LanguageTest, AppendedConditionErrorsMapToTheAppendingItem) {
  RulesHarness h;
  EXPECT_FALSE(h.Load(Rule("r", "fd.num >= 0") +
                          "- rule: r\n  condition: and proc.nme = x\n  override:\n"
                          "    condition: append\n",
                      false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("test.yaml:7:18: error: unknown field 'proc.nme'"));
}

TEST(LanguageTest, ExtendingWhatDoesNotExistIsAnError) {
  RulesHarness h;
  EXPECT_FALSE(h.Load("- list: l\n  items: [a]\n  append: true\n", false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("list 'l' extends a list that was not defined before"));
  EXPECT_FALSE(h.Load("- rule: r\n  condition: x\n  override:\n    condition: append\n", false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("rule 'r' extends a rule that was not defined before"));
  EXPECT_FALSE(h.Load(Rule("r", "fd.num >= 0") + "- rule: r\n  priority: INFO\n  override:\n"
                                                 "    priority: append\n", false));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("'priority' cannot be overridden with append"));
}

TEST(LanguageTest, SkipIfUnknownFilter) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(Rule("future", "proc.some_new_field = x", "  skip-if-unknown-filter: true\n") +
                     Rule("now", "evt.type = openat")));
  EXPECT_EQ(h.set()->rules().size(), 1u);
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("rule 'future' skipped: unknown field"));
  EXPECT_FALSE(h.Load(Rule("future", "proc.some_new_field = x"), false));
}

TEST(LanguageTest, WarnsWhenARuleDoesNotRestrictEventTypes) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(Rule("broad", "proc.name = cat")));
  EXPECT_THAT(AllDiagnostics(h), HasSubstr("rule 'broad' does not restrict evt.type"));
  ASSERT_TRUE(h.Load(Rule("broad", "proc.name = cat", "  warn_evttypes: false\n")));
  EXPECT_THAT(AllDiagnostics(h), testing::Not(HasSubstr("does not restrict")));
}

TEST(LanguageTest, PluginRequirements) {
  RulesHarness h;
  ASSERT_TRUE(h.Load("- required_engine_version: 0.50.0\n"
                     "- required_plugin_versions:\n"
                     "  - name: container\n    version: 0.4.0\n"
                     "  - name: k8saudit\n    version: 0.1.0\n"));
  std::string all = AllDiagnostics(h);
  EXPECT_THAT(all, HasSubstr("plugin 'k8saudit' is not available"));
  EXPECT_THAT(all, testing::Not(HasSubstr("plugin 'container'")));
}

}  // namespace
}  // namespace vigil::rules
