#include "cli/run_baseline.h"

#include <chrono>

#include "common/log.h"

namespace vigil::cli {

Result<BaselineRun> StartBaseline(const AgentOptions& options, const std::string& hostname,
                                  baseline::Engine::AlertHandler on_alert) {
  BaselineRun run;
  if (options.baseline_store.empty() || !options.capture_path.empty()) return run;
  baseline::EngineOptions engine_options;
  if (!baseline::ParseRunMode(options.baseline_mode, &engine_options.mode)) {
    return Fail("baseline.mode: '{}' is not learn, detect or auto", options.baseline_mode);
  }
  engine_options.quiet_period =
      std::chrono::nanoseconds(static_cast<int64_t>(options.baseline_quiet_s * 1e9));
  const std::string& key = options.baseline_key;
  if (key == "image") {
    engine_options.key_by = baseline::KeyBy::kImage;
  } else if (key == "name") {
    engine_options.key_by = baseline::KeyBy::kContainerName;
  } else if (key.starts_with("label:") && key.size() > 6) {
    engine_options.key_by = baseline::KeyBy::kLabel;
    engine_options.key_label = key.substr(6);
  } else {
    return Fail("baseline.key: '{}' is not image, name or label:KEY", key);
  }
  engine_options.hostname = hostname;
  auto store = baseline::ProfileStore::Open(options.baseline_store);
  if (!store) return Fail("baseline store: {}", store.error().message);
  run.store = std::move(*store);
  auto engine = baseline::Engine::Open(run.store.get(), engine_options, std::move(on_alert));
  if (!engine) return Fail("baseline store {}: {}", options.baseline_store, engine.error().message);
  run.engine = std::move(*engine);
  auto stats = run.engine->stats();
  log::Info("baseline: store {}, {} profiles ({} learning), mode {}{}", options.baseline_store,
            stats.profiles, stats.learning, baseline::RunModeName(engine_options.mode),
            options.baseline_syscalls ? "" : ", syscalls not learned (baseline.syscalls: false)");
  return run;
}

void AddBaselineSensing(sensor::SensorOptions& options, bool syscalls) {
  options.opens = true;
  if (!options.open_filter.pass_all) options.open_filter.containers = true;
  options.syscalls.set(static_cast<std::size_t>(EventType::kConnect));
  options.syscalls.set(static_cast<std::size_t>(EventType::kListen));
  options.container_syscalls = syscalls;
}

void TickBaseline(baseline::Engine& engine, sensor::Sensor& sensor,
                  const std::vector<uint64_t>& forgotten_cgroups, uint64_t now_ns) {
  for (uint64_t cgroup : forgotten_cgroups) sensor.ForgetCgroup(cgroup);
  for (const auto& [cgroup, syscalls] : sensor.ContainerSyscalls()) {
    engine.ObserveSyscalls(cgroup, syscalls);
  }
  engine.Tick(now_ns);
}

}  // namespace vigil::cli
