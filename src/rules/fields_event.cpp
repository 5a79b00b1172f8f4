// evt.* fields: the event itself and its arguments.
#include <fcntl.h>

#include <cstring>
#include <map>
#include <vector>

#include <fmt/core.h>

#include "common/clock.h"
#include "rules/field_helpers.h"
#include "rules/syscall_args.h"

namespace vigil::rules {
namespace {

using namespace field_helpers;

bool IsOpen(Ctx& c) { return IsOpenFamily(c.event().type); }
bool HasResult(Ctx& c) {
  const EventType t = c.event().type;
  return IsOpen(c) || IsGenericSyscall(t) || t == EventType::kExecve || t == EventType::kExecveat;
}

bool OpenIsRead(uint32_t flags) {
  uint32_t access = flags & O_ACCMODE;
  return access == O_RDONLY || access == O_RDWR;
}
bool OpenIsWrite(uint32_t flags) {
  uint32_t access = flags & O_ACCMODE;
  return access == O_WRONLY || access == O_RDWR;
}

// The named arguments of each event type, in Falco's order (evt.arg[N] is the Nth).
const std::vector<std::string_view>& ArgNames(EventType type) {
  static const std::vector<std::string_view> kOpen = {"fd", "name", "flags", "mode", "dirfd"};
  static const std::vector<std::string_view> kExec = {"res", "exe", "args", "filename", "cwd"};
  static const std::vector<std::string_view> kNone;
  if (IsOpenFamily(type)) return kOpen;
  if (IsProcessImage(type)) return kExec;
  static const auto kSyscalls = [] {
    std::map<EventType, std::vector<std::string_view>> names;
    for (std::size_t t = 0; t < kEventTypeCount; ++t) {
      auto type = static_cast<EventType>(t);
      for (const auto& a : SyscallArgs(type)) names[type].push_back(a.name);
    }
    return names;
  }();
  auto it = kSyscalls.find(type);
  return it == kSyscalls.end() ? kNone : it->second;
}

// One argument of the event as text, or false when the event has no such argument.
bool Arg(Ctx& c, std::string_view name, FieldValue& o, std::string& s) {
  const Event& e = c.event();
  if (IsOpenFamily(e.type)) {
    if (name == "fd" || name == "res" || name == "res_or_fd") return Str(o, s = std::to_string(e.ret));
    if (name == "name" || name == "path") {
      return NonEmpty(o, e.path.empty() ? std::string_view(e.path_raw) : std::string_view(e.path));
    }
    if (name == "flags") return Str(o, s = OpenFlagsText(e.open_flags));
    if (name == "mode") return Str(o, s = fmt::format("0{:o}", e.open_mode));
    if (name == "dirfd") return Str(o, s = std::to_string(e.dirfd));
    return false;
  }
  if (IsGenericSyscall(e.type)) {
    if (name == "res") return Str(o, s = std::to_string(e.ret));
    for (const auto& a : SyscallArgs(e.type)) {
      if (a.name == name) return RenderSyscallArg(e, c.process(), a, s) && Str(o, s);
    }
    return false;
  }
  if (IsProcessImage(e.type)) {
    if (name == "res") return Str(o, s = std::to_string(e.ret));
    if (name == "filename") return NonEmpty(o, e.exe_filename);
    if (name == "exe") return e.args.empty() ? false : Str(o, e.args.front());
    if (name == "cwd") return NonEmpty(o, e.cwd);
    if (name == "args") {
      s.clear();
      for (std::size_t i = 1; i < e.args.size(); ++i) {
        if (i > 1) s += ' ';
        s += e.args[i];
      }
      return Str(o, s);
    }
  }
  return false;
}

const FieldDef kEventFields[] = {
    {"evt.type", FieldType::kString, FieldArgKind::kNone, true,
     "Name of the event (e.g. openat, execve).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return Str(o, EventTypeName(c.event().type));
     }},
    {"evt.num", FieldType::kUint64, FieldArgKind::kNone, true, "Event number, in arrival order.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Uint(o, c.event().num); }},
    {"evt.time", FieldType::kString, FieldArgKind::kNone, true,
     "Event time of day, with nanoseconds.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
       return Str(o, s = FormatTimeOfDay(c.event().ts_ns));
     }},
    {"evt.time.iso8601", FieldType::kString, FieldArgKind::kNone, true,
     "Event time, RFC 3339 in UTC.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
       return Str(o, s = FormatRfc3339(c.event().ts_ns));
     }},
    {"evt.rawtime", FieldType::kUint64, FieldArgKind::kNone, true,
     "Event time, ns since the epoch.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Uint(o, c.event().ts_ns); }},
    {"evt.dir", FieldType::kString, FieldArgKind::kNone, true,
     "Event direction: '<' (vigil reports syscalls when they return).",
     [](Ctx&, const FieldArg&, FieldValue& o, std::string&) { return Str(o, "<"); }},
    {"evt.hostname", FieldType::kString, FieldArgKind::kNone, true, "Name of the host.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return NonEmpty(o, c.hostname()); }},
    {"evt.rawres", FieldType::kInt64, FieldArgKind::kNone, true,
     "Syscall return value, as a number.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return HasResult(c) && Int(o, c.event().ret);
     }},
    {"evt.res", FieldType::kString, FieldArgKind::kNone, true,
     "Syscall result: SUCCESS, or the error code (e.g. ENOENT).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       if (!HasResult(c)) return false;
       if (c.event().ret >= 0) return Str(o, "SUCCESS");
       const char* name = strerrorname_np(static_cast<int>(-c.event().ret));
       return Str(o, name ? name : "E?");
     }},
    {"evt.failed", FieldType::kBool, FieldArgKind::kNone, true, "True when the syscall failed.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return HasResult(c) && Bool(o, c.event().ret < 0);
     }},
    {"evt.is_open_read", FieldType::kBool, FieldArgKind::kNone, true,
     "True for an open that allows reading (O_RDONLY or O_RDWR).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return Bool(o, IsOpen(c) && OpenIsRead(c.event().open_flags));
     }},
    {"evt.is_open_write", FieldType::kBool, FieldArgKind::kNone, true,
     "True for an open that allows writing (O_WRONLY or O_RDWR).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return Bool(o, IsOpen(c) && OpenIsWrite(c.event().open_flags));
     }},
    {"evt.is_open_exec", FieldType::kBool, FieldArgKind::kNone, true,
     "True for an open that creates a file with execute permission.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Event& e = c.event();
       return Bool(o, IsOpen(c) && (e.open_flags & O_CREAT) && (e.open_mode & 0111));
     }},
    {"evt.is_open_create", FieldType::kBool, FieldArgKind::kNone, true,
     "True for an open with O_CREAT.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return Bool(o, IsOpen(c) && (c.event().open_flags & O_CREAT));
     }},
    {"evt.arg", FieldType::kString, FieldArgKind::kKey, true,
     "An argument of the event, by name (evt.arg.flags) or position (evt.arg[0]), as text. "
     "Open family: fd, name, flags, mode, dirfd; execve: res, exe, args, filename, cwd.",
     [](Ctx& c, const FieldArg& a, FieldValue& o, std::string& s) {
       if (!a.key.empty() && a.key.front() >= '0' && a.key.front() <= '9') {
         const auto& names = ArgNames(c.event().type);
         std::size_t index = static_cast<std::size_t>(std::atoi(a.key.c_str()));
         return index < names.size() && Arg(c, names[index], o, s);
       }
       return Arg(c, a.key, o, s);
     }},
    {"evt.args", FieldType::kString, FieldArgKind::kNone, true,
     "All arguments of the event as text: name=value, space separated.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
       s.clear();
       thread_local std::string value;
       for (auto name : ArgNames(c.event().type)) {
         FieldValue v;
         if (!Arg(c, name, v, value)) continue;
         if (!s.empty()) s += ' ';
         s += name;
         s += '=';
         s += v.str;
       }
       return Str(o, s);
     }},
    {"evt.buffer", FieldType::kString, FieldArgKind::kNone, true,
     "The first 80 bytes of the data a recvfrom received or a sendto sent (kept only while a "
     "loaded rule reads this field). Compare bytes with bcontains/bstartswith and a hex "
     "operand; printed with non-printable bytes as '.'.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const Event& e = c.event();
       if (e.type != EventType::kRecvfrom && e.type != EventType::kSendto) return false;
       o.str = e.buffer;
       return true;
     },
     false, true},
};

}  // namespace

std::span<const FieldDef> EventFields() { return kEventFields; }

std::string OpenFlagsText(uint32_t flags) {
  std::string out;
  auto add = [&out](const char* name) {
    if (!out.empty()) out += '|';
    out += name;
  };
  switch (flags & O_ACCMODE) {
    case O_RDONLY: add("O_RDONLY"); break;
    case O_WRONLY: add("O_WRONLY"); break;
    case O_RDWR: add("O_RDWR"); break;
    default: break;
  }
  static const std::pair<uint32_t, const char*> kFlags[] = {
      {O_CREAT, "O_CREAT"},       {O_EXCL, "O_EXCL"},         {O_NOCTTY, "O_NOCTTY"},
      {O_TRUNC, "O_TRUNC"},       {O_APPEND, "O_APPEND"},     {O_NONBLOCK, "O_NONBLOCK"},
      {O_DIRECT, "O_DIRECT"},     {O_LARGEFILE, "O_LARGEFILE"}, {O_NOFOLLOW, "O_NOFOLLOW"},
      {O_NOATIME, "O_NOATIME"},   {O_CLOEXEC, "O_CLOEXEC"},   {O_PATH, "O_PATH"},
  };
  const bool tmpfile = (flags & O_TMPFILE) == static_cast<uint32_t>(O_TMPFILE);
  const bool sync = (flags & O_SYNC) == static_cast<uint32_t>(O_SYNC);
  if (tmpfile) {
    add("O_TMPFILE");
  } else if (flags & O_DIRECTORY) {
    add("O_DIRECTORY");
  }
  if (sync) {
    add("O_SYNC");
  } else if (flags & O_DSYNC) {
    add("O_DSYNC");
  }
  for (const auto& [bit, name] : kFlags) {
    if (flags & bit) add(name);
  }
  return out;
}

}  // namespace vigil::rules
