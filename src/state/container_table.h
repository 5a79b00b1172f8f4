// Container metadata the runtime clients reported, by 12-character id.
//
// Single-threaded: owned and used by the event loop; the runtime's threads hand updates over
// through their own queue, drained between event batches (no lock per event).
#pragma once

#include <string>
#include <unordered_map>

#include "events/container.h"

namespace vigil {

class ContainerTable {
 public:
  void Put(ContainerInfo info) {
    std::string key = info.id;
    containers_[key] = std::move(info);
  }
  const ContainerInfo* Find(const std::string& id) const {
    auto it = containers_.find(id);
    return it == containers_.end() ? nullptr : &it->second;
  }
  void Erase(const std::string& id) { containers_.erase(id); }
  std::size_t size() const { return containers_.size(); }

 private:
  std::unordered_map<std::string, ContainerInfo> containers_;
};

}  // namespace vigil
