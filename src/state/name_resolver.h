// Keeps DomainNames current, as Falco does for the names its rules compare with fd.*ip.name:
// each name is looked up at once, then again after 10 s, the wait doubling up to 320 s while
// its addresses stay the same (and back to 10 s when they change or a lookup fails). Lookups
// run on a thread of their own: one may block for seconds, and events never wait for it.
//
// Lookups go through the system's resolver (getaddrinfo: /etc/hosts, then DNS as
// /etc/nsswitch.conf says), so this sends DNS queries: it runs only when enabled
// (name_resolution.enabled, --resolve-names).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "state/domain_names.h"

namespace vigil {

struct NameLookup {
  enum class Status { kOk, kNoSuchName, kFailed };
  Status status = Status::kFailed;
  std::vector<NetAddress> addresses;  // kOk: sorted, without duplicates
  std::string error;                  // otherwise: why
};

// getaddrinfo(name), IPv4 and IPv6.
NameLookup SystemLookup(const std::string& name);

class NameResolver {
 public:
  struct Options {
    std::chrono::milliseconds base_interval{10'000};
    std::chrono::milliseconds max_interval{320'000};
    std::function<NameLookup(const std::string&)> lookup = SystemLookup;
  };

  NameResolver(DomainNames& table, Options options);
  explicit NameResolver(DomainNames& table) : NameResolver(table, Options()) {}
  ~NameResolver();
  NameResolver(const NameResolver&) = delete;
  NameResolver& operator=(const NameResolver&) = delete;

  // The names to keep resolved (after a reload: names gone are forgotten, new ones are looked
  // up next). May be called before Start().
  void Watch(const std::set<std::string>& names);
  void Start();
  void Stop();
  // Lookups made so far (every name's, counted each time).
  uint64_t lookups() const;

 private:
  struct Schedule {
    std::chrono::steady_clock::time_point due;
    std::chrono::milliseconds interval{0};
    bool looked_up = false;
    // The last lookup's outcome: a failure is said when it starts, not at every retry.
    NameLookup::Status last = NameLookup::Status::kOk;
    std::vector<NetAddress> addresses;  // as last resolved
  };
  void Loop();
  void Record(const std::string& name, const NameLookup& result);
  void ReportFirstRound();

  DomainNames& table_;
  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Schedule> names_;
  bool stop_ = false;
  bool first_round_reported_ = false;
  uint64_t lookups_ = 0;
  std::thread thread_;
};

}  // namespace vigil
