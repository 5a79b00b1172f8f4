#include "state/process_table.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <algorithm>

#include "common/paths.h"
#include "common/strings.h"
#include "events/container.h"
#include "state/container_id.h"

namespace vigil {

std::string BuildCmdline(std::string_view comm, const std::vector<std::string>& args) {
  std::string out(comm);
  for (const auto& a : args) {
    out += ' ';
    out += a;
  }
  return out;
}

const Process* ProcessTable::Find(uint32_t pid) const {
  auto it = processes_.find(pid);
  return it == processes_.end() ? nullptr : &it->second;
}

const Process* ProcessTable::Ancestor(const Process& process, int generation) const {
  const Process* current = &process;
  for (int i = 0; i < generation && current; ++i) {
    if (current->ppid == 0 || current->ppid == current->pid) return nullptr;
    current = Find(current->ppid);
  }
  return current;
}

void ProcessTable::AssignContainer(Process& p, const Event& event) {
  // Process records (seeded, forked, a new image) carry the cgroup path; a failed exec is a
  // syscall record like any other and does not.
  const bool carries_path = event.type == EventType::kProcInfo ||
                            event.type == EventType::kClone ||
                            (IsProcessImage(event.type) && event.ret >= 0);
  if (!event.cgroup_path.empty() || carries_path) {
    auto found = ContainerFromCgroupPath(event.cgroup_path);
    p.container_id = found ? found->ShortId() : std::string(kHostContainerId);
    if (event.cgroup_id != 0) cgroup_containers_[event.cgroup_id] = p.container_id;
    p.cgroup_id = event.cgroup_id;
    return;
  }
  if (event.cgroup_id == p.cgroup_id && !p.container_id.empty()) return;
  // The process moved to another cgroup (runc moves its init before exec) or is new to us.
  auto known = cgroup_containers_.find(event.cgroup_id);
  if (known != cgroup_containers_.end()) {
    p.container_id = known->second;
    p.cgroup_id = event.cgroup_id;
  } else if (p.container_id.empty()) {
    p.container_id = std::string(kHostContainerId);
  }
}

void ProcessTable::ApplyImage(Process& p, const Event& event) {
  p.exe = event.args.empty() ? event.exe_filename : event.args.front();
  p.exepath = event.exe_path;
  p.args.assign(event.args.size() > 1 ? event.args.begin() + 1 : event.args.end(),
                event.args.end());
  p.args_joined = Join(p.args, " ");
  p.cmdline = BuildCmdline(p.comm, p.args);
  p.cwd = event.cwd;
  p.tty = event.tty;
  p.exec_ns = event.ts_ns;
  if (event.vpid) p.vpid = event.vpid;
  p.caps_known = event.caps_known;
  p.cap_effective = event.cap_effective;
  p.cap_permitted = event.cap_permitted;
  p.exe_facts_known = event.exe_facts_known;
  p.exe_upper_layer = event.exe_upper_layer;
  p.exe_from_memfd = event.exe_from_memfd;
  p.exe_writable = event.exe_writable;
  p.pgid_known = event.pgid_known;
  p.pgid_leader = event.pgid_leader;
  if (event.sid) p.sid = event.sid;
  p.exe_mtime_ns = event.exe_mtime_ns;
  p.exe_ctime_ns = event.exe_ctime_ns;
  p.env_block.clear();
  if (!keep_env_) {
    p.env_block.shrink_to_fit();
    return;
  }
  for (const auto& v : event.env) {
    p.env_block += v;
    p.env_block.push_back('\0');
  }
  p.env_block.shrink_to_fit();
}

Process& ProcessTable::Upsert(const Event& event) {
  auto [it, inserted] = processes_.try_emplace(event.pid);
  Process& p = it->second;
  if (inserted) {
    p.pid = event.pid;
    p.exec_ns = event.ts_ns;
    p.start_ns = event.ts_ns;  // first seen now (a kProcInfo carries the real start time)
  }
  return p;
}

const Process* ProcessTable::Apply(Event& event) {
  if (event.type == EventType::kClone) {
    // A new process starts as a copy of its parent.
    Process child;
    if (const Process* parent = Find(event.ppid)) child = *parent;
    child.pid = event.pid;
    child.vpid = event.vpid;
    child.exited = false;
    child.exit_ns = 0;
    child.exec_ns = event.ts_ns;
    child.start_ns = event.ts_ns;
    child.pgid_leader = false;  // a child starts in its parent's process group
    processes_[event.pid] = std::move(child);
  }
  Process& p = Upsert(event);
  // Identity as of this event: the kernel is the authority (setuid, reparenting, renames).
  p.ppid = event.ppid;
  p.uid = event.uid;
  p.gid = event.gid;
  p.loginuid = event.loginuid;
  if (!event.comm.empty() && p.comm != event.comm) {
    p.comm = event.comm;
    p.cmdline = BuildCmdline(p.comm, p.args);
  }
  AssignContainer(p, event);
  if (IsProcessImage(event.type)) {
    if (event.ret >= 0) ApplyImage(p, event);  // a failed exec leaves the image as it was
  } else if (IsGenericSyscall(event.type)) {
    ApplySyscall(p, event);
  } else if (event.type == EventType::kProcExit) {
    p.exited = true;
    p.exit_ns = event.ts_ns;
  } else if (IsOpenFamily(event.type) && event.path.empty() && !event.path_raw.empty()) {
    // The kernel resolved nothing (the open failed): resolve what the program asked for.
    if (event.path_raw.front() == '/') {
      event.path = NormalizePath(event.path_raw);
    } else if (event.dirfd == AT_FDCWD && !p.cwd.empty()) {
      event.path = AbsolutePath(p.cwd, event.path_raw);
    }
  }
  return &p;
}

// As Falco: a datagram socket's name is its last peer; a send or receive naming another peer
// (or the first one) changes it. connect fixes the peer; a new socket on a reused number
// starts with none.
void ProcessTable::TrackDatagramPeer(Process& p, Event& event) {
  using Kind = Event::FdInfo::Kind;
  const Event::FdInfo& fd = event.fd_info;
  if (fd.kind != Kind::kIpv4 && fd.kind != Kind::kIpv6) return;
  auto slot = std::find_if(p.datagram_peers.begin(), p.datagram_peers.end(),
                           [&](const Process::DatagramPeer& d) { return d.fd == fd.fd; });
  const EventType t = event.type;
  if (t == EventType::kSocket) {
    if (slot != p.datagram_peers.end()) p.datagram_peers.erase(slot);
    return;
  }
  const bool transfer = t == EventType::kSendto || t == EventType::kSendmsg ||
                        t == EventType::kRecvfrom || t == EventType::kRecvmsg;
  if (fd.sock_type != SOCK_DGRAM || event.ret < 0 || fd.remote_port == 0 ||
      (!transfer && t != EventType::kConnect)) {
    return;
  }
  if (slot == p.datagram_peers.end()) {
    if (p.datagram_peers.size() >= 64) p.datagram_peers.erase(p.datagram_peers.begin());
    p.datagram_peers.push_back({fd.fd, {}, 0});
    slot = p.datagram_peers.end() - 1;
    event.fd_name_changed = transfer;
  } else {
    event.fd_name_changed =
        transfer && (slot->addr != fd.remote_addr || slot->port != fd.remote_port);
  }
  slot->addr = fd.remote_addr;
  slot->port = fd.remote_port;
}

void ProcessTable::ApplySyscall(Process& p, Event& event) {
  TrackDatagramPeer(p, event);
  // Identity syscalls change capabilities; the record carries them as they are after the call.
  if (event.caps_known) {
    p.caps_known = true;
    p.cap_effective = event.cap_effective;
    p.cap_permitted = event.cap_permitted;
  }
  if (event.type == EventType::kChdir && event.ret == 0 && event.syscall_string_arg[0] == 0) {
    p.cwd = AbsolutePath(p.cwd, event.syscall_strings[0]);
  }
}

std::size_t ProcessTable::Sweep(uint64_t now_ns) {
  return std::erase_if(processes_, [now_ns](const auto& entry) {
    const Process& p = entry.second;
    return p.exited && now_ns > p.exit_ns + kExitedRetentionNs;
  });
}

}  // namespace vigil
