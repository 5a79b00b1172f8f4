#include "state/name_resolver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

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

NameResolver::NameResolver(DomainNames& table, Options options)
    : table_(table), options_(std::move(options)) {}

NameResolver::~NameResolver() { Stop(); }

void NameResolver::Watch(const std::set<std::string>& names) {
  {
    std::lock_guard lock(mutex_);
    std::erase_if(names_, [&](const auto& entry) { return !names.contains(entry.first); });
    const auto now = std::chrono::steady_clock::now();
    for (const auto& name : names) {
      Schedule fresh;
      fresh.due = now;
      fresh.interval = options_.base_interval;
      if (names_.try_emplace(name, std::move(fresh)).second) first_round_reported_ = false;
    }
  }
  table_.Retain(names);
  wake_.notify_all();
}

void NameResolver::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void NameResolver::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t NameResolver::lookups() const {
  std::lock_guard lock(mutex_);
  return lookups_;
}

void NameResolver::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    auto next = std::min_element(names_.begin(), names_.end(), [](const auto& x, const auto& y) {
      return x.second.due < y.second.due;
    });
    if (next == names_.end()) {
      wake_.wait(lock);
      continue;
    }
    if (next->second.due > std::chrono::steady_clock::now()) {
      wake_.wait_until(lock, next->second.due);
      continue;  // woken early: a Watch() or Stop() may have changed everything
    }
    const std::string name = next->first;
    lock.unlock();
    const NameLookup result = options_.lookup(name);  // may block for seconds
    lock.lock();
    ++lookups_;
    Record(name, result);
  }
}

// Under the lock: publishes the result and schedules the next lookup.
void NameResolver::Record(const std::string& name, const NameLookup& result) {
  auto it = names_.find(name);
  if (it == names_.end()) return;  // no longer watched
  Schedule& s = it->second;
  const auto now = std::chrono::steady_clock::now();
  s.looked_up = true;
  switch (result.status) {
    case NameLookup::Status::kOk: {
      // Unchanged addresses: wait longer before the next lookup; changed: start again.
      const bool unchanged = s.last == NameLookup::Status::kOk && s.addresses == result.addresses;
      s.addresses = result.addresses;
      table_.Set(name, result.addresses);
      s.interval = unchanged ? std::min(s.interval * 2, options_.max_interval)
                             : options_.base_interval;
      if (s.last != NameLookup::Status::kOk) log::Info("domain name {} resolves again", name);
      break;
    }
    case NameLookup::Status::kNoSuchName:
      // It does not exist: no address matches it (and rules comparing with it cannot hold).
      table_.Set(name, {});
      s.addresses.clear();
      if (s.last != result.status) {
        log::Warning("domain name {} does not resolve: {}", name, result.error);
      }
      s.interval = options_.base_interval;
      break;
    case NameLookup::Status::kFailed:
      // A resolver that did not answer: the last addresses stay, and it is asked again soon.
      if (s.last != result.status) {
        log::Warning("domain name {}: lookup failed ({}); retrying every {} s", name,
                     result.error, options_.base_interval.count() / 1000.0);
      }
      s.interval = options_.base_interval;
      break;
  }
  s.last = result.status;
  s.due = now + s.interval;
  ReportFirstRound();
}

// Under the lock: once every watched name was looked up, says how many resolved.
void NameResolver::ReportFirstRound() {
  if (first_round_reported_) return;
  for (const auto& [name, s] : names_) {
    if (!s.looked_up) return;
  }
  first_round_reported_ = true;
  log::Info("domain names: {} of {} the rules compare resolved", table_.resolved_count(),
            names_.size());
}

}  // namespace vigil
