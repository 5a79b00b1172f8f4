#include "rules/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::rules {
namespace {

std::shared_ptr<const SourceText> Text(std::string condition) {
  auto t = std::make_shared<SourceText>();
  t->text = std::move(condition);
  return t;
}

class AcceptTest : public testing::TestWithParam<const char*> {};

TEST_P(AcceptTest, Parses) {
  auto parsed = ParseCondition(Text(GetParam()));
  EXPECT_TRUE(parsed) << GetParam() << ": " << (parsed ? "" : parsed.error().message);
}

INSTANTIATE_TEST_SUITE_P(
    Conditions, AcceptTest,
    testing::Values("evt.type=open", "evt.type = open and fd.name startswith /etc",
                    "not proc.name in (cat, \"my prog\", 'x')", "proc.name in ()",
                    "(a or b) and not (c)", "not not a", "proc.aname[2]=sh",
                    "fd.num>=0 and fd.num<10 and fd.num != 3", "proc.name exists",
                    "fd.name glob '/home/*/.ssh/*'", "fd.directory pmatch (/etc, /usr/lib)",
                    "container.label.app=web", "proc.cmdline contains \"-c \\\"x\\\"\"",
                    "evt.type in (open,openat) and evt.is_open_read=true",
                    "proc.name endswith sh or proc.name icontains BASH",
                    "proc.name regex '^ba?sh$'", "open_read and sensitive_files"),
    [](const auto& info) { return std::to_string(info.index); });

struct RejectCase {
  const char* condition;
  uint32_t offset;
  const char* message;
};

class RejectTest : public testing::TestWithParam<RejectCase> {};

TEST_P(RejectTest, ReportsWhereAndWhy) {
  const auto& c = GetParam();
  auto parsed = ParseCondition(Text(c.condition));
  ASSERT_FALSE(parsed) << c.condition;
  EXPECT_EQ(parsed.error().offset, c.offset) << c.condition << ": " << parsed.error().message;
  EXPECT_THAT(parsed.error().message, testing::HasSubstr(c.message)) << c.condition;
}

INSTANTIATE_TEST_SUITE_P(
    Conditions, RejectTest,
    testing::Values(RejectCase{"(evt.type=open", 0, "unbalanced '('"},
                    RejectCase{"evt.type=open)", 13, "unbalanced ')'"},
                    RejectCase{"evt.type=", 9, "expected a value"},
                    RejectCase{"evt.type open", 9, "expected an operator after field 'evt.type'"},
                    RejectCase{"proc.name in cat", 13, "parenthesised list"},
                    RejectCase{"proc.name in (cat, sh", 21, "list not closed"},
                    RejectCase{"a and", 5, "unexpected end"},
                    RejectCase{"and a", 0, "expected a condition"},
                    RejectCase{"proc.name = \"cat", 12, "unterminated string"},
                    RejectCase{"proc.name ! cat", 10, "'!' must be followed by '='"},
                    RejectCase{"", 0, "unexpected end"},
                    RejectCase{"a b", 2, "expected 'and', 'or' or the end"}),
    [](const auto& info) { return std::to_string(info.index); });

TEST(ParserTest, RejectsOverDeepNestingWithoutCrashing) {
  std::string deep(5000, '(');
  deep += "a";
  deep += std::string(5000, ')');
  auto parsed = ParseCondition(Text(deep));
  ASSERT_FALSE(parsed);
  EXPECT_THAT(parsed.error().message, testing::HasSubstr("nested deeper"));
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  nots += "a";
  EXPECT_FALSE(ParseCondition(Text(nots)));
}

TEST(ParserTest, BuildsTheTree) {
  auto parsed = ParseCondition(Text("a and not proc.name in (cat, sh) or fd.num >= 3"));
  ASSERT_TRUE(parsed);
  const Expr& root = **parsed;
  ASSERT_EQ(root.kind, Expr::Kind::kOr);
  ASSERT_EQ(root.children.size(), 2u);
  const Expr& conj = *root.children[0];
  ASSERT_EQ(conj.kind, Expr::Kind::kAnd);
  EXPECT_EQ(conj.children[0]->kind, Expr::Kind::kMacro);
  EXPECT_EQ(conj.children[0]->name, "a");
  const Expr& negated = *conj.children[1];
  ASSERT_EQ(negated.kind, Expr::Kind::kNot);
  const Expr& in = *negated.children[0];
  EXPECT_EQ(in.left.field, "proc.name");
  EXPECT_EQ(in.op, Op::kIn);
  ASSERT_EQ(in.list.size(), 2u);
  EXPECT_EQ(in.list[1].text, "sh");
  const Expr& cmp = *root.children[1];
  EXPECT_EQ(cmp.op, Op::kGe);
  EXPECT_EQ(cmp.value, "3");
}

}  // namespace
}  // namespace vigil::rules
