// The two ends of the socket a network event is about, in Falco's terms: local/remote (as the
// traced process sees them) and client/server (who connected to whom), and the socket's name
// as Falco writes it ("10.0.0.1:43210->10.0.0.2:80", or a unix socket's path).
#pragma once

#include <cstdint>
#include <string>

#include "events/event.h"
#include "rules/eval_context.h"

namespace vigil::rules {

struct SocketEnd {
  IpAddress ip;
  uint16_t port = 0;
};

struct SocketEnds {
  SocketEnd local, remote, client, server;
  bool local_is_server = false;
};

// True for events whose descriptor is a socket.
bool IsSocketEvent(const Event& event);

// Fills `out` for IPv4/IPv6 sockets; false for other descriptors (unix sockets included).
// Roles: connect, and sends with an address on an unconnected socket, make the process the
// client; accept/bind/listen the server; otherwise the end without a peer port, or the lower
// port, is the server.
bool IpSocketEnds(const Event& event, SocketEnds& out);

// "cip:cport->sip:sport" for IP sockets ("lip:lport" while there is no peer, empty while
// neither end has a port), the path a unix socket was connected or bound to; empty when
// unknown.
std::string SocketName(const Event& event);

// Falco's names: l4proto "tcp", "udp", "icmp", "raw" (empty when unknown); fd.type "ipv4",
// "ipv6", "unix", "file", "directory", "pipe", ...; fd.typechar "4", "6", "u", "f", "d", "p".
std::string_view SocketL4Proto(const Event::FdInfo& fd);
std::string_view FdTypeName(Event::FdInfo::Kind kind);
std::string_view FdTypeChar(Event::FdInfo::Kind kind);

}  // namespace vigil::rules
