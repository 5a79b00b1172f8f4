// fd.* fields: the file or socket the event is about.
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>

#include "common/paths.h"
#include "common/strings.h"
#include "rules/field_helpers.h"
#include "rules/socket_ends.h"

namespace vigil::rules {
namespace {

using namespace field_helpers;

bool IsOpen(Ctx& c) { return IsOpenFamily(c.event().type); }
bool HasFd(Ctx& c) { return c.event().fd_info.kind != Event::FdInfo::Kind::kNone; }

bool FdName(Ctx& c, FieldValue& out, std::string& scratch) {
  const Event& e = c.event();
  if (IsOpen(c)) {
    return NonEmpty(out, e.path.empty() ? std::string_view(e.path_raw) : std::string_view(e.path));
  }
  if (!IsSocketEvent(e)) return false;
  scratch = SocketName(e);
  return NonEmpty(out, scratch);
}

bool IsDirectory(const Event& e) {
  return e.file_mode ? S_ISDIR(e.file_mode) : (e.open_flags & O_DIRECTORY) != 0;
}

bool Ip(FieldValue& out, const SocketEnd& end) {
  out.ip = end.ip;
  return true;
}

// The ends of an IP socket event, computed once per extraction (cheap: no allocation).
enum class Which { kClient, kServer, kLocal, kRemote };
const SocketEnd* EndOf(Ctx& c, Which which, SocketEnds& ends) {
  if (!IpSocketEnds(c.event(), ends)) return nullptr;
  switch (which) {
    case Which::kClient: return &ends.client;
    case Which::kServer: return &ends.server;
    case Which::kLocal: return &ends.local;
    case Which::kRemote: return &ends.remote;
  }
  return nullptr;
}

template <Which W>
bool EndIp(Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
  SocketEnds ends;
  const SocketEnd* end = EndOf(c, W, ends);
  return end && Ip(o, *end);
}
// The first of the rules' domain names that resolves to the end's address (as Falco shows it:
// only names some rule compares are known).
template <Which W>
bool EndName(Ctx& c, const FieldArg&, FieldValue& o, std::string& scratch) {
  SocketEnds ends;
  const SocketEnd* end = EndOf(c, W, ends);
  const DomainNames* names = c.domain_names();
  if (!end || !names || !names->NameOf(ToNetAddress(end->ip), scratch)) return false;
  return NonEmpty(o, scratch);
}

template <Which W>
bool EndPort(Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
  SocketEnds ends;
  const SocketEnd* end = EndOf(c, W, ends);
  return end && Uint(o, end->port);
}
// fd.ip, fd.net, fd.port: value 1 is the client's, 2 the server's (a check holds when it holds
// for either); without an index (outputs) the client's.
bool EitherIp(Ctx& c, const FieldArg& a, FieldValue& o, std::string& s) {
  if (a.index > 2) return false;
  return a.index == 2 ? EndIp<Which::kServer>(c, a, o, s) : EndIp<Which::kClient>(c, a, o, s);
}
bool EitherPort(Ctx& c, const FieldArg& a, FieldValue& o, std::string& s) {
  if (a.index > 2) return false;
  return a.index == 2 ? EndPort<Which::kServer>(c, a, o, s) : EndPort<Which::kClient>(c, a, o, s);
}

#define NAME_FIELD(NAME, ADDRESS, DESC, FN) \
  {NAME, FieldType::kString, FieldArgKind::kNone, true, DESC, FN, false, false, ADDRESS}
#define END_FIELD(NAME, TYPE, DESC, FN) {NAME, TYPE, FieldArgKind::kNone, true, DESC, FN}
#define EITHER_FIELD(NAME, TYPE, DESC, FN) {NAME, TYPE, FieldArgKind::kNone, true, DESC, FN, true}

const FieldDef kFdFields[] = {
    {"fd.num", FieldType::kInt64, FieldArgKind::kNone, true,
     "File descriptor number: the one opened (negative when the open failed), the socket of a "
     "network call, the new descriptor of socket/accept/dup.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       if (IsOpen(c)) return Int(o, c.event().ret);
       return HasFd(c) && Int(o, c.event().fd_info.fd);
     }},
    {"fd.name", FieldType::kString, FieldArgKind::kNone, true,
     "Absolute, normalised path of the file (from the kernel's struct file when opened); for "
     "IP sockets cip:cport->sip:sport (lip:lport with no peer); for unix sockets the path "
     "connected or bound to.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) { return FdName(c, o, s); }},
    {"fd.nameraw", FieldType::kString, FieldArgKind::kNone, true,
     "The path as the program passed it.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return IsOpen(c) && NonEmpty(o, c.event().path_raw);
     }},
    {"fd.directory", FieldType::kString, FieldArgKind::kNone, true, "Directory part of fd.name.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
       FieldValue name;
       return IsOpen(c) && FdName(c, name, s) && NonEmpty(o, DirName(name.str));
     }},
    {"fd.filename", FieldType::kString, FieldArgKind::kNone, true, "File name part of fd.name.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
       FieldValue name;
       return IsOpen(c) && FdName(c, name, s) && Str(o, BaseName(name.str));
     }},
    {"fd.typechar", FieldType::kString, FieldArgKind::kNone, true,
     "Type of the file descriptor as a letter: f file, d directory, 4 IPv4 socket, 6 IPv6 "
     "socket, u unix socket, p pipe, s other socket, o anything else.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       if (IsOpen(c)) return Str(o, IsDirectory(c.event()) ? "d" : "f");
       return NonEmpty(o, FdTypeChar(c.event().fd_info.kind));
     }},
    {"fd.type", FieldType::kString, FieldArgKind::kNone, true,
     "Type of the file descriptor: file, directory, ipv4, ipv6, unix, pipe, socket (other "
     "families), other.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       if (IsOpen(c)) return Str(o, IsDirectory(c.event()) ? "directory" : "file");
       return NonEmpty(o, FdTypeName(c.event().fd_info.kind));
     }},
    END_FIELD("fd.l4proto", FieldType::kString, "Transport protocol: tcp, udp, icmp, raw.",
              [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
                return NonEmpty(o, SocketL4Proto(c.event().fd_info));
              }),
    END_FIELD("fd.sockfamily", FieldType::kString, "Socket family: ip or unix.",
              [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
                auto kind = c.event().fd_info.kind;
                if (kind == Event::FdInfo::Kind::kUnix) return Str(o, "unix");
                return (kind == Event::FdInfo::Kind::kIpv4 ||
                        kind == Event::FdInfo::Kind::kIpv6) && Str(o, "ip");
              }),
    END_FIELD("fd.connected", FieldType::kBool,
              "True when the IP socket is connected: the kernel's socket holds its peer (an "
              "unconnected UDP socket's sendto names a peer but is not connected).",
              [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
                SocketEnds ends;
                return IpSocketEnds(c.event(), ends) &&
                       Bool(o, ends.remote.port != 0 && !c.event().fd_info.peer_from_call);
              }),
    END_FIELD("fd.name_changed", FieldType::kBool,
              "True when the call gave the socket a new name: an unconnected UDP socket sending "
              "to or receiving from another peer than its last one (or its first).",
              [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
                SocketEnds ends;
                return IpSocketEnds(c.event(), ends) && Bool(o, c.event().fd_name_changed);
              }),
    EITHER_FIELD("fd.ip", FieldType::kIpAddr, "Either end's IP address (matches client or server).",
                 EitherIp),
    END_FIELD("fd.cip", FieldType::kIpAddr, "Client IP address.", EndIp<Which::kClient>),
    END_FIELD("fd.sip", FieldType::kIpAddr, "Server IP address.", EndIp<Which::kServer>),
    END_FIELD("fd.lip", FieldType::kIpAddr, "Local IP address.", EndIp<Which::kLocal>),
    END_FIELD("fd.rip", FieldType::kIpAddr, "Remote IP address.", EndIp<Which::kRemote>),
    EITHER_FIELD("fd.net", FieldType::kIpNet, "Either end's IP network (compare with a CIDR).",
                 EitherIp),
    END_FIELD("fd.cnet", FieldType::kIpNet, "Client IP network.", EndIp<Which::kClient>),
    END_FIELD("fd.snet", FieldType::kIpNet, "Server IP network.", EndIp<Which::kServer>),
    END_FIELD("fd.lnet", FieldType::kIpNet, "Local IP network.", EndIp<Which::kLocal>),
    END_FIELD("fd.rnet", FieldType::kIpNet, "Remote IP network.", EndIp<Which::kRemote>),
    EITHER_FIELD("fd.port", FieldType::kUint64, "Either end's port (matches client or server).",
                 EitherPort),
    END_FIELD("fd.cport", FieldType::kUint64, "Client port.", EndPort<Which::kClient>),
    END_FIELD("fd.sport", FieldType::kUint64, "Server port.", EndPort<Which::kServer>),
    END_FIELD("fd.lport", FieldType::kUint64, "Local port.", EndPort<Which::kLocal>),
    END_FIELD("fd.rport", FieldType::kUint64, "Remote port.", EndPort<Which::kRemote>),
    NAME_FIELD("fd.cip.name", "fd.cip",
               "Domain name of the client IP: '=', '!=' and 'in' hold when the address is (is "
               "not) one the names resolved to; printed, the first compared name resolving to "
               "it. Names are resolved only with name_resolution.enabled (--resolve-names).",
               EndName<Which::kClient>),
    NAME_FIELD("fd.sip.name", "fd.sip",
               "Domain name of the server IP (as fd.cip.name): fd.sip.name = example.com holds "
               "for a connection to one of example.com's addresses.",
               EndName<Which::kServer>),
    NAME_FIELD("fd.lip.name", "fd.lip", "Domain name of the local IP (as fd.cip.name).",
               EndName<Which::kLocal>),
    NAME_FIELD("fd.rip.name", "fd.rip", "Domain name of the remote IP (as fd.cip.name).",
               EndName<Which::kRemote>),
};

#undef END_FIELD
#undef EITHER_FIELD
#undef NAME_FIELD

}  // namespace

std::span<const FieldDef> FdFields() { return kFdFields; }

bool ParseIpAddress(std::string_view text, IpAddress& out) {
  char buffer[64];
  if (text.empty() || text.size() >= sizeof(buffer)) return false;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  out = IpAddress();
  if (inet_pton(AF_INET, buffer, out.bytes.data()) == 1) {
    out.family = 4;
    return true;
  }
  if (inet_pton(AF_INET6, buffer, out.bytes.data()) == 1) {
    out.family = 6;
    return true;
  }
  return false;
}

bool ParseIpNetwork(std::string_view text, IpAddress& network, int& prefix_length) {
  auto slash = text.find('/');
  if (!ParseIpAddress(text.substr(0, slash), network)) return false;
  const int max = network.family == 4 ? 32 : 128;
  if (slash == std::string_view::npos) {
    prefix_length = max;
    return true;
  }
  auto length = ParseInt(text.substr(slash + 1));
  if (!length || *length < 0 || *length > max) return false;
  prefix_length = static_cast<int>(*length);
  return true;
}

std::string FormatIpAddress(const IpAddress& ip) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (ip.family == 4) inet_ntop(AF_INET, ip.bytes.data(), buffer, sizeof(buffer));
  if (ip.family == 6) inet_ntop(AF_INET6, ip.bytes.data(), buffer, sizeof(buffer));
  return buffer;
}

bool IpInNetwork(const IpAddress& ip, const IpAddress& network, int prefix_length) {
  if (ip.family != network.family) return false;
  int full_bytes = prefix_length / 8;
  if (std::memcmp(ip.bytes.data(), network.bytes.data(), static_cast<std::size_t>(full_bytes)) != 0) {
    return false;
  }
  int rest = prefix_length % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full_bytes] & mask) == (network.bytes[full_bytes] & mask);
}

}  // namespace vigil::rules
