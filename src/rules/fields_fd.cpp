// fd.* fields: the file or socket the event is about.
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>

#include "common/paths.h"
#include "common/strings.h"
#include "rules/field_helpers.h"

namespace vigil::rules {
namespace {

using namespace field_helpers;

bool IsOpen(Ctx& c) { return IsOpenFamily(c.event().type); }

bool FdName(Ctx& c, FieldValue& out) {
  if (!IsOpen(c)) return false;
  const Event& e = c.event();
  return NonEmpty(out, e.path.empty() ? std::string_view(e.path_raw) : std::string_view(e.path));
}

bool IsDirectory(const Event& e) {
  return e.file_mode ? S_ISDIR(e.file_mode) : (e.open_flags & O_DIRECTORY) != 0;
}

#define SOCKET_FIELD(NAME, TYPE, DESC) {NAME, TYPE, FieldArgKind::kNone, false, DESC, Unknown}

const FieldDef kFdFields[] = {
    {"fd.num", FieldType::kInt64, FieldArgKind::kNone, true,
     "File descriptor number; negative when the open failed.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return IsOpen(c) && Int(o, c.event().ret);
     }},
    {"fd.name", FieldType::kString, FieldArgKind::kNone, true,
     "Absolute, normalised path of the file (from the kernel's struct file when opened).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return FdName(c, o); }},
    {"fd.nameraw", FieldType::kString, FieldArgKind::kNone, true,
     "The path as the program passed it.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return IsOpen(c) && NonEmpty(o, c.event().path_raw);
     }},
    {"fd.directory", FieldType::kString, FieldArgKind::kNone, true, "Directory part of fd.name.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       FieldValue name;
       return FdName(c, name) && NonEmpty(o, DirName(name.str));
     }},
    {"fd.filename", FieldType::kString, FieldArgKind::kNone, true, "File name part of fd.name.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       FieldValue name;
       return FdName(c, name) && Str(o, BaseName(name.str));
     }},
    {"fd.typechar", FieldType::kString, FieldArgKind::kNone, true,
     "Type of the file descriptor as a letter: f file, d directory (4/6 IPv4/IPv6, u unix, p "
     "pipe once sockets are traced).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return IsOpen(c) && Str(o, IsDirectory(c.event()) ? "d" : "f");
     }},
    {"fd.type", FieldType::kString, FieldArgKind::kNone, true,
     "Type of the file descriptor: file, directory (ipv4, ipv6, unix, pipe once sockets are "
     "traced).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return IsOpen(c) && Str(o, IsDirectory(c.event()) ? "directory" : "file");
     }},
    SOCKET_FIELD("fd.l4proto", FieldType::kString, "Transport protocol: tcp, udp, icmp, raw."),
    SOCKET_FIELD("fd.sockfamily", FieldType::kString, "Socket family: ip or unix."),
    SOCKET_FIELD("fd.connected", FieldType::kBool, "True when the socket is connected."),
    SOCKET_FIELD("fd.name_changed", FieldType::kBool,
                 "True when the fd's name changed (a UDP socket's peer, for instance)."),
    SOCKET_FIELD("fd.ip", FieldType::kIpAddr, "Either end's IP address (matches client or server)."),
    SOCKET_FIELD("fd.cip", FieldType::kIpAddr, "Client IP address."),
    SOCKET_FIELD("fd.sip", FieldType::kIpAddr, "Server IP address."),
    SOCKET_FIELD("fd.lip", FieldType::kIpAddr, "Local IP address."),
    SOCKET_FIELD("fd.rip", FieldType::kIpAddr, "Remote IP address."),
    SOCKET_FIELD("fd.net", FieldType::kIpNet, "Either end's IP network (compare with a CIDR)."),
    SOCKET_FIELD("fd.cnet", FieldType::kIpNet, "Client IP network."),
    SOCKET_FIELD("fd.snet", FieldType::kIpNet, "Server IP network."),
    SOCKET_FIELD("fd.lnet", FieldType::kIpNet, "Local IP network."),
    SOCKET_FIELD("fd.rnet", FieldType::kIpNet, "Remote IP network."),
    SOCKET_FIELD("fd.port", FieldType::kUint64, "Either end's port (matches client or server)."),
    SOCKET_FIELD("fd.cport", FieldType::kUint64, "Client port."),
    SOCKET_FIELD("fd.sport", FieldType::kUint64, "Server port."),
    SOCKET_FIELD("fd.lport", FieldType::kUint64, "Local port."),
    SOCKET_FIELD("fd.rport", FieldType::kUint64, "Remote port."),
    SOCKET_FIELD("fd.cip.name", FieldType::kString, "Domain name the client IP was resolved from."),
    SOCKET_FIELD("fd.sip.name", FieldType::kString, "Domain name the server IP was resolved from."),
    SOCKET_FIELD("fd.lip.name", FieldType::kString, "Domain name the local IP was resolved from."),
    SOCKET_FIELD("fd.rip.name", FieldType::kString, "Domain name the remote IP was resolved from."),
};

#undef SOCKET_FIELD

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
