// The rules engine on a recorded event stream: `bench_engine CAPTURE RULES...`.
// Replays every event of the capture through the process state and the rules, several times,
// and reports the engine's throughput on one core and its per-event latency (p50, p99).
#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "events/capture.h"
#include "rules/eval_context.h"
#include "rules/loader.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace vigil;

struct Pass {
  double seconds = 0;
  uint64_t matches = 0;
};

// One replay. `evaluate`: also run the rules; `latencies`: time each evaluation.
Pass Replay(const std::vector<Event>& events, const std::vector<ContainerInfo>& containers,
            const std::vector<UserInfo>& users, const rules::RuleSet* set, bool evaluate,
            std::vector<uint32_t>* latencies) {
  ProcessTable processes;
  ContainerTable container_table;
  UserDb user_db(false);
  for (const auto& c : containers) container_table.Put(c);
  for (const auto& u : users) user_db.Add(u);
  rules::EvalContext ctx(&processes, &container_table, &user_db);
  std::vector<Event> work = events;  // Apply may complete paths in place
  Pass pass;
  auto start = Clock::now();
  for (auto& e : work) {
    const Process* p = processes.Apply(e);
    if (!evaluate) continue;
    Clock::time_point t0;
    if (latencies) t0 = Clock::now();
    ctx.Begin(&e, p);
    set->Match(ctx, e.type, [&](const rules::Rule&) { ++pass.matches; });
    if (latencies) {
      latencies->push_back(static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()));
    }
  }
  pass.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return pass;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr, "usage: {} CAPTURE RULES...\n", argv[0]);
    return 2;
  }
  std::vector<Event> events;
  std::vector<ContainerInfo> containers;
  std::vector<UserInfo> users;
  auto read = ForEachRecord(argv[1], [&](CaptureRecord& r) {
    if (auto* e = std::get_if<Event>(&r)) events.push_back(std::move(*e));
    if (auto* c = std::get_if<ContainerInfo>(&r)) containers.push_back(std::move(*c));
    if (auto* u = std::get_if<UserInfo>(&r)) users.push_back(std::move(*u));
  });
  if (!read) {
    fmt::print(stderr, "{}\n", read.error().message);
    return 1;
  }
  rules::RuleLoader loader;
  for (int i = 2; i < argc; ++i) loader.AddFile(argv[i]);
  auto set = loader.Build();
  if (!set) {
    for (const auto& d : loader.diagnostics()) fmt::print(stderr, "{}\n", rules::FormatDiagnostic(d));
    return 1;
  }
  std::size_t by_type[kEventTypeCount] = {};
  for (const auto& e : events) ++by_type[static_cast<std::size_t>(e.type)];
  std::string mix;
  for (std::size_t t = 0; t < kEventTypeCount; ++t) {
    if (by_type[t]) mix += fmt::format("{}{}={}", mix.empty() ? "" : " ", EventTypeName(static_cast<EventType>(t)), by_type[t]);
  }
  fmt::print("capture: {} events ({}), {} containers; rules: {} loaded, {} active\n", events.size(),
             mix, containers.size(), set->rules().size(), set->active_count());

  constexpr int kPasses = 5;
  double state_only = 1e9, full = 1e9;
  uint64_t matches = 0;
  for (int i = 0; i < kPasses; ++i) {
    state_only = std::min(state_only, Replay(events, containers, users, set.get(), false, nullptr).seconds);
    Pass p = Replay(events, containers, users, set.get(), true, nullptr);
    full = std::min(full, p.seconds);
    matches = p.matches;
  }
  std::vector<uint32_t> latencies;
  latencies.reserve(events.size());
  Replay(events, containers, users, set.get(), true, &latencies);
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) { return latencies[static_cast<std::size_t>(q * (latencies.size() - 1))]; };
  const double rules_seconds = std::max(full - state_only, 1e-9);
  const double n = static_cast<double>(events.size());
  fmt::print("rules engine: {:.0f} events/s on one core ({:.0f} ns/event); with process state "
             "upkeep: {:.0f} events/s ({:.0f} ns/event)\n",
             n / rules_seconds, rules_seconds / n * 1e9, n / full, full / n * 1e9);
  fmt::print("per-event evaluation latency (timed pass, includes ~2 clock reads): p50 {} ns, "
             "p99 {} ns, p99.9 {} ns, max {} ns; {} matches\n",
             pct(0.5), pct(0.99), pct(0.999), latencies.back(), matches);
  return 0;
}
