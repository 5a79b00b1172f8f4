#include "state/proc_scan.h"

#include <dirent.h>
#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/clock.h"
#include "common/strings.h"
#include "state/container_id.h"

namespace vigil {
namespace {

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

std::string ReadLink(const std::string& path) {
  char buffer[4096];
  ssize_t n = readlink(path.c_str(), buffer, sizeof(buffer));
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// The cgroup path to record: a line naming a container when there is one (cgroup v1 hosts keep
// containers out of the v2 hierarchy), else the v2 ("0::") line.
std::string PickCgroupPath(std::string_view proc_cgroup, std::string& unified) {
  std::string chosen;
  for (auto line : Split(proc_cgroup, '\n')) {
    auto first = line.find(':');
    auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view path = line.substr(second + 1);
    if (line.starts_with("0::")) unified = std::string(path);
    if (chosen.empty() && ContainerFromCgroupPath(path)) chosen = std::string(path);
  }
  return chosen.empty() ? unified : chosen;
}

}  // namespace

std::string CgroupV2Mount() {
  std::string mounts;
  if (!ReadFile("/proc/self/mounts", mounts)) return {};
  for (auto line : Split(mounts, '\n')) {
    auto fields = Split(line, ' ');
    if (fields.size() >= 3 && fields[2] == "cgroup2") return std::string(fields[1]);
  }
  return {};
}

bool ReadProcess(const std::string& proc_root, uint32_t pid, Event& e) {
  const std::string dir = proc_root + "/" + std::to_string(pid);
  std::string stat;
  if (!ReadFile(dir + "/stat", stat)) return false;
  // pid (comm) state ppid pgrp session tty_nr ...; comm may itself contain ") ".
  auto open = stat.find('(');
  auto close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  e.Reset();
  e.type = EventType::kProcInfo;
  e.pid = e.tid = pid;
  e.comm = stat.substr(open + 1, close - open - 1);
  auto fields = Split(std::string_view(stat).substr(close + 2), ' ');
  if (fields.size() < 20) return false;
  e.ppid = static_cast<uint32_t>(ParseUint(fields[1]).value_or(0));
  if (auto pgrp = ParseUint(fields[2])) {  // in our namespace, as the pid is
    e.pgid_known = true;
    e.pgid_leader = *pgrp == pid;
  }
  e.sid = static_cast<uint32_t>(ParseUint(fields[3]).value_or(0));
  e.tty = static_cast<uint32_t>(ParseInt(fields[4]).value_or(0));
  // starttime (field 22) is in clock ticks since boot.
  uint64_t start_ticks = ParseUint(fields[19]).value_or(0);
  static const long kTicks = sysconf(_SC_CLK_TCK);
  e.ts_ns = static_cast<uint64_t>(static_cast<int64_t>(start_ticks * (1000000000ull / kTicks)) +
                                  BootToWallOffsetNs());

  std::string status;
  if (ReadFile(dir + "/status", status)) {
    for (auto line : Split(status, '\n')) {
      auto take = [&](std::string_view key, uint32_t& out) {
        if (!line.starts_with(key)) return;
        auto values = Split(Trim(line.substr(key.size())), '\t');
        if (!values.empty()) out = static_cast<uint32_t>(ParseUint(values[0]).value_or(0));
      };
      auto caps = [&](std::string_view key, uint64_t& out) {
        if (!line.starts_with(key)) return;
        out = std::strtoull(std::string(Trim(line.substr(key.size()))).c_str(), nullptr, 16);
        e.caps_known = true;
      };
      take("Uid:", e.uid);
      take("Gid:", e.gid);
      caps("CapEff:", e.cap_effective);
      caps("CapPrm:", e.cap_permitted);
      if (line.starts_with("NSpid:")) {  // the last is the innermost namespace's
        auto values = Split(Trim(line.substr(6)), '\t');
        if (!values.empty()) e.vpid = static_cast<uint32_t>(ParseUint(values.back()).value_or(0));
      }
    }
  }
  std::string environ;
  if (ReadFile(dir + "/environ", environ)) {
    while (!environ.empty() && environ.back() == '\0') environ.pop_back();
    if (!environ.empty()) {
      for (auto v : Split(environ, '\0')) e.env.emplace_back(v);
    }
  }
  std::string loginuid;
  if (ReadFile(dir + "/loginuid", loginuid)) {
    e.loginuid = static_cast<uint32_t>(ParseUint(Trim(loginuid)).value_or(kNoLoginUid));
  }
  std::string cmdline;
  if (ReadFile(dir + "/cmdline", cmdline)) {
    if (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
    if (!cmdline.empty()) {
      for (auto arg : Split(cmdline, '\0')) e.args.emplace_back(arg);
    }
  }
  e.exe_path = ReadLink(dir + "/exe");
  if (e.exe_path.ends_with(" (deleted)")) e.exe_path.resize(e.exe_path.size() - 10);
  // An overlay's upper layer cannot be told from /proc; a memfd can.
  e.exe_from_memfd = e.exe_path.starts_with("/memfd:");
  struct stat exe {};
  if (::stat((dir + "/exe").c_str(), &exe) == 0) {  // the executed file itself
    e.exe_mtime_ns = static_cast<uint64_t>(exe.st_mtim.tv_sec) * 1000000000ull +
                     static_cast<uint64_t>(exe.st_mtim.tv_nsec);
    e.exe_ctime_ns = static_cast<uint64_t>(exe.st_ctim.tv_sec) * 1000000000ull +
                     static_cast<uint64_t>(exe.st_ctim.tv_nsec);
  }
  e.exe_filename = e.args.empty() ? e.exe_path : e.args.front();
  e.cwd = ReadLink(dir + "/cwd");
  std::string cgroup, unified;
  if (ReadFile(dir + "/cgroup", cgroup)) {
    e.cgroup_path = PickCgroupPath(cgroup, unified);
    static const std::string kV2 = CgroupV2Mount();
    struct stat st {};
    if (!kV2.empty() && !unified.empty() && ::stat((kV2 + unified).c_str(), &st) == 0) {
      e.cgroup_id = st.st_ino;
    }
  }
  return true;
}

std::vector<Event> ScanProcesses(const std::string& proc_root) {
  std::vector<Event> events;
  DIR* dir = opendir(proc_root.c_str());
  if (!dir) return events;
  while (dirent* entry = readdir(dir)) {
    auto pid = ParseUint(entry->d_name);
    if (!pid || *pid == 0) continue;
    Event e;
    if (ReadProcess(proc_root, static_cast<uint32_t>(*pid), e)) events.push_back(std::move(e));
  }
  closedir(dir);
  // Parents before children, so ancestry is complete as each is applied.
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.ts_ns < b.ts_ns; });
  return events;
}

}  // namespace vigil
