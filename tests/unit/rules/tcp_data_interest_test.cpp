// Which data calls (sendto, sendmsg, recvfrom, recvmsg) on TCP sockets the loaded rules could
// match: the rest are dropped in the kernel. Conservative: a rule the analysis cannot read keeps
// its calls.
#include <gtest/gtest.h>

#include "unit/rules/rules_fixture.h"

namespace vigil::rules {
namespace {

using testing_support::RulesHarness;

TcpDataTypes WantedBy(const std::string& condition, const std::string& extra = "") {
  RulesHarness h;
  EXPECT_TRUE(h.Load(extra + "- rule: r\n  desc: d\n  condition: " + condition +
                     "\n  output: o\n  priority: INFO\n"));
  return h.set() ? h.set()->TcpDataInUse() : TcpDataTypes().set();
}

bool Wants(const TcpDataTypes& t, EventType type) { return t.test(static_cast<std::size_t>(type)); }

TEST(TcpDataInterestTest, FalcosOutboundAndInboundMacrosWantNoTcpData) {
  const std::string macros =
      "- macro: outbound\n  condition: >\n    ((evt.type = connect or (evt.type in (sendto,"
      "sendmsg) and fd.l4proto != tcp and fd.connected=false and fd.name_changed=true)) and "
      "(fd.typechar = 4 or fd.typechar = 6))\n"
      "- macro: inbound\n  condition: >\n    ((evt.type in (accept,accept4,listen) or "
      "(evt.type in (recvfrom,recvmsg) and fd.l4proto != tcp and fd.connected=false)) and "
      "(fd.typechar = 4 or fd.typechar = 6))\n";
  auto t = WantedBy("(outbound or inbound) and container.id != host", macros);
  EXPECT_FALSE(t.any()) << t;
}

TEST(TcpDataInterestTest, RulesThatCouldSeeTcpKeepTheirCalls) {
  EXPECT_TRUE(Wants(WantedBy("evt.type = sendto and fd.sport = 443"), EventType::kSendto));
  EXPECT_FALSE(Wants(WantedBy("evt.type = sendto and fd.sport = 443"), EventType::kRecvfrom));
  EXPECT_TRUE(Wants(WantedBy("evt.type in (recvfrom, recvmsg) and fd.l4proto = tcp"),
                    EventType::kRecvmsg));
  EXPECT_FALSE(Wants(WantedBy("evt.type = sendto and fd.l4proto in (udp, icmp)"),
                     EventType::kSendto));
  // Negations are read in three values: not (l4proto = tcp) cannot hold on TCP.
  EXPECT_FALSE(Wants(WantedBy("evt.type = sendto and not fd.l4proto = tcp"), EventType::kSendto));
  // What the analysis cannot read keeps the calls: a transformer, another operator.
  EXPECT_TRUE(Wants(WantedBy("evt.type = sendto and toupper(fd.l4proto) != TCP"),
                    EventType::kSendto));
  EXPECT_TRUE(Wants(WantedBy("evt.type = sendto and fd.l4proto contains ud"), EventType::kSendto));
  // A rule on every event type could match them all.
  EXPECT_TRUE(Wants(WantedBy("proc.name = nc", ""), EventType::kSendmsg));
}

TEST(TcpDataInterestTest, OneRuleWantingTcpKeepsItForAll) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(
      "- rule: udp\n  desc: d\n  condition: evt.type = sendto and fd.l4proto = udp\n"
      "  output: o\n  priority: INFO\n"
      "- rule: any\n  desc: d\n  condition: evt.type = sendto and proc.name = curl\n"
      "  output: o\n  priority: INFO\n  enabled: false\n"));
  EXPECT_FALSE(h.set()->TcpDataInUse().any()) << "a disabled rule wants nothing";
  ASSERT_TRUE(h.Load(
      "- rule: udp\n  desc: d\n  condition: evt.type = sendto and fd.l4proto = udp\n"
      "  output: o\n  priority: INFO\n"
      "- rule: any\n  desc: d\n  condition: evt.type = sendto and proc.name = curl\n"
      "  output: o\n  priority: INFO\n"));
  EXPECT_TRUE(Wants(h.set()->TcpDataInUse(), EventType::kSendto));
}

}  // namespace
}  // namespace vigil::rules
