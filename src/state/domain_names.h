// Domain names that rules compare with socket addresses (`fd.sip.name = example.com`), and the
// addresses each one resolved to last. As in Falco, names are resolved ahead of time, never
// while an event is evaluated: a comparison asks whether the event's address is among the
// name's addresses.
//
// Thread-safe: the NameResolver's thread writes (a new copy of the table each time), the rules
// read a snapshot that is only re-taken after a change, without a lock per event.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct NetAddress {
  uint8_t family = 0;               // 4 or 6
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes
  bool operator==(const NetAddress&) const = default;
};

class DomainNames {
 public:
  DomainNames();

  // Whether `name` resolved to `address` at its last resolution. False for a name never
  // resolved (or not resolvable).
  bool Resolves(std::string_view name, const NetAddress& address) const;
  // The first name (in byte order) that resolves to `address`; false when none does.
  bool NameOf(const NetAddress& address, std::string& out) const;

  // A name's addresses, as just resolved (empty: the name does not exist).
  void Set(const std::string& name, std::vector<NetAddress> addresses);
  // Forgets every name not in `names` (the rules that compared them went away).
  void Retain(const std::set<std::string>& names);
  // Names with at least one address.
  std::size_t resolved_count() const;

 private:
  using Map = std::map<std::string, std::vector<NetAddress>, std::less<>>;
  const Map& Snapshot() const;
  void Update(const std::function<void(Map&)>& change);

  mutable std::mutex mutex_;
  std::shared_ptr<const Map> current_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace vigil
