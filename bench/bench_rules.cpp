// Rules engine throughput on synthetic events, no kernel: the built-in rules against the
// events a busy host produces most (opens that match nothing) and against a matching one.
#include <fcntl.h>

#include <benchmark/benchmark.h>

#include "rules/eval_context.h"
#include "rules/loader.h"
#include "rules/ruleset.h"

namespace vigil::rules {
namespace {

struct Fixture {
  ProcessTable processes;
  ContainerTable containers;
  UserDb users{false};
  EvalContext ctx{&processes, &containers, &users};
  std::unique_ptr<RuleSet> set;
  Event open;

  Fixture() {
    RuleLoader loader;
    loader.AddText("builtin", std::string(DefaultRulesText()));
    set = loader.Build();
    Event exec;
    exec.type = EventType::kExecve;
    exec.pid = exec.tid = 100;
    exec.ppid = 1;
    exec.comm = "nginx";
    exec.args = {"nginx", "-g", "daemon off;"};
    exec.exe_path = "/usr/sbin/nginx";
    exec.cgroup_path = "/docker/e8904b80c959aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    processes.Apply(exec);
    open.type = EventType::kOpenat;
    open.pid = open.tid = 100;
    open.ppid = 1;
    open.comm = "nginx";
    open.ret = 5;
    open.file_mode = 0100644;
    open.dirfd = AT_FDCWD;
  }
};

void Evaluate(benchmark::State& state, const char* path, int flags) {
  Fixture f;
  f.open.path = path;
  f.open.path_raw = path;
  f.open.open_flags = static_cast<uint32_t>(flags);
  uint64_t matches = 0;
  for (auto _ : state) {
    ++f.open.num;
    const Process* p = f.processes.Apply(f.open);
    f.ctx.Begin(&f.open, p);
    f.set->Match(f.ctx, f.open.type, [&](const Rule&) { ++matches; });
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations());
}

void BM_BenignOpenRead(benchmark::State& state) { Evaluate(state, "/var/www/index.html", O_RDONLY); }
void BM_BenignOpenWrite(benchmark::State& state) {
  Evaluate(state, "/var/log/nginx/access.log", O_WRONLY | O_APPEND);
}
void BM_SensitiveOpen(benchmark::State& state) { Evaluate(state, "/etc/shadow", O_RDONLY); }

BENCHMARK(BM_BenignOpenRead);
BENCHMARK(BM_BenignOpenWrite);
BENCHMARK(BM_SensitiveOpen);

}  // namespace
}  // namespace vigil::rules

BENCHMARK_MAIN();
