// Whether a rule could match the data calls (sendto, sendmsg, recvfrom, recvmsg) on a TCP
// socket. Falco's `outbound` and `inbound` macros, the only enabled upstream users of these
// calls, require `fd.l4proto != tcp`: without this analysis every send() and recv() of every
// TCP connection would leave the kernel for nothing. Read from the condition's syntax tree with
// macros and lists expanded, in three values (holds, cannot hold, unknown); conservative: only
// a condition that cannot hold for such an event rules the calls out.
#pragma once

#include <bitset>

#include "events/event.h"
#include "rules/ast.h"
#include "rules/compiler.h"

namespace vigil::rules {

// Bit t set: the condition could hold for an event of type t (one of the four data calls) on
// a TCP socket.
using TcpDataTypes = std::bitset<kEventTypeCount>;

// The data calls on TCP sockets `condition` (a rule's, exceptions included) could match.
TcpDataTypes TcpDataInterest(const Expr& condition, const Definitions& defs);

// The four data calls whose TCP records the kernel can drop.
bool IsDataCall(EventType type);

}  // namespace vigil::rules
