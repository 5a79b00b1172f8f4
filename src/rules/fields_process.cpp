// proc.*, thread.*, user.* and group.* fields: the process behind the event.
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

const FieldDef kProcessFields[] = {
    {"proc.pid", FieldType::kInt64, FieldArgKind::kNone, true, "Process id (host pid namespace).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Int(o, c.event().pid); }},
    {"proc.ppid", FieldType::kInt64, FieldArgKind::kNone, true, "Parent process id.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Int(o, c.event().ppid); }},
    {"proc.vpid", FieldType::kInt64, FieldArgKind::kNone, false,
     "Process id as seen in its own pid namespace.", Unknown},
    {"proc.is_vpgid_leader", FieldType::kBool, FieldArgKind::kNone, false,
     "True when the process leads its process group (in its pid namespace).", Unknown},
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
    {"proc.env", FieldType::kString, FieldArgKind::kOptionalKey, false,
     "Environment of the process; proc.env[NAME] is one variable's value.", Unknown},
    {"proc.sname", FieldType::kString, FieldArgKind::kNone, false,
     "Name of the process's session leader.", Unknown},
    {"proc.is_exe_upper_layer", FieldType::kBool, FieldArgKind::kNone, false,
     "True when the executed file lies in the container's writable overlay layer.", Unknown},
    {"proc.is_exe_from_memfd", FieldType::kBool, FieldArgKind::kNone, false,
     "True when the executed file is a memfd (fileless execution).", Unknown},
    {"proc.exe_ino.mtime", FieldType::kUint64, FieldArgKind::kNone, false,
     "Modification time of the executed file (ns since the epoch).", Unknown},
    {"proc.exe_ino.ctime", FieldType::kUint64, FieldArgKind::kNone, false,
     "Status-change time of the executed file (ns since the epoch).", Unknown},
    {"proc.exe_ino.ctime_duration_proc_start", FieldType::kUint64, FieldArgKind::kNone, false,
     "Nanoseconds between the executed file's ctime and the process start.", Unknown},
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
    {"thread.cap_permitted", FieldType::kString, FieldArgKind::kNone, false,
     "Permitted capabilities, space separated (CAP_CHOWN CAP_SYS_ADMIN ...).", Unknown},
    {"thread.cap_effective", FieldType::kString, FieldArgKind::kNone, false,
     "Effective capabilities, space separated.", Unknown},
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
    {"group.name", FieldType::kString, FieldArgKind::kNone, false, "Group name.", Unknown},
};

#undef PROC_STRING

}  // namespace

std::span<const FieldDef> ProcessFields() { return kProcessFields; }

}  // namespace vigil::rules
