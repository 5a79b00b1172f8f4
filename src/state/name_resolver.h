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
#include <functional>
#include <memory>
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
    // Stop() waits this long for a lookup in progress, then leaves it to end on its own.
    std::chrono::milliseconds stop_wait{500};
    std::function<NameLookup(const std::string&)> lookup = SystemLookup;
  };

  NameResolver(std::shared_ptr<DomainNames> table, Options options);
  explicit NameResolver(std::shared_ptr<DomainNames> table)
      : NameResolver(std::move(table), Options()) {}
  ~NameResolver();
  NameResolver(const NameResolver&) = delete;
  NameResolver& operator=(const NameResolver&) = delete;

  // The names to keep resolved (after a reload: names gone are forgotten, new ones are looked
  // up next). May be called before Start().
  void Watch(const std::set<std::string>& names);
  // Starts the lookup thread (once).
  void Start();
  // Ends the thread: at once, or after the lookup in progress. A lookup through a resolver that
  // does not answer blocks for seconds: Stop() waits Options::stop_wait for it, then leaves
  // the thread to end on its own (it owns what it touches), so stopping vigil never hangs.
  void Stop();
  // Waits until every watched name was looked up once (or `timeout`); true when they were.
  bool WaitFirstRound(std::chrono::milliseconds timeout);
  // Lookups made so far (every name's, counted each time).
  uint64_t lookups() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace vigil
