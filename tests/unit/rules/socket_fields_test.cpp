// fd.* on sockets: both ends, client and server roles, names as Falco writes them, the
// either-end fields (fd.ip, fd.net, fd.port), and the network rules built on them.
#include <arpa/inet.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rules/socket_ends.h"
#include "unit/rules/rules_fixture.h"

namespace vigil::rules {
namespace {

using testing::HasSubstr;
using testing_support::RulesHarness;
using Kind = Event::FdInfo::Kind;

Event::FdInfo Ipv4(const char* local, uint16_t lport, const char* remote, uint16_t rport,
                   int64_t fd = 3, uint16_t protocol = 6) {
  Event::FdInfo f;
  f.kind = Kind::kIpv4;
  f.sock_type = protocol == 6 ? 1 : 2;
  f.protocol = protocol;
  inet_pton(AF_INET, local, f.local_addr.data());
  inet_pton(AF_INET, remote, f.remote_addr.data());
  f.local_port = lport;
  f.remote_port = rport;
  f.fd = fd;
  return f;
}

Event::FdInfo Ipv6(const char* local, uint16_t lport, const char* remote, uint16_t rport) {
  Event::FdInfo f;
  f.kind = Kind::kIpv6;
  f.sock_type = 1;
  f.protocol = 6;
  inet_pton(AF_INET6, local, f.local_addr.data());
  inet_pton(AF_INET6, remote, f.remote_addr.data());
  f.local_port = lport;
  f.remote_port = rport;
  f.fd = 5;
  return f;
}

std::string Rule(const std::string& condition, const std::string& output) {
  return "- rule: r\n  desc: d\n  condition: " + condition + "\n  output: '" + output +
         "'\n  priority: NOTICE\n";
}

// Whether `condition` holds for `type` on `fd`, run by pid 200 (curl) in the container.
bool Holds(const std::string& condition, EventType type, const Event::FdInfo& fd,
           std::string unix_path = "") {
  RulesHarness h;
  if (!h.Load(Rule(condition, "x"))) return false;
  h.Spawn(200, "curl", {"curl"});
  return h.FdCall(200, type, fd, 0, {}, std::move(unix_path)).size() == 1;
}

std::string Output(const std::string& output, EventType type, const Event::FdInfo& fd,
                   int64_t ret = 0, std::array<uint64_t, 6> args = {},
                   std::string unix_path = "") {
  RulesHarness h;
  if (!h.Load(Rule("evt.type = " + std::string(type == EventType::kConnect ? "connect"
                                               : type == EventType::kAccept4 ? "accept4"
                                               : type == EventType::kSocket  ? "socket"
                                               : type == EventType::kBind    ? "bind"
                                                                             : "sendto"),
                   output))) {
    return "<load failed>";
  }
  h.Spawn(200, "curl", {"curl"});
  auto m = h.FdCall(200, type, fd, ret, args, std::move(unix_path));
  return m.size() == 1 ? m[0].output : "<no match>";
}

TEST(SocketFieldsTest, ConnectMakesTheProcessTheClient) {
  auto fd = Ipv4("172.17.0.2", 43210, "10.96.0.1", 6443);
  EXPECT_EQ(Output("%fd.name %fd.cip %fd.cport %fd.sip %fd.sport %fd.lip %fd.rport", 
                   EventType::kConnect, fd),
            "172.17.0.2:43210->10.96.0.1:6443 172.17.0.2 43210 10.96.0.1 6443 172.17.0.2 6443");
  EXPECT_EQ(Output("%fd.type %fd.typechar %fd.l4proto %fd.sockfamily %fd.connected %fd.num",
                   EventType::kConnect, fd),
            "ipv4 4 tcp ip true 3");
  EXPECT_EQ(Output("%evt.arg.fd %evt.arg.tuple", EventType::kConnect, fd, 0, {3}),
            "3 172.17.0.2:43210->10.96.0.1:6443");
}

TEST(SocketFieldsTest, AcceptMakesTheProcessTheServer) {
  auto fd = Ipv4("10.0.0.5", 80, "203.0.113.9", 51000, /*fd=*/7);
  EXPECT_EQ(Output("%fd.name %fd.sip %fd.sport %fd.cip %fd.cport %fd.num", EventType::kAccept4,
                   fd, 7),
            "203.0.113.9:51000->10.0.0.5:80 10.0.0.5 80 203.0.113.9 51000 7");
  // A bound socket with no peer is named by its local end.
  EXPECT_EQ(Output("%fd.name %fd.connected", EventType::kBind, Ipv4("0.0.0.0", 4444, "0.0.0.0", 0)),
            "0.0.0.0:4444 false");
}

TEST(SocketFieldsTest, EitherEndFieldsMatchClientOrServer) {
  auto fd = Ipv4("172.17.0.2", 43210, "10.96.0.1", 6443);
  EXPECT_TRUE(Holds("fd.ip = 10.96.0.1", EventType::kConnect, fd));
  EXPECT_TRUE(Holds("fd.ip = 172.17.0.2", EventType::kConnect, fd));
  EXPECT_FALSE(Holds("fd.ip = 1.1.1.1", EventType::kConnect, fd));
  EXPECT_TRUE(Holds("fd.net = 10.0.0.0/8", EventType::kConnect, fd));
  EXPECT_TRUE(Holds("fd.net in (192.168.0.0/16, 172.16.0.0/12)", EventType::kConnect, fd));
  EXPECT_TRUE(Holds("fd.port = 43210 and fd.port = 6443", EventType::kConnect, fd));
  EXPECT_FALSE(Holds("fd.port = 80", EventType::kConnect, fd));
  // != holds when one end differs, as in Falco (the 'outbound' macro relies on it).
  EXPECT_TRUE(Holds("fd.net != 127.0.0.0/8", EventType::kConnect, fd));
  EXPECT_FALSE(Holds("fd.net != 127.0.0.0/8", EventType::kConnect,
                     Ipv4("127.0.0.1", 40000, "127.0.0.1", 8080)));
  EXPECT_TRUE(Holds("fd.snet in (10.0.0.0/8) and not fd.cnet in (10.0.0.0/8)",
                    EventType::kConnect, fd));
  EXPECT_TRUE(Holds("fd.rnet = 10.96.0.0/12 and fd.lnet = 172.17.0.0/16", EventType::kConnect,
                    fd));
}

TEST(SocketFieldsTest, Ipv6AndUdp) {
  auto v6 = Ipv6("::1", 50000, "2001:db8::7", 443);
  EXPECT_EQ(Output("%fd.name %fd.type %fd.typechar", EventType::kConnect, v6),
            "::1:50000->2001:db8::7:443 ipv6 6");
  EXPECT_TRUE(Holds("fd.sip = '2001:db8::7' and fd.snet = '2001:db8::/32'", EventType::kConnect,
                    v6));
  auto udp = Ipv4("10.0.0.2", 40000, "8.8.8.8", 53, 4, /*protocol=*/17);
  EXPECT_EQ(Output("%fd.l4proto %fd.sport %fd.connected", EventType::kSendto, udp),
            "udp 53 true");
  udp.peer_from_call = true;  // an unconnected socket: the peer is the call's
  EXPECT_EQ(Output("%fd.name %fd.connected", EventType::kSendto, udp),
            "10.0.0.2:40000->8.8.8.8:53 false");
}

// Falco's `outbound` macro counts an unconnected UDP send as outbound when the socket's name
// changed: the first datagram to a peer and each new peer, not every datagram.
TEST(SocketFieldsTest, DatagramPeerChangesAreNameChanges) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(Rule("evt.type = sendto and fd.l4proto = udp and fd.connected = false "
                          "and fd.name_changed = true",
                          "new peer %fd.sip:%fd.sport")));
  h.Spawn(200, "curl", {"curl"});
  auto udp = Ipv4("0.0.0.0", 40000, "169.254.169.254", 80, 4, /*protocol=*/17);
  udp.peer_from_call = true;
  EXPECT_EQ(h.FdCall(200, EventType::kSendto, udp, 32).size(), 1u);
  EXPECT_TRUE(h.FdCall(200, EventType::kSendto, udp, 32).empty());
  inet_pton(AF_INET, "8.8.8.8", udp.remote_addr.data());
  auto second = h.FdCall(200, EventType::kSendto, udp, 32);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].output, "new peer 8.8.8.8:80");
}

// An unconnected UDP receiver learns its sender from the call (recvfrom's src_addr): it serves,
// the sender is the client, and each new sender is a name change (Falco's `inbound` macro).
TEST(SocketFieldsTest, DatagramReceiverNamesItsSender) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(Rule("evt.type = recvfrom and fd.l4proto = udp and fd.connected = false "
                          "and fd.name_changed = true",
                          "%fd.name server=%fd.sip:%fd.sport client=%fd.cip:%fd.cport")));
  h.Spawn(200, "named", {"named"});
  auto udp = Ipv4("0.0.0.0", 53, "10.0.0.7", 41000, 4, /*protocol=*/17);
  udp.peer_from_call = true;
  auto first = h.FdCall(200, EventType::kRecvfrom, udp, 32);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].output, "10.0.0.7:41000->0.0.0.0:53 server=0.0.0.0:53 client=10.0.0.7:41000");
  EXPECT_TRUE(h.FdCall(200, EventType::kRecvfrom, udp, 32).empty());  // the same sender
  inet_pton(AF_INET, "10.0.0.8", udp.remote_addr.data());
  EXPECT_EQ(h.FdCall(200, EventType::kRecvfrom, udp, 32).size(), 1u);
}

// Falco's log4shell rule: the bytes of a Java class file in what a process received.
TEST(SocketFieldsTest, BufferBytesAreComparedInHexAndPrintedReadably) {
  RulesHarness h;
  ASSERT_TRUE(h.Load(Rule("evt.type = recvfrom and evt.buffer bcontains CAFEbabe",
                          "class file %evt.buffer")));
  h.Spawn(200, "java", {"java"});
  auto tcp = Ipv4("10.0.0.5", 40000, "10.0.0.9", 1389, 4);
  const std::string klass("\x00\xca\xfe\xba\xbe\x00\x00\x00" "4Exploit", 16);
  auto m = h.FdCall(200, EventType::kRecvfrom, tcp, 16, {}, "", klass);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].output, "class file ........4Exploit");
  EXPECT_TRUE(h.FdCall(200, EventType::kRecvfrom, tcp, 8, {}, "", "cafebabe").empty())
      << "the operand is bytes, not text";
  // Any other event has no buffer.
  ASSERT_TRUE(h.Load(Rule("evt.buffer exists", "x")));
  EXPECT_TRUE(h.FdCall(200, EventType::kConnect, tcp, 0, {}, "", klass).empty());
  EXPECT_EQ(h.FdCall(200, EventType::kSendto, tcp, 16, {}, "", klass).size(), 1u);
  // bstartswith too; an operand that is not hex is an error.
  ASSERT_TRUE(h.Load(Rule("evt.buffer bstartswith 00CAFE", "x")));
  EXPECT_EQ(h.FdCall(200, EventType::kRecvfrom, tcp, 16, {}, "", klass).size(), 1u);
  EXPECT_FALSE(h.Load(Rule("evt.buffer bcontains cafebab", "x"), /*expect_ok=*/false));
  EXPECT_FALSE(h.Load(Rule("evt.buffer bcontains zz", "x"), /*expect_ok=*/false));
}

TEST(SocketFieldsTest, UnixSocketsAreNamedByPath) {
  Event::FdInfo unix_fd;
  unix_fd.kind = Kind::kUnix;
  unix_fd.fd = 3;
  EXPECT_EQ(Output("%fd.name %fd.type %fd.typechar %fd.sockfamily", EventType::kConnect, unix_fd,
                   0, {}, "/var/run/docker.sock"),
            "/var/run/docker.sock unix u unix");
  EXPECT_TRUE(Holds("fd.name = /var/run/docker.sock", EventType::kConnect, unix_fd,
                    "/var/run/docker.sock"));
  EXPECT_FALSE(Holds("fd.sip exists", EventType::kConnect, unix_fd, "/var/run/docker.sock"));
  EXPECT_FALSE(Holds("fd.l4proto exists", EventType::kConnect, unix_fd));
}

NetAddress V4(const char* text) {
  NetAddress a;
  a.family = 4;
  inet_pton(AF_INET, text, a.bytes.data());
  return a;
}

// curl (pid 200) connects from 10.0.0.1 to 10.0.0.9:443; what the rules say about it.
std::vector<testing_support::Matched> ConnectWithNames(const std::string& rules,
                                                       const DomainNames* names) {
  RulesHarness h;
  if (!h.Load(rules)) return {};
  h.set_domain_names(names);
  h.Spawn(200, "curl", {"curl"});
  return h.FdCall(200, EventType::kConnect, Ipv4("10.0.0.1", 40000, "10.0.0.9", 443));
}

TEST(SocketFieldsTest, DomainNamesCompareResolvedAddresses) {
  DomainNames names;
  names.Set("api.example", {V4("10.0.0.8"), V4("10.0.0.9")});
  names.Set("other.example", {V4("10.0.0.7")});
  auto holds = [&](const std::string& condition, const DomainNames* table) {
    return ConnectWithNames(Rule("evt.type = connect and " + condition, "x"), table).size() == 1;
  };
  EXPECT_TRUE(holds("fd.sip.name = api.example", &names));
  EXPECT_TRUE(holds("fd.rip.name = api.example", &names));
  EXPECT_FALSE(holds("fd.cip.name = api.example", &names));  // the client is 10.0.0.1
  EXPECT_FALSE(holds("fd.sip.name = other.example", &names));
  EXPECT_TRUE(holds("fd.sip.name != other.example", &names));
  EXPECT_FALSE(holds("fd.sip.name != api.example", &names));
  EXPECT_TRUE(holds("fd.sip.name in (other.example, api.example)", &names));
  EXPECT_TRUE(holds("fd.sip.name contains api", &names));  // other operators: the name shown
  // Names not resolved (resolution off): '=' never holds, '!=' always does.
  EXPECT_FALSE(holds("fd.sip.name = api.example", nullptr));
  EXPECT_TRUE(holds("fd.sip.name != api.example", nullptr));
  EXPECT_FALSE(holds("fd.sip.name = unresolved.example", &names));
}

TEST(SocketFieldsTest, DomainNamesPrintTheNameAndAreCollected) {
  DomainNames names;
  names.Set("api.example", {V4("10.0.0.9")});
  const std::string rules =
      "- list: api_hosts\n  items: [api.example, backup.example]\n"
      "- macro: to_api\n  condition: fd.sip.name in (api_hosts)\n" +
      Rule("evt.type = connect and to_api", "name=%fd.sip.name client=%fd.cip.name");
  auto matched = ConnectWithNames(rules, &names);
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0].output, "name=api.example client=<NA>");

  RulesHarness h;
  ASSERT_TRUE(h.Load(rules + "- rule: off\n  desc: d\n  condition: evt.type = connect and "
                             "fd.sip.name = disabled.example\n  output: x\n  priority: NOTICE\n"
                             "  enabled: false\n"));
  EXPECT_EQ(h.set()->DomainNamesInUse(),
            (std::set<std::string>{"api.example", "backup.example"}));
  EXPECT_TRUE(h.set()->ReadsField("fd.sip.name"));
}

TEST(SocketFieldsTest, DomainNameOperandsMustBeNames) {
  RulesHarness h;
  EXPECT_FALSE(h.Load(Rule("evt.type = connect and fd.sip.name = 'a b'", "x"), false));
  std::string all;
  for (const auto& d : h.diagnostics()) all += d + "\n";
  EXPECT_THAT(all, HasSubstr("'a b' is not a domain name"));
}

TEST(SocketFieldsTest, SocketArguments) {
  Event::FdInfo packet;
  packet.kind = Kind::kSocketOther;
  packet.fd = 3;
  EXPECT_EQ(Output("%evt.arg.domain %evt.arg.type %evt.arg.proto %fd.type", EventType::kSocket,
                   packet, 3, {17, 3 | 02000000, 768}),
            "AF_PACKET SOCK_RAW|SOCK_CLOEXEC 768 socket");
}

TEST(SocketFieldsTest, RolesFollowTheCall) {
  SocketEnds ends;
  Event e;
  e.type = EventType::kRecvfrom;
  e.fd_info = Ipv4("10.0.0.1", 8080, "10.0.0.9", 55000);
  ASSERT_TRUE(IpSocketEnds(e, ends));
  EXPECT_TRUE(ends.local_is_server);  // the lower port serves
  e.fd_info = Ipv4("10.0.0.1", 55000, "10.0.0.9", 8080);
  ASSERT_TRUE(IpSocketEnds(e, ends));
  EXPECT_FALSE(ends.local_is_server);
  e.fd_info = Ipv4("0.0.0.0", 53, "0.0.0.0", 0);  // an unconnected UDP server
  ASSERT_TRUE(IpSocketEnds(e, ends));
  EXPECT_TRUE(ends.local_is_server);
  // A server answering on an accepted socket: sendmsg does not make it the client.
  e.type = EventType::kSendmsg;
  e.fd_info = Ipv4("127.0.0.1", 4455, "127.0.0.1", 45354);
  ASSERT_TRUE(IpSocketEnds(e, ends));
  EXPECT_TRUE(ends.local_is_server);
  EXPECT_EQ(SocketName(e), "127.0.0.1:45354->127.0.0.1:4455");
  e.fd_info.peer_from_call = true;  // an unconnected socket sending to an address: the client
  e.fd_info.local_port = 50000;
  e.fd_info.remote_port = 53;
  ASSERT_TRUE(IpSocketEnds(e, ends));
  EXPECT_FALSE(ends.local_is_server);
  // A socket just created has no name yet.
  e.type = EventType::kSocket;
  e.fd_info = Ipv4("0.0.0.0", 0, "0.0.0.0", 0);
  EXPECT_EQ(SocketName(e), "");
  e.fd_info.kind = Kind::kFile;
  EXPECT_FALSE(IpSocketEnds(e, ends));
  EXPECT_EQ(SocketName(e), "");
}

// The built-in network rules on synthetic events.
TEST(SocketFieldsTest, BuiltInNetworkRules) {
  RulesHarness h;
  ASSERT_TRUE(h.LoadDefault());
  h.Spawn(200, "sh", {"sh", "-i"});
  // A reverse shell: the socket put on stdin/stdout.
  auto dup = h.FdCall(200, EventType::kDup2, Ipv4("172.17.0.2", 40000, "203.0.113.9", 4444, 0),
                      0, {3, 0});
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0].rule, "Redirect STDOUT/STDIN to Network Connection in Container");
  EXPECT_THAT(dup[0].output, HasSubstr("fd=172.17.0.2:40000->203.0.113.9:4444"));
  Event::FdInfo file;
  file.kind = Kind::kFile;
  file.fd = 1;
  EXPECT_TRUE(h.FdCall(200, EventType::kDup2, file, 1, {3, 1}).empty());  // 2>&1 to a file
  EXPECT_TRUE(h.FdCall(200, EventType::kDup2, Ipv4("172.17.0.2", 40000, "203.0.113.9", 4444, 5),
                       5, {3, 5})
                  .empty());  // onto a descriptor that is not a standard stream

  h.Spawn(201, "kubectl", {"kubectl", "get", "pods"});
  auto k8s = h.FdCall(201, EventType::kConnect, Ipv4("172.17.0.2", 40001, "10.96.0.1", 6443), -115);
  ASSERT_EQ(k8s.size(), 1u);  // EINPROGRESS: a non-blocking connect counts
  EXPECT_EQ(k8s[0].rule, "Contact K8S API Server From Container");

  Event::FdInfo packet;
  packet.kind = Kind::kSocketOther;
  packet.fd = 3;
  auto raw = h.FdCall(200, EventType::kSocket, packet, 3, {17, 3, 768});
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].rule, "Packet socket created in container");
}

}  // namespace
}  // namespace vigil::rules
