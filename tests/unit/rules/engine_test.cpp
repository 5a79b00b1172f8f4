// The rules language and engine on synthetic events: operators, lists and macros, evaluation
// semantics, event-type indexing, output rendering, and errors with positions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/rules/rules_fixture.h"

namespace vigil::rules {
namespace {

using testing::HasSubstr;
using testing_support::kContainerFullId;
using testing_support::ProcSpec;
using testing_support::RulesHarness;

std::string OneRule(const std::string& condition, const std::string& output = "hit %proc.name",
                    const std::string& extra = "") {
  return extra + "- rule: r\n  desc: d\n  condition: " + condition + "\n  output: " + output +
         "\n  priority: WARNING\n";
}

struct OperatorCase {
  std::string condition;
  bool matches;  // on: cat (pid 200) opening /etc/shadow read-only, fd 3, in container 'web'
};

class OperatorTest : public testing::TestWithParam<OperatorCase> {};

TEST_P(OperatorTest, Evaluates) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(OneRule(GetParam().condition)));
  h.Spawn(200, "cat", {"cat", "/etc/shadow"});
  EXPECT_EQ(h.Open(200, "/etc/shadow", O_RDONLY).size() == 1, GetParam().matches)
      << GetParam().condition;
}

INSTANTIATE_TEST_SUITE_P(
    Table, OperatorTest,
    testing::Values(
        OperatorCase{"fd.name = /etc/shadow", true}, OperatorCase{"fd.name == /etc/shadow", true},
        OperatorCase{"fd.name != /etc/shadow", false}, OperatorCase{"fd.name = /etc/passwd", false},
        OperatorCase{"fd.name contains shad", true}, OperatorCase{"fd.name icontains SHAD", true},
        OperatorCase{"fd.name contains SHAD", false},
        OperatorCase{"fd.name startswith /etc/", true}, OperatorCase{"fd.name endswith dow", true},
        OperatorCase{"fd.name glob '/etc/*ow'", true}, OperatorCase{"fd.name iglob '/ETC/*'", true},
        OperatorCase{"fd.name regex 'sha.ow$'", true}, OperatorCase{"fd.name regex '^shadow'", false},
        OperatorCase{"fd.name in (/etc/passwd, /etc/shadow)", true},
        OperatorCase{"fd.name in (/etc/passwd)", false}, OperatorCase{"fd.name in ()", false},
        OperatorCase{"fd.name pmatch (/etc)", true}, OperatorCase{"fd.name pmatch (/et)", false},
        OperatorCase{"fd.name pmatch (/etc/shadow)", true},
        OperatorCase{"fd.name pmatch (/usr, /)", true},
        OperatorCase{"fd.num >= 0", true}, OperatorCase{"fd.num > 3", false},
        OperatorCase{"fd.num < 4", true}, OperatorCase{"fd.num <= 2", false},
        OperatorCase{"fd.num = 3", true}, OperatorCase{"fd.num in (1, 2, 3)", true},
        OperatorCase{"evt.is_open_read = true", true}, OperatorCase{"evt.is_open_write=true", false},
        OperatorCase{"evt.is_open_read != false", true},
        OperatorCase{"proc.name exists", true}, OperatorCase{"container.label.nope exists", false},
        OperatorCase{"container.label.app = shop", true},
        OperatorCase{"container.label[app] = shop", true},
        OperatorCase{"container.image.tag = '3.20'", true},
        OperatorCase{"proc.aname[1] = sh and proc.aname[2] = containerd-shim", true},
        OperatorCase{"proc.pname = sh and proc.pcmdline = 'sh -c x'", true},
        OperatorCase{"evt.type = openat and evt.arg.flags contains O_RDONLY", true},
        OperatorCase{"user.name = root and user.uid = 0 and user.loginuid = -1", true},
        // An unknown value makes a check false, so 'not' of it is true (as in Falco).
        OperatorCase{"container.label.nope = x", false},
        OperatorCase{"not container.label.nope = x", true},
        OperatorCase{"not proc.name in (sh, bash) and (fd.name = /x or fd.num = 3)", true},
        OperatorCase{"evt.type = execve", false}),
    [](const auto& info) { return std::to_string(info.index); });

TEST(ProcessFieldsTest, SessionLeaderExecutableTimesAndGroupName) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(OneRule(
      "evt.type = execve and proc.name startswith bb",
      "sname=%proc.sname mtime=%proc.exe_ino.mtime ctime=%proc.exe_ino.ctime "
      "since=%proc.exe_ino.ctime_duration_proc_start group=%group.name")));
  h.users().Add({kContainerFullId.substr(0, 12), 10, "wheel", /*group=*/true});
  h.Spawn(0, "", {});
  const uint64_t now = 1'700'000'000'000'000'000ull;  // the harness's event time
  auto spec = [](uint32_t pid, uint32_t ppid, const std::string& comm, uint32_t sid) {
    ProcSpec s;
    s.pid = pid;
    s.ppid = ppid;
    s.comm = comm;
    s.sid = sid;
    return s;
  };
  // A shell leading its own session (sid = its pid) runs a file written 5 s earlier.
  h.Exec(spec(300, 100, "sh", 300));
  ProcSpec dropped = spec(301, 300, "bb", 300);
  dropped.gid = 10;
  dropped.exe_mtime_ns = now - 6'000'000'000ull;
  dropped.exe_ctime_ns = now - 5'000'000'000ull;
  auto m = h.Exec(dropped);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].output, "sname=sh mtime=" + std::to_string(now - 6'000'000'000ull) +
                             " ctime=" + std::to_string(now - 5'000'000'000ull) +
                             " since=5000000000 group=wheel");
  // The leader never seen: the eldest unbroken ancestor in the same session stands in.
  h.Exec(spec(402, 100, "bbouter", 350));
  m = h.Exec(spec(401, 402, "bbinner", 350));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].output, "sname=bbouter mtime=<NA> ctime=<NA> since=<NA> group=root");
  // Nothing known of the session: unknown.
  m = h.Exec(spec(403, 100, "bbx", 0));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_THAT(m[0].output, HasSubstr("sname=<NA>"));
}

TEST(EngineTest, ListsInsideListsAndMacrosInsideMacros) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(OneRule("m_outer and proc.name in (outer_list)", "hit",
                             "- list: inner_list\n  items: [cat, tac]\n"
                             "- list: outer_list\n  items: [inner_list, dog]\n"
                             "- macro: m_inner\n  condition: fd.name startswith /etc\n"
                             "- macro: m_outer\n  condition: (m_inner and fd.num >= 0)\n")));
  h.Spawn(200, "cat", {"cat"});
  EXPECT_EQ(h.Open(200, "/etc/shadow", O_RDONLY).size(), 1u);
  h.Spawn(201, "dog", {"dog"});
  EXPECT_EQ(h.Open(201, "/etc/shadow", O_RDONLY).size(), 1u);
  h.Spawn(202, "cow", {"cow"});
  EXPECT_TRUE(h.Open(202, "/etc/shadow", O_RDONLY).empty());
}

TEST(EngineTest, RulesAreIndexedByEventType) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(
      "- rule: opens\n  desc: d\n  condition: evt.type in (open, openat) and fd.num >= 0\n"
      "  output: o\n  priority: INFO\n"
      "- rule: execs\n  desc: d\n  condition: evt.type = execve\n  output: e\n  priority: INFO\n"
      "- rule: not_opens\n  desc: d\n  condition: not evt.type in (open, openat, openat2, creat)\n"
      "  output: n\n  priority: INFO\n"
      "- rule: any\n  desc: d\n  condition: proc.name = nothing_matches\n  output: a\n"
      "  priority: INFO\n"));
  const auto& rules = h.set()->rules();
  auto types_of = [&](const std::string& name) {
    for (const auto& r : rules) {
      if (r->name == name) return r->condition.event_types;
    }
    return EventTypeSet();
  };
  auto bit = [](EventType t) { return static_cast<std::size_t>(t); };
  EventTypeSet opens = types_of("opens");
  EXPECT_TRUE(opens.test(bit(EventType::kOpen)));
  EXPECT_TRUE(opens.test(bit(EventType::kOpenat)));
  EXPECT_FALSE(opens.test(bit(EventType::kExecve)));
  EXPECT_EQ(opens.count(), 2u);
  EXPECT_EQ(types_of("execs").count(), 1u);
  EventTypeSet not_opens = types_of("not_opens");
  EXPECT_TRUE(not_opens.test(bit(EventType::kExecve)));
  EXPECT_FALSE(not_opens.test(bit(EventType::kOpenat)));
  EXPECT_EQ(types_of("any"), AllEventTypes());
}

TEST(EngineTest, OutputFieldsAreTypedAndUnknownIsNull) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(OneRule("fd.name = /etc/shadow",
                             "f=%fd.name n=%fd.num u=%user.uid r=%evt.is_open_read "
                             "l=%container.label.nope a=%proc.aname[9] again=%fd.name.")));
  h.Spawn(200, "cat", {"cat"});
  auto m = h.Open(200, "/etc/shadow", O_RDONLY);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].output, "f=/etc/shadow n=3 u=0 r=true l=<NA> a=<NA> again=/etc/shadow.");
  const auto& f = m[0].fields;
  ASSERT_EQ(f.size(), 6u);  // fd.name once
  EXPECT_EQ(f[0].first, "fd.name");
  EXPECT_EQ(std::get<std::string>(f[0].second), "/etc/shadow");
  EXPECT_EQ(std::get<int64_t>(f[1].second), 3);
  EXPECT_EQ(std::get<uint64_t>(f[2].second), 0u);
  EXPECT_EQ(std::get<bool>(f[3].second), true);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(f[4].second));
  EXPECT_EQ(f[5].first, "proc.aname[9]");
}

TEST(EngineTest, MinimumPriorityFilters) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(
      "- rule: loud\n  desc: d\n  condition: fd.num >= 0\n  output: o\n  priority: CRITICAL\n"
      "- rule: quiet\n  desc: d\n  condition: fd.num >= 0\n  output: o\n  priority: NOTICE\n"));
  h.set()->SetMinimumPriority(Priority::kWarning);
  h.Spawn(200, "cat", {"cat"});
  auto m = h.Open(200, "/x", O_RDONLY);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].rule, "loud");
}

TEST(EngineTest, DisabledRulesAndLaterEnableToggle) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(
      "- rule: r\n  desc: d\n  condition: fd.num >= 0\n  output: o\n  priority: INFO\n"
      "  enabled: false\n"
      "- rule: s\n  desc: d\n  condition: fd.num >= 0\n  output: o\n  priority: INFO\n"
      "- rule: s\n  enabled: false\n"));
  h.Spawn(200, "cat", {"cat"});
  EXPECT_TRUE(h.Open(200, "/x", O_RDONLY).empty());
}

struct ErrorCase {
  std::string rules;
  std::string expected;  // a substring of the formatted diagnostics
};

class LoadErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(LoadErrorTest, ReportsFileLineColumnAndCaret) {
  RulesHarness h;
  EXPECT_FALSE(h.Load(GetParam().rules, /*expect_ok=*/false));
  std::string all;
  for (const auto& d : h.diagnostics()) all += d + "\n";
  EXPECT_THAT(all, HasSubstr(GetParam().expected)) << all;
}

INSTANTIATE_TEST_SUITE_P(
    Table, LoadErrorTest,
    testing::Values(
        ErrorCase{OneRule("proc.nme = cat"),
                  "test.yaml:3:14: error: unknown field 'proc.nme'\n    condition: proc.nme = cat\n"
                  "               ^"},
        ErrorCase{OneRule("evt.type = open and (fd.name = x"), "test.yaml:3:34: error: unbalanced"},
        ErrorCase{OneRule("fd.num = abc"), "test.yaml:3:23: error: field 'fd.num' is int64: 'abc' "
                                           "is not a number"},
        ErrorCase{OneRule("evt.is_open_read = maybe"), "is bool"},
        ErrorCase{OneRule("fd.num contains 3"), "operator 'contains' does not apply to field "
                                                "'fd.num' of type int64"},
        ErrorCase{OneRule("no_such_macro"), "test.yaml:3:14: error: unknown macro 'no_such_macro'"},
        ErrorCase{OneRule("fd.name = x", "bad %proc.nope here"),
                  "test.yaml:4:16: error: unknown field 'proc.nope' in output"},
        ErrorCase{OneRule("fd.name regex '('"), "invalid regular expression"},
        ErrorCase{OneRule("loop_a", "o", "- macro: loop_a\n  condition: loop_b\n"
                                         "- macro: loop_b\n  condition: loop_a\n"),
                  "refers to itself"},
        ErrorCase{"- rule: r\n  desc: d\n  condition: fd.num >= 0\n  priority: WARNING\n",
                  "test.yaml:1:3: error: rule 'r' needs 'output:'"},
        ErrorCase{OneRule("fd.num >= 0").replace(OneRule("fd.num >= 0").find("WARNING"), 7, "LOUD"),
                  "unknown priority 'LOUD'"},
        ErrorCase{"- rule: [unclosed\n", "test.yaml:2:1: error: invalid YAML"},
        ErrorCase{"just a string\n", "a rules file is a YAML list"},
        ErrorCase{"- rule: r\n  desc: d\n  condition: >\n    evt.type = open\n    and proc.nme = x\n"
                  "  output: o\n  priority: INFO\n",
                  "test.yaml:5:9: error: unknown field 'proc.nme'\n      and proc.nme = x\n"
                  "          ^"}),
    [](const auto& info) { return std::to_string(info.index); });

TEST(EngineTest, EveryErrorIsReportedInOneRun) {
  RulesHarness h;
  EXPECT_FALSE(h.Load(OneRule("proc.nme = a and fd.nam = b") +
                          "- rule: r2\n  desc: d\n  condition: zzz = 1\n  output: o\n"
                          "  priority: INFO\n",
                      false));
  std::string all;
  for (const auto& d : h.diagnostics()) all += d + "\n";
  EXPECT_THAT(all, HasSubstr("'proc.nme'"));
  EXPECT_THAT(all, HasSubstr("'fd.nam'"));
  EXPECT_THAT(all, HasSubstr("'zzz'"));
}

}  // namespace
}  // namespace vigil::rules
