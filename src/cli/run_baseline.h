// `vigil run --baseline DB`: the profile store and the baseline engine, and what the sensor
// must deliver for them.
#pragma once

#include <memory>

#include "baseline/engine.h"
#include "baseline/store.h"
#include "cli/commands.h"
#include "common/result.h"
#include "sensor/sensor.h"

namespace vigil::cli {

struct BaselineRun {
  std::unique_ptr<baseline::ProfileStore> store;
  std::unique_ptr<baseline::Engine> engine;  // null: baselines are off
};

// Opens the store and the engine when options.baseline_store is set (nothing otherwise).
// Errors: the store does not open, a bad --baseline-key.
Result<BaselineRun> StartBaseline(const AgentOptions& options, const std::string& hostname,
                                  baseline::Engine::AlertHandler on_alert);

// What baselines need from the sensor: every successful open in containers, connect and
// listen, and (with `syscalls`) the kernel's syscall bitmap per container.
void AddBaselineSensing(sensor::SensorOptions& options, bool syscalls);

// Between batches: hands the kernel's syscall bitmaps to the engine, forgets removed
// containers' cgroups, and ticks the engine.
void TickBaseline(baseline::Engine& engine, sensor::Sensor& sensor,
                  const std::vector<uint64_t>& forgotten_cgroups, uint64_t now_ns);

}  // namespace vigil::cli
