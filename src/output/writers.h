// The local destinations: a stream (stdout), a file, the syslog socket, a program's stdin.
// Each is used by its output's thread only (output/queued_output.h).
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <memory>
#include <string>

#include "output/output.h"

namespace vigil::output {

// One line per alert to a stream it does not own (stdout). Flushed per alert unless buffered.
std::unique_ptr<Deliverer> MakeStreamWriter(std::FILE* stream, bool buffered);

// Appends one line per alert. keep_alive: the file stays open (Reopen() after logrotate
// renamed it opens the path anew); otherwise it is opened and closed for every alert.
std::unique_ptr<Deliverer> MakeFileWriter(std::string path, bool keep_alive, bool buffered);

// One datagram per alert to a local syslog socket (/dev/log), as syslog(3) writes them:
// "<PRI>Mmm dd hh:mm:ss vigil[pid]: line", facility user, severity from the priority.
std::unique_ptr<Deliverer> MakeSyslogWriter(std::string socket_path);

// The line on the stdin of `sh -c program`: one process for every alert, or (keep_alive) one
// process for all, started again if it exits. A program that does not take a line within
// `timeout_ms`, or does not exit that long after its stdin closed (30 s at least for one
// process per alert), is killed: a stuck program must not stall the output for good.
std::unique_ptr<Deliverer> MakeProgramWriter(std::string program, bool keep_alive,
                                             int timeout_ms = 2000);

// "<14>Nov 27 03:12:01 vigil[42]: line" (exposed for tests).
std::string SyslogMessage(const Alert& alert, const std::string& line, uint64_t wall_ns, pid_t pid);

}  // namespace vigil::output
