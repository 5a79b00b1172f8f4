#include "rules/socket_ends.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/core.h>

#include "rules/fields.h"

namespace vigil::rules {
namespace {

using Kind = Event::FdInfo::Kind;

SocketEnd End(const Event::FdInfo& fd, bool local) {
  SocketEnd end;
  end.ip.family = fd.kind == Kind::kIpv4 ? 4 : 6;
  const auto& bytes = local ? fd.local_addr : fd.remote_addr;
  std::copy(bytes.begin(), bytes.begin() + (end.ip.family == 4 ? 4 : 16), end.ip.bytes.begin());
  end.port = local ? fd.local_port : fd.remote_port;
  return end;
}

bool LocalIsServer(const Event& e) {
  switch (e.type) {
    case EventType::kConnect:
      return false;
    case EventType::kAccept:
    case EventType::kAccept4:
    case EventType::kBind:
    case EventType::kListen:
      return true;
    case EventType::kSendto:
    case EventType::kSendmsg:
      if (e.fd_info.peer_from_call) return false;  // an unconnected socket sending: a client
      break;
    case EventType::kRecvfrom:
    case EventType::kRecvmsg:
      if (e.fd_info.peer_from_call) return true;  // receiving from a sender it names: a server
      break;
    default:
      break;
  }
  // Which end accepted is not recorded (no descriptor table yet): the end without a peer, or
  // the lower port, serves.
  const auto& fd = e.fd_info;
  if (fd.remote_port == 0) return true;
  return fd.local_port != 0 && fd.local_port <= fd.remote_port;
}

std::string EndText(const SocketEnd& end) {
  return fmt::format("{}:{}", FormatIpAddress(end.ip), end.port);
}

}  // namespace

bool IsSocketEvent(const Event& e) {
  switch (e.fd_info.kind) {
    case Kind::kIpv4:
    case Kind::kIpv6:
    case Kind::kUnix:
    case Kind::kSocketOther:
      return true;
    default:
      return false;
  }
}

bool IpSocketEnds(const Event& e, SocketEnds& out) {
  const auto& fd = e.fd_info;
  if (fd.kind != Kind::kIpv4 && fd.kind != Kind::kIpv6) return false;
  out.local = End(fd, true);
  out.remote = End(fd, false);
  out.local_is_server = LocalIsServer(e);
  out.client = out.local_is_server ? out.remote : out.local;
  out.server = out.local_is_server ? out.local : out.remote;
  return true;
}

std::string SocketName(const Event& e) {
  if (e.fd_info.kind == Kind::kUnix) {
    for (std::size_t i = 0; i < e.syscall_strings.size(); ++i) {
      if (e.syscall_string_arg[i] == 1 && !e.syscall_strings[i].empty()) {
        return e.syscall_strings[i];
      }
    }
    return {};
  }
  SocketEnds ends;
  if (!IpSocketEnds(e, ends)) return {};
  if (ends.local.port == 0 && ends.remote.port == 0) return {};  // a fresh socket: no name yet
  if (ends.remote.port == 0) return EndText(ends.local);
  return EndText(ends.client) + "->" + EndText(ends.server);
}

std::string_view SocketL4Proto(const Event::FdInfo& fd) {
  if (fd.kind != Kind::kIpv4 && fd.kind != Kind::kIpv6) return {};
  if (fd.sock_type == SOCK_RAW) return "raw";
  switch (fd.protocol) {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6: return "icmp";
    default: break;
  }
  if (fd.sock_type == SOCK_STREAM) return "tcp";
  if (fd.sock_type == SOCK_DGRAM) return "udp";
  return {};
}

std::string_view FdTypeName(Kind kind) {
  switch (kind) {
    case Kind::kFile: return "file";
    case Kind::kDirectory: return "directory";
    case Kind::kIpv4: return "ipv4";
    case Kind::kIpv6: return "ipv6";
    case Kind::kUnix: return "unix";
    case Kind::kPipe: return "pipe";
    case Kind::kSocketOther: return "socket";
    case Kind::kOther: return "other";
    case Kind::kNone: break;
  }
  return {};
}

std::string_view FdTypeChar(Kind kind) {
  switch (kind) {
    case Kind::kFile: return "f";
    case Kind::kDirectory: return "d";
    case Kind::kIpv4: return "4";
    case Kind::kIpv6: return "6";
    case Kind::kUnix: return "u";
    case Kind::kPipe: return "p";
    case Kind::kSocketOther: return "s";
    case Kind::kOther: return "o";
    case Kind::kNone: break;
  }
  return {};
}

}  // namespace vigil::rules
