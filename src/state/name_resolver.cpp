#include "state/name_resolver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>

#include "common/log.h"

namespace vigil {

NameLookup SystemLookup(const std::string& name) {
  NameLookup result;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address, not one per socket type
  addrinfo* list = nullptr;
  int rc = getaddrinfo(name.c_str(), nullptr, &hints, &list);
  if (rc == EAI_NONAME || rc == EAI_NODATA) {
    result.status = NameLookup::Status::kNoSuchName;
    result.error = gai_strerror(rc);
    return result;
  }
  if (rc != 0) {
    result.error = rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
    return result;
  }
  for (const addrinfo* a = list; a; a = a->ai_next) {
    NetAddress address;
    if (a->ai_family == AF_INET) {
      address.family = 4;
      const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      std::memcpy(address.bytes.data(), &in->sin_addr, 4);
    } else if (a->ai_family == AF_INET6) {
      address.family = 6;
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      std::memcpy(address.bytes.data(), &in6->sin6_addr, 16);
    } else {
      continue;
    }
    result.addresses.push_back(address);
  }
  freeaddrinfo(list);
  auto order = [](const NetAddress& x, const NetAddress& y) {
    return std::tie(x.family, x.bytes) < std::tie(y.family, y.bytes);
  };
  std::sort(result.addresses.begin(), result.addresses.end(), order);
  result.addresses.erase(std::unique(result.addresses.begin(), result.addresses.end()),
                         result.addresses.end());
  result.status = NameLookup::Status::kOk;
  return result;
}

// Everything the lookup thread touches, shared with it: a thread left to finish a slow lookup
// after Stop() still owns it.
struct NameResolver::State {
  struct Schedule {
    std::chrono::steady_clock::time_point due;
    std::chrono::milliseconds interval{0};
    bool looked_up = false;
    // The last lookup's outcome: a failure is said when it starts, not at every retry.
    NameLookup::Status last = NameLookup::Status::kOk;
    std::vector<NetAddress> addresses;  // as last resolved
  };

  State(std::shared_ptr<DomainNames> t, Options o) : table(std::move(t)), options(std::move(o)) {}

  void Loop();
  void Record(const std::string& name, const NameLookup& result);
  void ReportFirstRound();

  const std::shared_ptr<DomainNames> table;
  const Options options;
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable exited_cv;
  std::condition_variable round_cv;  // the first round of lookups ended
  std::map<std::string, Schedule> names;
  bool stop = false;
  bool exited = false;
  bool first_round_reported = false;
  uint64_t lookups = 0;
};

NameResolver::NameResolver(std::shared_ptr<DomainNames> table, Options options)
    : state_(std::make_shared<State>(std::move(table), std::move(options))) {}

NameResolver::~NameResolver() {
  Stop();
}

void NameResolver::Watch(const std::set<std::string>& names) {
  {
    std::lock_guard lock(state_->mutex);
    std::erase_if(state_->names, [&](const auto& entry) { return !names.contains(entry.first); });
    const auto now = std::chrono::steady_clock::now();
    for (const auto& name : names) {
      State::Schedule fresh;
      fresh.due = now;
      fresh.interval = state_->options.base_interval;
      if (state_->names.try_emplace(name, std::move(fresh)).second) {
        state_->first_round_reported = false;
      }
    }
  }
  state_->table->Retain(names);
  state_->wake.notify_all();
}

void NameResolver::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([state = state_] {
    state->Loop();
    {
      std::lock_guard lock(state->mutex);
      state->exited = true;
    }
    state->exited_cv.notify_all();
  });
}

void NameResolver::Stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stop = true;
  }
  state_->wake.notify_all();
  if (!thread_.joinable()) return;
  std::unique_lock lock(state_->mutex);
  if (!state_->exited_cv.wait_for(lock, state_->options.stop_wait,
                                  [this] { return state_->exited; })) {
    lock.unlock();
    log::Info("name resolution: not waiting for the lookup in progress");
    thread_.detach();
    return;
  }
  lock.unlock();
  thread_.join();
}

bool NameResolver::WaitFirstRound(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->round_cv.wait_for(
      lock, timeout, [this] { return state_->first_round_reported || state_->names.empty(); });
}

uint64_t NameResolver::lookups() const {
  std::lock_guard lock(state_->mutex);
  return state_->lookups;
}

void NameResolver::State::Loop() {
  std::unique_lock lock(mutex);
  while (!stop) {
    auto next = std::min_element(names.begin(), names.end(), [](const auto& x, const auto& y) {
      return x.second.due < y.second.due;
    });
    if (next == names.end()) {
      wake.wait(lock);
      continue;
    }
    if (next->second.due > std::chrono::steady_clock::now()) {
      wake.wait_until(lock, next->second.due);
      continue;  // woken early: a Watch() or Stop() may have changed everything
    }
    const std::string name = next->first;
    lock.unlock();
    const NameLookup result = options.lookup(name);  // may block for seconds
    lock.lock();
    ++lookups;
    if (!stop) Record(name, result);
  }
}

// Under the lock: publishes the result and schedules the next lookup.
void NameResolver::State::Record(const std::string& name, const NameLookup& result) {
  auto it = names.find(name);
  if (it == names.end()) return;  // no longer watched
  Schedule& s = it->second;
  const auto now = std::chrono::steady_clock::now();
  s.looked_up = true;
  switch (result.status) {
    case NameLookup::Status::kOk: {
      // Unchanged addresses: wait longer before the next lookup; changed: start again.
      const bool unchanged = s.last == NameLookup::Status::kOk && s.addresses == result.addresses;
      s.addresses = result.addresses;
      table->Set(name, result.addresses);
      s.interval =
          unchanged ? std::min(s.interval * 2, options.max_interval) : options.base_interval;
      if (s.last != NameLookup::Status::kOk) log::Info("domain name {} resolves again", name);
      break;
    }
    case NameLookup::Status::kNoSuchName:
      // It does not exist: no address matches it (and rules comparing with it cannot hold).
      table->Set(name, {});
      s.addresses.clear();
      if (s.last != result.status) {
        log::Warning("domain name {} does not resolve: {}", name, result.error);
      }
      s.interval = options.base_interval;
      break;
    case NameLookup::Status::kFailed:
      // A resolver that did not answer: the last addresses stay, and it is asked again soon.
      if (s.last != result.status) {
        log::Warning("domain name {}: lookup failed ({}); retrying every {} s", name, result.error,
                     options.base_interval.count() / 1000.0);
      }
      s.interval = options.base_interval;
      break;
  }
  s.last = result.status;
  s.due = now + s.interval;
  ReportFirstRound();
}

// Under the lock: once every watched name was looked up, says how many resolved.
void NameResolver::State::ReportFirstRound() {
  if (first_round_reported) return;
  for (const auto& [name, s] : names) {
    if (!s.looked_up) return;
  }
  first_round_reported = true;
  round_cv.notify_all();
  log::Info("domain names: {} of {} the rules compare resolved", table->resolved_count(),
            names.size());
}

}  // namespace vigil
