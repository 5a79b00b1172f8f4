// proc.*, thread.*, user.* and group.* fields: the process behind the event.
#include <algorithm>

#include "rules/field_helpers.h"

namespace vigil::rules {
namespace {

using namespace field_helpers;

const Process* Parent(Ctx& c) {
  return c.process() ? c.processes().Ancestor(*c.process(), 1) : nullptr;
}
const Process* AncestorOf(Ctx& c, const FieldArg& a) {
  return c.process() ? c.processes().Ancestor(*c.process(), static_cast<int>(a.index)) : nullptr;
}

#define PROC_STRING(NAME, MEMBER, WHO, DESC)                                 \
  {NAME, FieldType::kString, FieldArgKind::kNone, true, DESC,                \
   [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {                \
     const Process* p = WHO(c);                                              \
     return p && NonEmpty(o, p->MEMBER);                                     \
   }}

const Process* Self(Ctx& c) { return c.process(); }

// The session leader, as Falco finds it: the process whose pid is the session id, else (it
// exited, or was never seen) the eldest of the unbroken line of ancestors in the same session.
const Process* SessionLeader(Ctx& c) {
  const Process* p = c.process();
  if (!p || p->sid == 0) return nullptr;
  if (const Process* leader = c.processes().Find(p->sid)) return leader;
  const Process* eldest = p;
  for (int generation = 1; generation < 64; ++generation) {
    const Process* a = c.processes().Ancestor(*p, generation);
    if (!a || a->sid != p->sid) break;
    eldest = a;
  }
  return eldest;
}

// The executed file's times, known from the exec record (or /proc for older processes).
bool ExeTime(Ctx& c, FieldValue& o, uint64_t Process::*member) {
  const Process* p = c.process();
  return p && p->*member != 0 && Uint(o, p->*member);
}

// Capability numbers to names, as in linux/capability.h.
constexpr std::string_view kCapabilityNames[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
    "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
    "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};




const FieldDef kProcessFields[] = {
    {"proc.pid", FieldType::kInt64, FieldArgKind::kNone, true, "Process id (host pid namespace).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Int(o, c.event().pid); }},
    {"proc.ppid", FieldType::kInt64, FieldArgKind::kNone, true, "Parent process id.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Int(o, c.event().ppid); }},
    {"proc.vpid", FieldType::kInt64, FieldArgKind::kNone, true,
     "Process id as seen in its own pid namespace (1 for a container's first process).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return c.process() && c.process()->vpid && Int(o, c.process()->vpid);
     }},
    {"proc.is_vpgid_leader", FieldType::kBool, FieldArgKind::kNone, true,
     "True when the process leads its process group (as of its last exec; the same in every "
     "pid namespace). Falco's interactive-shell rules use it.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       return p && p->pgid_known && Bool(o, p->pgid_leader);
     }},
    {"thread.tid", FieldType::kInt64, FieldArgKind::kNone, true, "Thread id.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Int(o, c.event().tid); }},
    PROC_STRING("proc.name", comm, Self,
                "Name of the process (the kernel's comm, at most 15 characters)."),
    PROC_STRING("proc.exe", exe, Self,
                "First command line argument (argv[0]), usually the executable as invoked."),
    PROC_STRING("proc.exepath", exepath, Self,
                "Full path of the executed file, symlinks resolved (from the kernel's struct file)."),
    {"proc.args", FieldType::kString, FieldArgKind::kNone, true,
     "Arguments after argv[0], space separated.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return c.process() && Str(o, c.process()->args_joined);
     }},
    PROC_STRING("proc.cmdline", cmdline, Self,
                "Full command line: proc.name and proc.args (e.g. 'cat /etc/shadow')."),
    PROC_STRING("proc.cwd", cwd, Self, "Current working directory."),
    {"proc.tty", FieldType::kUint64, FieldArgKind::kNone, true,
     "Controlling terminal (as /proc/PID/stat's tty_nr); 0 without one.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return c.process() && Uint(o, c.process()->tty);
     }},
    {"proc.duration", FieldType::kUint64, FieldArgKind::kNone, true,
     "Nanoseconds since the process started.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       if (!p || !p->start_ns || c.event().ts_ns < p->start_ns) return false;
       return Uint(o, c.event().ts_ns - p->start_ns);
     }},
    {"proc.env", FieldType::kString, FieldArgKind::kOptionalKey, true,
     "Environment of the process at exec (NAME=value, space separated; the first 2 KiB); "
     "proc.env[NAME] is one variable's value.",
     [](Ctx& c, const FieldArg& a, FieldValue& o, std::string& scratch) {
       const Process* p = c.process();
       if (!p) return false;
       std::string_view block = p->env_block;
       if (!a.present) {
         scratch.assign(block.substr(0, block.empty() ? 0 : block.size() - 1));
         std::replace(scratch.begin(), scratch.end(), '\0', ' ');
         return Str(o, scratch);
       }
       while (!block.empty()) {
         auto end = block.find('\0');
         std::string_view v = block.substr(0, end);
         if (v.size() > a.key.size() && v.starts_with(a.key) && v[a.key.size()] == '=') {
           return Str(o, v.substr(a.key.size() + 1));
         }
         if (end == std::string_view::npos) break;
         block.remove_prefix(end + 1);
       }
       return false;
     }},
    {"proc.sname", FieldType::kString, FieldArgKind::kNone, true,
     "Name of the process's session leader: the process whose pid is the session id, else the "
     "eldest ancestor in the same session.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* leader = SessionLeader(c);
       return leader && NonEmpty(o, leader->comm);
     }},
    {"proc.is_exe_upper_layer", FieldType::kBool, FieldArgKind::kNone, true,
     "True when the executed file lies in the overlay's writable (upper) layer: written or "
     "changed in the container after it started. Unknown for processes older than vigil.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       return p && p->exe_facts_known && Bool(o, p->exe_upper_layer);
     }},
    {"proc.is_exe_from_memfd", FieldType::kBool, FieldArgKind::kNone, true,
     "True when the executed file is an anonymous memory file (memfd_create): fileless "
     "execution.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       return p && Bool(o, p->exe_from_memfd);
     }},
    {"proc.is_exe_writable", FieldType::kBool, FieldArgKind::kNone, true,
     "True when the user running the process could write its executed file (mode bits against "
     "its fsuid/fsgid, root always, never on a read-only mount). Unknown for processes older "
     "than vigil.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       return p && p->exe_facts_known && Bool(o, p->exe_writable);
     }},
    {"proc.exe_ino.mtime", FieldType::kUint64, FieldArgKind::kNone, true,
     "Modification time of the executed file (ns since the epoch), from its inode at exec.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return ExeTime(c, o, &Process::exe_mtime_ns);
     }},
    {"proc.exe_ino.ctime", FieldType::kUint64, FieldArgKind::kNone, true,
     "Status-change time of the executed file (ns since the epoch), from its inode at exec: "
     "when it was last written, chmod'ed or renamed.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return ExeTime(c, o, &Process::exe_ctime_ns);
     }},
    {"proc.exe_ino.ctime_duration_proc_start", FieldType::kUint64, FieldArgKind::kNone, true,
     "Nanoseconds from the executed file's ctime to the process's start: small for a binary "
     "dropped and run at once. Unknown when the file changed after the process started.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       return p && p->exe_ctime_ns != 0 && p->start_ns >= p->exe_ctime_ns &&
              Uint(o, p->start_ns - p->exe_ctime_ns);
     }},
    PROC_STRING("proc.pname", comm, Parent, "Name of the parent process."),
    PROC_STRING("proc.pcmdline", cmdline, Parent, "Command line of the parent."),
    PROC_STRING("proc.pexe", exe, Parent, "argv[0] of the parent."),
    PROC_STRING("proc.pexepath", exepath, Parent, "Executable path of the parent."),
    {"proc.aname", FieldType::kString, FieldArgKind::kOptionalIndex, true,
     "Name of the Nth ancestor: proc.aname[1] is the parent, [2] the grandparent, [0] the process "
     "itself. Without an index: matches when any ancestor does.",
     [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) {
       const Process* p = AncestorOf(c, a);
       return p && NonEmpty(o, p->comm);
     }},
    {"proc.apid", FieldType::kInt64, FieldArgKind::kOptionalIndex, true,
     "Pid of the Nth ancestor; without an index, any ancestor's.",
     [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) {
       const Process* p = AncestorOf(c, a);
       return p && Int(o, p->pid);
     }},
    {"proc.aexe", FieldType::kString, FieldArgKind::kOptionalIndex, true,
     "argv[0] of the Nth ancestor; without an index, any ancestor's.",
     [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) {
       const Process* p = AncestorOf(c, a);
       return p && NonEmpty(o, p->exe);
     }},
    {"proc.aexepath", FieldType::kString, FieldArgKind::kOptionalIndex, true,
     "Executable path of the Nth ancestor; without an index, any ancestor's.",
     [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) {
       const Process* p = AncestorOf(c, a);
       return p && NonEmpty(o, p->exepath);
     }},
    {"thread.cap_permitted", FieldType::kString, FieldArgKind::kNone, true,
     "Permitted capabilities at the last exec, space separated (CAP_CHOWN CAP_SYS_ADMIN ...).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
       const Process* p = c.process();
       return p && p->caps_known && Str(o, s = CapabilitiesText(p->cap_permitted));
     }},
    {"thread.cap_effective", FieldType::kString, FieldArgKind::kNone, true,
     "Effective capabilities at the last exec, space separated.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
       const Process* p = c.process();
       return p && p->caps_known && Str(o, s = CapabilitiesText(p->cap_effective));
     }},
    {"user.uid", FieldType::kUint64, FieldArgKind::kNone, true, "User id.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Uint(o, c.event().uid); }},
    {"user.name", FieldType::kString, FieldArgKind::kNone, true,
     "User name, from the container's own /etc/passwd for container processes.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       if (!p) return false;
       auto name = c.users().Name(p->container_id, c.event().uid);
       return name && Str(o, *name);
     }},
    {"user.loginuid", FieldType::kInt64, FieldArgKind::kNone, true,
     "Audit login uid; -1 when the process never logged in.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return Int(o, static_cast<int32_t>(c.event().loginuid));
     }},
    {"user.loginname", FieldType::kString, FieldArgKind::kNone, true, "User name of user.loginuid.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       if (!p || c.event().loginuid == kNoLoginUid) return false;
       auto name = c.users().Name(p->container_id, c.event().loginuid);
       return name && Str(o, *name);
     }},
    {"group.gid", FieldType::kUint64, FieldArgKind::kNone, true, "Group id.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Uint(o, c.event().gid); }},
    {"group.name", FieldType::kString, FieldArgKind::kNone, true,
     "Group name, from the container's own /etc/group for container processes.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Process* p = c.process();
       if (!p) return false;
       auto name = c.users().GroupName(p->container_id, c.event().gid);
       return name && Str(o, *name);
     }},
};

#undef PROC_STRING

}  // namespace

std::span<const FieldDef> ProcessFields() { return kProcessFields; }

std::string CapabilitiesText(uint64_t mask) {
  std::string out;
  for (std::size_t bit = 0; bit < 64; ++bit) {
    if (!(mask & (1ull << bit))) continue;
    if (!out.empty()) out += ' ';
    if (bit < std::size(kCapabilityNames)) {
      out += kCapabilityNames[bit];
    } else {
      out += "CAP_" + std::to_string(bit);
    }
  }
  return out;
}

}  // namespace vigil::rules
