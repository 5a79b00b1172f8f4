// What a rule sees while it evaluates one event: the event, its process and the state around
// it, plus the per-event cache that makes every field extracted at most once per event.
//
// One EvalContext per event loop (not thread-safe); reused across events, so after warm-up the
// cache and its scratch strings allocate nothing.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "events/container.h"
#include "events/event.h"
#include "state/container_table.h"
#include "state/domain_names.h"
#include "state/process_table.h"
#include "state/users.h"

namespace vigil::rules {

// kIpAddr: an address, compared with addresses; kIpNet: an address, compared with networks
// ("10.0.0.0/8": true when the address lies inside).
enum class FieldType : uint8_t { kString, kInt64, kUint64, kBool, kIpAddr, kIpNet };

struct IpAddress {
  uint8_t family = 0;  // 4 or 6; 0 when unset
  std::array<uint8_t, 16> bytes{};
  bool operator==(const IpAddress&) const = default;
};

// An extracted value. String views point into the event, the state tables or the slot's
// scratch string, and stay valid until the next event.
struct FieldValue {
  FieldType type = FieldType::kString;
  std::string_view str;
  int64_t i = 0;
  uint64_t u = 0;
  bool b = false;
  IpAddress ip;

  // The string's hash, computed at most once per value: several `in` lists often test the same
  // field of the same event.
  std::size_t StrHash() const {
    if (!hashed_) {
      hash_ = std::hash<std::string_view>{}(str);
      hashed_ = true;
    }
    return hash_;
  }
  void ResetHash() { hashed_ = false; }

 private:
  mutable std::size_t hash_ = 0;
  mutable bool hashed_ = false;
};

class EvalContext {
 public:
  EvalContext(const ProcessTable* processes, const ContainerTable* containers, UserDb* users)
      : processes_(processes), containers_(containers), users_(users) {}

  // Starts a new event: invalidates every cached field value.
  void Begin(const Event* event, const Process* process) {
    event_ = event;
    process_ = process;
    container_looked_up_ = false;
    container_ = nullptr;
    if (++generation_ == 0) {
      for (auto& slot : slots_) slot.generation = 0;
      for (auto& slot : macro_slots_) slot.generation = 0;
      generation_ = 1;
    }
  }

  const Event& event() const { return *event_; }
  // evt.hostname; set once by the owner.
  void set_hostname(std::string hostname) { hostname_ = std::move(hostname); }
  const std::string& hostname() const { return hostname_; }
  // The domain names the rules compare and their addresses (fd.*ip.name); null: none resolved.
  void set_domain_names(const DomainNames* names) { domain_names_ = names; }
  const DomainNames* domain_names() const { return domain_names_; }
  const Process* process() const { return process_; }
  const ProcessTable& processes() const { return *processes_; }
  UserDb& users() { return *users_; }
  // The metadata of the event's container; null for the host or while unknown.
  const ContainerInfo* container() {
    if (!container_looked_up_) {
      container_looked_up_ = true;
      container_ = (process_ && containers_) ? containers_->Find(process_->container_id) : nullptr;
    }
    return container_;
  }

  struct Slot {
    uint32_t generation = 0;
    bool known = false;
    FieldValue value;
    std::string scratch;  // storage for computed strings
  };
  // Slot `index` (assigned by the compiler, one per distinct value expression). A deque: growing
  // it never moves existing slots, so values already extracted this event stay valid.
  Slot& slot(std::size_t index) {
    if (index >= slots_.size()) slots_.resize(index + 1);
    return slots_[index];
  }
  uint32_t generation() const { return generation_; }

  // Per-event results of shared macros (see the compiler): evaluated once per event however
  // many rules use them.
  struct MacroSlot {
    uint32_t generation = 0;
    bool value = false;
  };
  MacroSlot& macro_slot(std::size_t index) {
    if (index >= macro_slots_.size()) macro_slots_.resize(index + 1);
    return macro_slots_[index];
  }

 private:
  const ProcessTable* processes_;
  const ContainerTable* containers_;
  UserDb* users_;
  const Event* event_ = nullptr;
  const Process* process_ = nullptr;
  bool container_looked_up_ = false;
  const ContainerInfo* container_ = nullptr;
  uint32_t generation_ = 0;
  std::deque<Slot> slots_;
  std::deque<MacroSlot> macro_slots_;
  std::string hostname_;
  const DomainNames* domain_names_ = nullptr;
};

}  // namespace vigil::rules
