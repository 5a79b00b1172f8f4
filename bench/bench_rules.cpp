// Rules engine throughput on synthetic events, no kernel: the built-in rules against the
// events a busy host produces most (opens that match nothing) and against a matching one; and
// a connect tested against 13 resolved domain names (fd.sip.name in (...)).
#include <arpa/inet.h>
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

// Falco's crypto-miner rule shape: a connect to an address none of 13 names resolves to (the
// common case: every name is tested). Names resolved, 2 addresses each.
void BM_ConnectDomainNames(benchmark::State& state) {
  static const char* kNames[] = {
      "ca.minexmr.com", "cn.stratum.slushpool.com", "de.minexmr.com", "fr.minexmr.com",
      "mine.moneropool.com", "mine.xmrpool.net", "pool.minexmr.com", "sg.minexmr.com",
      "stratum-eth.antpool.com", "stratum-ltc.antpool.com", "stratum-zec.antpool.com",
      "stratum.antpool.com", "xmr.crypto-pool.fr"};
  Fixture f;
  std::string list;
  DomainNames names;
  uint8_t octet = 1;
  for (const char* name : kNames) {
    list += (list.empty() ? "" : ", ") + std::string(name);
    std::vector<NetAddress> addresses(2);
    for (auto& a : addresses) {
      a.family = 4;
      a.bytes = {198, 51, 100, octet++};
    }
    names.Set(name, std::move(addresses));
  }
  RuleLoader loader;
  loader.AddText("miners", "- rule: miner\n  desc: d\n  condition: evt.type = connect and "
                           "fd.sport = 443 and fd.sip.name in (" + list + ")\n  output: x\n"
                           "  priority: NOTICE\n");
  auto set = loader.Build();
  f.ctx.set_domain_names(&names);
  Event connect = f.open;
  connect.type = EventType::kConnect;
  connect.ret = 0;
  connect.fd_info.kind = Event::FdInfo::Kind::kIpv4;
  connect.fd_info.sock_type = 1;
  connect.fd_info.protocol = 6;
  connect.fd_info.fd = 5;
  inet_pton(AF_INET, "10.0.0.1", connect.fd_info.local_addr.data());
  inet_pton(AF_INET, "203.0.113.9", connect.fd_info.remote_addr.data());
  connect.fd_info.local_port = 40000;
  connect.fd_info.remote_port = 443;
  uint64_t matches = 0;
  for (auto _ : state) {
    ++connect.num;
    const Process* p = f.processes.Apply(connect);
    f.ctx.Begin(&connect, p);
    set->Match(f.ctx, connect.type, [&](const Rule&) { ++matches; });
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_BenignOpenRead);
BENCHMARK(BM_BenignOpenWrite);
BENCHMARK(BM_SensitiveOpen);
BENCHMARK(BM_ConnectDomainNames);

}  // namespace
}  // namespace vigil::rules

BENCHMARK_MAIN();
