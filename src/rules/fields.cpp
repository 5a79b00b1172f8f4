#include "rules/fields.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>
#include <vector>

#include <fmt/core.h>

#include "common/clock.h"
#include "common/paths.h"
#include "common/strings.h"

namespace vigil::rules {
namespace {

using Ctx = EvalContext;

bool Str(FieldValue& out, std::string_view s) {
  out.type = FieldType::kString;
  out.str = s;
  return true;
}
bool Int(FieldValue& out, int64_t v) {
  out.type = FieldType::kInt64;
  out.i = v;
  return true;
}
bool Uint(FieldValue& out, uint64_t v) {
  out.type = FieldType::kUint64;
  out.u = v;
  return true;
}
bool Bool(FieldValue& out, bool v) {
  out.type = FieldType::kBool;
  out.b = v;
  return true;
}

const Process* Proc(Ctx& c) { return c.process(); }
const Process* Parent(Ctx& c) {
  return c.process() ? c.processes().Ancestor(*c.process(), 1) : nullptr;
}
bool IsOpen(Ctx& c) { return IsOpenFamily(c.event().type); }

bool OpenIsRead(uint32_t flags) {
  uint32_t access = flags & O_ACCMODE;
  return access == O_RDONLY || access == O_RDWR;
}
bool OpenIsWrite(uint32_t flags) {
  uint32_t access = flags & O_ACCMODE;
  return access == O_WRONLY || access == O_RDWR;
}

bool FdName(Ctx& c, FieldValue& out) {
  if (!IsOpen(c)) return false;
  const Event& e = c.event();
  if (!e.path.empty()) return Str(out, e.path);
  if (!e.path_raw.empty()) return Str(out, e.path_raw);
  return false;
}

bool ContainerString(Ctx& c, FieldValue& out, std::string ContainerInfo::*member) {
  const ContainerInfo* info = c.container();
  if (!info || (info->*member).empty()) return false;
  return Str(out, info->*member);
}

bool IsHost(Ctx& c) { return c.process() && c.process()->container_id == kHostContainerId; }

// The table. Descriptions follow Falco's where the field is Falco's.
const std::vector<FieldDef>& Table() {
  static const std::vector<FieldDef> table = {
      // ------------------------------------------------------------------ evt
      {"evt.type", FieldType::kString, FieldArgKind::kNone, "Name of the event (e.g. openat, execve).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return Str(o, EventTypeName(c.event().type));
       }},
      {"evt.num", FieldType::kUint64, FieldArgKind::kNone, "Event number, in arrival order.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Uint(o, c.event().num); }},
      {"evt.time", FieldType::kString, FieldArgKind::kNone, "Event time of day, with nanoseconds.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
         s = FormatTimeOfDay(c.event().ts_ns);
         return Str(o, s);
       }},
      {"evt.time.iso8601", FieldType::kString, FieldArgKind::kNone, "Event time, RFC 3339 UTC.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
         s = FormatRfc3339(c.event().ts_ns);
         return Str(o, s);
       }},
      {"evt.rawtime", FieldType::kUint64, FieldArgKind::kNone, "Event time, ns since the epoch.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Uint(o, c.event().ts_ns); }},
      {"evt.dir", FieldType::kString, FieldArgKind::kNone,
       "Event direction: '<' (vigil reports syscalls at exit).",
       [](Ctx&, const FieldArg&, FieldValue& o, std::string&) { return Str(o, "<"); }},
      {"evt.rawres", FieldType::kInt64, FieldArgKind::kNone, "Syscall return value, as a number.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         if (!IsOpen(c)) return false;
         return Int(o, c.event().ret);
       }},
      {"evt.res", FieldType::kString, FieldArgKind::kNone,
       "Syscall result: SUCCESS, or the error code (e.g. ENOENT).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         if (!IsOpen(c)) return false;
         if (c.event().ret >= 0) return Str(o, "SUCCESS");
         const char* name = strerrorname_np(static_cast<int>(-c.event().ret));
         return Str(o, name ? name : "E?");
       }},
      {"evt.failed", FieldType::kBool, FieldArgKind::kNone, "True when the syscall failed.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         if (!IsOpen(c)) return false;
         return Bool(o, c.event().ret < 0);
       }},
      {"evt.is_open_read", FieldType::kBool, FieldArgKind::kNone,
       "True for an open that allows reading (O_RDONLY or O_RDWR).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return Bool(o, IsOpen(c) && OpenIsRead(c.event().open_flags));
       }},
      {"evt.is_open_write", FieldType::kBool, FieldArgKind::kNone,
       "True for an open that allows writing (O_WRONLY or O_RDWR).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return Bool(o, IsOpen(c) && OpenIsWrite(c.event().open_flags));
       }},
      {"evt.is_open_create", FieldType::kBool, FieldArgKind::kNone, "True for an open with O_CREAT.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return Bool(o, IsOpen(c) && (c.event().open_flags & O_CREAT));
       }},
      {"evt.arg", FieldType::kString, FieldArgKind::kKey,
       "An argument of the event by name, as text: open family: fd, name, flags, mode, dirfd; "
       "execve: filename, exe, args.",
       [](Ctx& c, const FieldArg& a, FieldValue& o, std::string& s) {
         const Event& e = c.event();
         if (IsOpen(c)) {
           if (a.key == "fd") return Str(o, s = std::to_string(e.ret));
           if (a.key == "name" || a.key == "path") return FdName(c, o);
           if (a.key == "flags") return Str(o, s = OpenFlagsText(e.open_flags));
           if (a.key == "mode") return Str(o, s = fmt::format("{:04o}", e.open_mode));
           if (a.key == "dirfd") return Str(o, s = std::to_string(e.dirfd));
           return false;
         }
         if (e.type == EventType::kExecve) {
           if (a.key == "filename") return Str(o, e.exe_filename);
           if (a.key == "exe") return e.args.empty() ? false : Str(o, e.args.front());
           if (a.key == "args") {
             s.clear();
             for (std::size_t i = 1; i < e.args.size(); ++i) {
               if (i > 1) s += ' ';
               s += e.args[i];
             }
             return Str(o, s);
           }
         }
         return false;
       }},
      // ------------------------------------------------------------------ proc
      {"proc.pid", FieldType::kInt64, FieldArgKind::kNone, "Process id (host pid namespace).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Int(o, c.event().pid); }},
      {"proc.ppid", FieldType::kInt64, FieldArgKind::kNone, "Parent process id.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Int(o, c.event().ppid); }},
      {"thread.tid", FieldType::kInt64, FieldArgKind::kNone, "Thread id.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Int(o, c.event().tid); }},
      {"proc.name", FieldType::kString, FieldArgKind::kNone,
       "Name of the process (the kernel's comm, at most 15 characters).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Proc(c);
         return p && !p->comm.empty() ? Str(o, p->comm) : false;
       }},
      {"proc.exe", FieldType::kString, FieldArgKind::kNone,
       "First command line argument (argv[0]), usually the executable as invoked.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Proc(c);
         return p && !p->exe.empty() ? Str(o, p->exe) : false;
       }},
      {"proc.exepath", FieldType::kString, FieldArgKind::kNone,
       "Full path of the executed file, symlinks resolved (from the kernel's struct file).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Proc(c);
         return p && !p->exepath.empty() ? Str(o, p->exepath) : false;
       }},
      {"proc.args", FieldType::kString, FieldArgKind::kNone, "Arguments after argv[0], space separated.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Proc(c);
         return p ? Str(o, p->args_joined) : false;
       }},
      {"proc.cmdline", FieldType::kString, FieldArgKind::kNone,
       "Full command line: proc.name and proc.args (e.g. 'cat /etc/shadow').",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Proc(c);
         return p && !p->cmdline.empty() ? Str(o, p->cmdline) : false;
       }},
      {"proc.cwd", FieldType::kString, FieldArgKind::kNone, "Current working directory.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Proc(c);
         return p && !p->cwd.empty() ? Str(o, p->cwd) : false;
       }},
      {"proc.tty", FieldType::kUint64, FieldArgKind::kNone,
       "Controlling terminal (as /proc/PID/stat's tty_nr); 0 without one.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Proc(c);
         return p ? Uint(o, p->tty) : false;
       }},
      {"proc.pname", FieldType::kString, FieldArgKind::kNone, "Name of the parent process.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Parent(c);
         return p && !p->comm.empty() ? Str(o, p->comm) : false;
       }},
      {"proc.pcmdline", FieldType::kString, FieldArgKind::kNone, "Command line of the parent.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Parent(c);
         return p && !p->cmdline.empty() ? Str(o, p->cmdline) : false;
       }},
      {"proc.pexe", FieldType::kString, FieldArgKind::kNone, "argv[0] of the parent.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Parent(c);
         return p && !p->exe.empty() ? Str(o, p->exe) : false;
       }},
      {"proc.pexepath", FieldType::kString, FieldArgKind::kNone, "Executable path of the parent.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = Parent(c);
         return p && !p->exepath.empty() ? Str(o, p->exepath) : false;
       }},
      {"proc.aname", FieldType::kString, FieldArgKind::kIndex,
       "Name of the Nth ancestor: proc.aname[1] is the parent, [2] the grandparent; [0] the process.",
       [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) {
         const Process* p = c.process();
         const Process* ancestor = p ? c.processes().Ancestor(*p, static_cast<int>(a.index)) : nullptr;
         return ancestor && !ancestor->comm.empty() ? Str(o, ancestor->comm) : false;
       }},
      {"proc.apid", FieldType::kInt64, FieldArgKind::kIndex, "Pid of the Nth ancestor.",
       [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) {
         const Process* p = c.process();
         const Process* ancestor = p ? c.processes().Ancestor(*p, static_cast<int>(a.index)) : nullptr;
         return ancestor ? Int(o, ancestor->pid) : false;
       }},
      // ------------------------------------------------------------------ user, group
      {"user.uid", FieldType::kUint64, FieldArgKind::kNone, "User id.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Uint(o, c.event().uid); }},
      {"user.name", FieldType::kString, FieldArgKind::kNone,
       "User name, from the container's own /etc/passwd for container processes.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = c.process();
         if (!p) return false;
         auto name = c.users().Name(p->container_id, c.event().uid);
         return name ? Str(o, *name) : false;
       }},
      {"user.loginuid", FieldType::kInt64, FieldArgKind::kNone,
       "Audit login uid; -1 when the process never logged in.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return Int(o, static_cast<int32_t>(c.event().loginuid));
       }},
      {"user.loginname", FieldType::kString, FieldArgKind::kNone, "User name of user.loginuid.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = c.process();
         if (!p || c.event().loginuid == kNoLoginUid) return false;
         auto name = c.users().Name(p->container_id, c.event().loginuid);
         return name ? Str(o, *name) : false;
       }},
      {"group.gid", FieldType::kUint64, FieldArgKind::kNone, "Group id.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return Uint(o, c.event().gid); }},
      // ------------------------------------------------------------------ fd
      {"fd.num", FieldType::kInt64, FieldArgKind::kNone,
       "File descriptor number; negative when the open failed.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return IsOpen(c) ? Int(o, c.event().ret) : false;
       }},
      {"fd.name", FieldType::kString, FieldArgKind::kNone,
       "Absolute, normalised path of the file (from the kernel's struct file when opened).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) { return FdName(c, o); }},
      {"fd.nameraw", FieldType::kString, FieldArgKind::kNone, "The path as the program passed it.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return IsOpen(c) && !c.event().path_raw.empty() ? Str(o, c.event().path_raw) : false;
       }},
      {"fd.directory", FieldType::kString, FieldArgKind::kNone, "Directory part of fd.name.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         FieldValue name;
         if (!FdName(c, name)) return false;
         auto dir = DirName(name.str);
         return dir.empty() ? false : Str(o, dir);
       }},
      {"fd.filename", FieldType::kString, FieldArgKind::kNone, "File name part of fd.name.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         FieldValue name;
         if (!FdName(c, name)) return false;
         return Str(o, BaseName(name.str));
       }},
      {"fd.typechar", FieldType::kString, FieldArgKind::kNone,
       "Type of the file descriptor as a letter: f file, d directory.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         if (!IsOpen(c)) return false;
         const Event& e = c.event();
         bool dir = e.file_mode ? S_ISDIR(e.file_mode) : (e.open_flags & O_DIRECTORY) != 0;
         return Str(o, dir ? "d" : "f");
       }},
      {"fd.type", FieldType::kString, FieldArgKind::kNone, "Type of the file descriptor: file, directory.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         if (!IsOpen(c)) return false;
         const Event& e = c.event();
         bool dir = e.file_mode ? S_ISDIR(e.file_mode) : (e.open_flags & O_DIRECTORY) != 0;
         return Str(o, dir ? "directory" : "file");
       }},
      // ------------------------------------------------------------------ container
      {"container.id", FieldType::kString, FieldArgKind::kNone,
       "First 12 hex characters of the container id; 'host' for host processes.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const Process* p = c.process();
         return p && !p->container_id.empty() ? Str(o, p->container_id) : false;
       }},
      {"container.name", FieldType::kString, FieldArgKind::kNone, "Container name; 'host' for the host.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         if (IsHost(c)) return Str(o, "host");
         return ContainerString(c, o, &ContainerInfo::name);
       }},
      {"container.image", FieldType::kString, FieldArgKind::kNone,
       "Image the container was created from, as given (e.g. alpine:3.20).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return ContainerString(c, o, &ContainerInfo::image);
       }},
      {"container.image.repository", FieldType::kString, FieldArgKind::kNone,
       "Repository of the container's image (e.g. alpine).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return ContainerString(c, o, &ContainerInfo::image_repository);
       }},
      {"container.image.tag", FieldType::kString, FieldArgKind::kNone, "Tag of the container's image.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return ContainerString(c, o, &ContainerInfo::image_tag);
       }},
      {"container.image.digest", FieldType::kString, FieldArgKind::kNone,
       "Digest of the container's image, when it was pulled by or recorded with one.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return ContainerString(c, o, &ContainerInfo::image_digest);
       }},
      {"container.image.id", FieldType::kString, FieldArgKind::kNone, "Image id (sha256:…).",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return ContainerString(c, o, &ContainerInfo::image_id);
       }},
      {"container.runtime", FieldType::kString, FieldArgKind::kNone,
       "Container runtime: docker, containerd, cri-o, podman.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         return ContainerString(c, o, &ContainerInfo::runtime);
       }},
      {"container.privileged", FieldType::kBool, FieldArgKind::kNone,
       "True when the container runs privileged.",
       [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
         const ContainerInfo* info = c.container();
         return info ? Bool(o, info->privileged) : false;
       }},
      {"container.label", FieldType::kString, FieldArgKind::kKey,
       "A container label: container.label[com.example.app] or container.label.app.",
       [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) {
         const ContainerInfo* info = c.container();
         if (!info) return false;
         auto it = info->labels.find(a.key);
         return it == info->labels.end() ? false : Str(o, it->second);
       }},
  };
  return table;
}

}  // namespace

std::span<const FieldDef> AllFields() { return Table(); }

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString: return "string";
    case FieldType::kInt64: return "int64";
    case FieldType::kUint64: return "uint64";
    case FieldType::kBool: return "bool";
  }
  return "?";
}

Result<FieldRef> ResolveField(std::string_view text) {
  std::string_view name = text;
  std::string_view bracket_arg;
  bool has_bracket = false;
  if (auto open = text.find('['); open != std::string_view::npos) {
    if (text.back() != ']') return Fail("malformed field argument in '{}'", text);
    name = text.substr(0, open);
    bracket_arg = text.substr(open + 1, text.size() - open - 2);
    has_bracket = true;
  }
  // Exact name first, then a key-taking field followed by ".key" (container.label.app).
  const FieldDef* def = nullptr;
  std::string_view dotted_key;
  for (const auto& f : Table()) {
    if (f.name == name) {
      def = &f;
      break;
    }
  }
  if (!def && !has_bracket) {
    for (const auto& f : Table()) {
      if (f.arg_kind == FieldArgKind::kKey && name.size() > f.name.size() + 1 &&
          name.starts_with(f.name) && name[f.name.size()] == '.') {
        def = &f;
        dotted_key = name.substr(f.name.size() + 1);
        break;
      }
    }
  }
  if (!def) return Fail("unknown field '{}'", text);

  FieldRef ref;
  ref.def = def;
  switch (def->arg_kind) {
    case FieldArgKind::kNone:
      if (has_bracket) return Fail("field '{}' takes no argument", def->name);
      ref.text = std::string(def->name);
      break;
    case FieldArgKind::kIndex: {
      if (!has_bracket) return Fail("field '{}' needs an index, e.g. {}[1]", def->name, def->name);
      auto index = ParseInt(bracket_arg);
      if (!index || *index < 0 || *index > 64) {
        return Fail("field '{}' needs an index from 0 to 64, not '{}'", def->name, bracket_arg);
      }
      ref.arg.index = *index;
      ref.text = fmt::format("{}[{}]", def->name, *index);
      break;
    }
    case FieldArgKind::kKey: {
      std::string_view key = has_bracket ? bracket_arg : dotted_key;
      if (key.empty()) return Fail("field '{}' needs an argument, e.g. {}[name]", def->name, def->name);
      ref.arg.key = std::string(key);
      ref.text = has_bracket ? fmt::format("{}[{}]", def->name, key) : std::string(text);
      break;
    }
  }
  return ref;
}

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
      {O_CREAT, "O_CREAT"},         {O_EXCL, "O_EXCL"},         {O_NOCTTY, "O_NOCTTY"},
      {O_TRUNC, "O_TRUNC"},         {O_APPEND, "O_APPEND"},     {O_NONBLOCK, "O_NONBLOCK"},
      {O_DSYNC, "O_DSYNC"},         {O_DIRECT, "O_DIRECT"},     {O_LARGEFILE, "O_LARGEFILE"},
      {O_NOFOLLOW, "O_NOFOLLOW"},   {O_NOATIME, "O_NOATIME"},   {O_CLOEXEC, "O_CLOEXEC"},
      {O_PATH, "O_PATH"},
  };
  if ((flags & O_TMPFILE) == static_cast<uint32_t>(O_TMPFILE)) {
    add("O_TMPFILE");
  } else if (flags & O_DIRECTORY) {
    add("O_DIRECTORY");
  }
  if ((flags & O_SYNC) == static_cast<uint32_t>(O_SYNC)) {
    add("O_SYNC");
  }
  for (const auto& [bit, name] : kFlags) {
    if (bit == O_DSYNC && (flags & O_SYNC) == static_cast<uint32_t>(O_SYNC)) continue;
    if (flags & bit) add(name);
  }
  return out;
}

}  // namespace vigil::rules
