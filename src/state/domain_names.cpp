#include "state/domain_names.h"

#include <algorithm>
#include <mutex>

namespace vigil {

namespace {
// Versions count across every table, so a table made where a freed one lay never passes for it.
std::atomic<uint64_t> g_versions{0};
}  // namespace

DomainNames::DomainNames() : current_(std::make_shared<const Map>()) {}

// A reader takes the lock only when the table changed since its thread last looked (every
// 10-320 s per name); otherwise one atomic load: no lock per event.
const DomainNames::Map& DomainNames::Snapshot() const {
  thread_local const DomainNames* owner = nullptr;
  thread_local uint64_t seen = 0;
  thread_local std::shared_ptr<const Map> snapshot;
  const uint64_t version = version_.load(std::memory_order_acquire);
  if (owner != this || seen != version || !snapshot) {
    std::lock_guard lock(mutex_);
    snapshot = current_;
    seen = version_.load(std::memory_order_relaxed);
    owner = this;
  }
  return *snapshot;
}

bool DomainNames::Resolves(std::string_view name, const NetAddress& address) const {
  const Map& map = Snapshot();
  auto it = map.find(name);
  if (it == map.end()) return false;
  return std::find(it->second.begin(), it->second.end(), address) != it->second.end();
}

bool DomainNames::NameOf(const NetAddress& address, std::string& out) const {
  for (const auto& [name, addresses] : Snapshot()) {
    if (std::find(addresses.begin(), addresses.end(), address) != addresses.end()) {
      out = name;
      return true;
    }
  }
  return false;
}

void DomainNames::Update(const std::function<void(Map&)>& change) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Map>(*current_);
  change(*next);
  current_ = std::move(next);
  version_.store(++g_versions, std::memory_order_release);
}

void DomainNames::Set(const std::string& name, std::vector<NetAddress> addresses) {
  Update([&](Map& map) { map[name] = std::move(addresses); });
}

void DomainNames::Retain(const std::set<std::string>& names) {
  Update([&](Map& map) {
    std::erase_if(map, [&](const auto& entry) { return !names.contains(entry.first); });
  });
}

std::size_t DomainNames::resolved_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      current_->begin(), current_->end(), [](const auto& entry) { return !entry.second.empty(); }));
}

}  // namespace vigil
